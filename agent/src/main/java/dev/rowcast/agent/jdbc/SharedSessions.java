package dev.rowcast.agent.jdbc;

import java.lang.reflect.Field;
import java.util.function.UnaryOperator;

/**
 * Connections that are one database session under two objects, which the JDBC layer must follow as
 * one: the connection H2's XA resource hands the app ({@code JdbcXAConnection$PooledJdbcConnection},
 * a connection of its own sharing the session of the one the resource commits and prepares on).
 * Any other connection is its own key.
 */
final class SharedSessions {

    private static final String H2_XA_HANDLE = "org.h2.jdbcx.JdbcXAConnection$PooledJdbcConnection";

    private static final ClassValue<UnaryOperator<Object>> KEYS = new ClassValue<>() {
        @Override
        protected UnaryOperator<Object> computeValue(Class<?> type) {
            if (!type.getName().equals(H2_XA_HANDLE)) {
                return UnaryOperator.identity();
            }
            try {
                Field resource = type.getDeclaredField("this$0");
                Field physical = resource.getType().getDeclaredField("physicalConn");
                resource.setAccessible(true);
                physical.setAccessible(true);
                return handle -> {
                    try {
                        Object connection = physical.get(resource.get(handle));
                        return connection != null ? connection : handle;
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        return handle;
                    }
                };
            } catch (ReflectiveOperationException | RuntimeException e) {
                // another H2 than the one read here: the handle stays its own connection
                return UnaryOperator.identity();
            }
        }
    };

    private SharedSessions() {}

    /** The connection whose state stands for {@code connection}'s session. */
    static Object key(Object connection) {
        return KEYS.get(connection.getClass()).apply(connection);
    }
}
