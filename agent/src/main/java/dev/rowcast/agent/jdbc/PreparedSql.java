package dev.rowcast.agent.jdbc;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.function.Function;

/**
 * The SQL a driver's prepared statement was prepared with, read from the driver's own objects.
 * JDBC has no call for it, and the hooks learn it as {@code prepareStatement} returns: this is for a
 * statement prepared before they were in, which an app or its pool kept (Ebean's pool keeps up to
 * a hundred per connection), so that its writes are captured too. Known drivers: H2 2.x,
 * PostgreSQL's, MySQL Connector/J and MariaDB Connector/J 3.x; any other statement has none.
 */
public final class PreparedSql {

    private static final Function<Object, Object> NONE = statement -> null;

    private static final ClassValue<Function<Object, Object>> READERS = new ClassValue<>() {
        @Override
        protected Function<Object, Object> computeValue(Class<?> type) {
            try {
                return readerOf(type);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return NONE;
            }
        }
    };

    private PreparedSql() {}

    /** The statement's SQL as the app gave it, or null: not a prepared statement of a driver read here, or unreadable. */
    public static String of(Object statement) {
        try {
            Object sql = READERS.get(statement.getClass()).apply(statement);
            return sql instanceof String text ? text : null;
        } catch (Throwable t) {
            return null;
        }
    }

    private static Function<Object, Object> readerOf(Class<?> type) throws ReflectiveOperationException {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            switch (c.getName()) {
                case "org.h2.jdbc.JdbcPreparedStatement" -> {
                    // its command, local (org.h2.command.Command) or remote (CommandRemote), keeps the SQL in 'sql'
                    Field command = accessible(c.getDeclaredField("command"));
                    return statement -> read(get(command, statement), "sql");
                }
                case "org.postgresql.jdbc.PgPreparedStatement" -> {
                    // its CachedQuery's key: the SQL, or a BaseQueryKey holding it (with generated keys asked for, say)
                    Field query = accessible(c.getDeclaredField("preparedQuery"));
                    return statement -> {
                        Object key = read(get(query, statement), "key");
                        return key instanceof String ? key : read(key, "sql");
                    };
                }
                case "com.mysql.cj.jdbc.ClientPreparedStatement" -> {
                    Method getQuery = c.getMethod("getQuery");
                    Method originalSql = Class.forName("com.mysql.cj.PreparedQuery", false, c.getClassLoader()).getMethod("getOriginalSql");
                    return statement -> {
                        try {
                            return originalSql.invoke(getQuery.invoke(statement));
                        } catch (ReflectiveOperationException e) {
                            return null;
                        }
                    };
                }
                case "org.mariadb.jdbc.BasePreparedStatement" -> {
                    Field sql = accessible(c.getDeclaredField("sql"));
                    return statement -> get(sql, statement);
                }
                default -> {
                    // a super class may be one of them
                }
            }
        }
        return NONE;
    }

    /** The value of the field {@code name} that {@code object}'s class or one of its super classes declares; null if none. */
    private static Object read(Object object, String name) {
        if (object == null) {
            return null;
        }
        for (Class<?> c = object.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                return get(accessible(c.getDeclaredField(name)), object);
            } catch (NoSuchFieldException e) {
                // declared higher up, perhaps
            } catch (RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    private static Field accessible(Field field) {
        field.setAccessible(true);
        return field;
    }

    private static Object get(Field field, Object object) {
        try {
            return field.get(object);
        } catch (IllegalAccessException e) {
            return null;
        }
    }
}
