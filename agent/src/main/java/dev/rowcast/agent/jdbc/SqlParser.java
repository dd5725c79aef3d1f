package dev.rowcast.agent.jdbc;

import dev.rowcast.agent.AgentLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DateTimeLiteralExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.ConflictActionType;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;

/**
 * Parses each distinct SQL write once (JSqlParser, called directly: {@code parse()} would submit
 * every statement to an executor for its timeout). Runs on the pipeline thread, never the app's.
 */
final class SqlParser {

    static final int MAX_CACHED = 4_096;

    private final Map<String, SqlShape> cache = new ConcurrentHashMap<>();
    /** The SQL that could not be read, so that each commit of it is not parsed again. */
    private final Map<String, IllegalArgumentException> failures = new ConcurrentHashMap<>();

    /** @throws IllegalArgumentException for SQL it cannot read, every time it is asked */
    SqlShape shape(String sql) {
        SqlShape shape = cache.get(sql);
        if (shape == null) {
            IllegalArgumentException failed = failures.get(sql);
            if (failed != null) {
                throw failed;
            }
            try {
                shape = parse(sql);
            } catch (IllegalArgumentException e) {
                remember(failures, sql, e);
                throw e;
            }
            remember(cache, sql, shape);
        }
        return shape;
    }

    private static <V> void remember(Map<String, V> map, String sql, V value) {
        if (map.size() >= MAX_CACHED) {
            map.clear();
        }
        map.put(sql, value);
    }

    static SqlShape parse(String sql) {
        String inner = SqlFilter.deltaTableInner(sql);
        if (inner != null) {
            // SELECT ... FROM FINAL TABLE (INSERT ...): the write, its rows read back as RETURNING's are
            return parse(inner);
        }
        try {
            CCJSqlParser parser = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(false);
            Statement statement = parser.Statement();
            Token next = parser.getNextToken();
            while (";".equals(next.image)) {
                next = parser.getNextToken();
            }
            // '#' starts a MySQL comment, which the parser does not know
            if (next.kind != CCJSqlParserConstants.EOF && !"#".equals(next.image)) {
                severalStatements(sql);
            }
            return read(statement);
        } catch (SeveralStatements e) {
            throw e;
        } catch (Exception | Error e) {
            // the parser's errors, and any a statement of a form this class did not foresee meets
            throw new IllegalArgumentException("cannot parse SQL: " + AgentLog.sql(sql) + " (" + e + ")", e);
        }
    }

    /**
     * SQL of several statements, which the driver runs one after another, each with its own count:
     * fine when the others are queries (INSERT ...; SELECT LAST_INSERT_ID()). Otherwise an event of
     * the first alone would hide the rest, and a ROLLBACK among them would make it one of a write
     * that never committed: then it is not read, and the exception names the tables its statements
     * write (null when they cannot be read), so that SQL writing none of a collection's costs nothing.
     */
    private static void severalStatements(String sql) {
        List<Statement> all;
        try {
            all = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(false).Statements();
        } catch (Exception | Error e) {
            throw new SeveralStatements(sql, null);
        }
        List<String> written = new ArrayList<>();
        boolean onlyQueries = true;
        for (int i = 1; i < all.size(); i++) {
            onlyQueries &= all.get(i) instanceof Select;
        }
        if (onlyQueries) {
            return;
        }
        for (Statement statement : all) {
            SqlShape shape = read(statement);
            if (shape.table() != null) {
                written.add(shape.table());
            } else if (!(statement instanceof Select)) {
                // transaction control (COMMIT, ROLLBACK) or another statement: it may bear on every table
                throw new SeveralStatements(sql, null);
            }
        }
        throw new SeveralStatements(sql, written);
    }

    /** SQL of several statements that write (see {@link #severalStatements}); thrown by every later ask of it. */
    static final class SeveralStatements extends IllegalArgumentException {
        /** The tables its statements write; null when that is not known. */
        final transient List<String> tables;

        SeveralStatements(String sql, List<String> tables) {
            super("cannot read SQL of several statements: " + AgentLog.sql(sql) + " (Rowcast reads one statement per execute,"
                    + " followed by queries at most)");
            this.tables = tables == null ? null : List.copyOf(tables);
        }
    }

    private static SqlShape read(Statement statement) {
        if (statement instanceof Insert insert) {
            return insert(insert);
        }
        if (statement instanceof Update update) {
            Map<String, Object> set = new LinkedHashMap<>();
            for (UpdateSet us : update.getUpdateSets()) {
                List<Column> columns = us.getColumns();
                ExpressionList<?> values = us.getValues();
                for (int i = 0; i < columns.size(); i++) {
                    set.put(name(columns.get(i)), i < values.size() ? value(values.get(i)) : SqlShape.UNKNOWN);
                }
            }
            return new SqlShape("update", table(update.getTable()), List.of(set), key(update.getWhere()));
        }
        if (statement instanceof Delete delete) {
            return new SqlShape("delete", table(delete.getTable()), List.of(), key(delete.getWhere()));
        }
        if (statement instanceof Merge merge) {
            return new SqlShape(SqlShape.UNREAD, table(merge.getTable()), List.of(), Map.of());
        }
        if (statement instanceof Upsert upsert) {
            return new SqlShape(SqlShape.UNREAD, table(upsert.getTable()), List.of(), Map.of());
        }
        return SqlShape.NOT_A_WRITE;
    }

    private static SqlShape insert(Insert insert) {
        List<Map<String, Object>> rows = new ArrayList<>();
        ExpressionList<Column> columns = insert.getColumns();
        if (insert.getValues() != null && columns != null) {
            ExpressionList<?> values = insert.getValues().getExpressions();
            boolean multiRow = multiRow(values, columns.size());
            if (multiRow) {
                for (Expression row : values) {
                    rows.add(row(columns, (ExpressionList<?>) row));
                }
            } else {
                rows.add(row(columns, values));
            }
        }
        // INSERT ... SELECT or no column list: the rows are not in the statement
        List<UpdateSet> updates = insert.isUseDuplicate() ? insert.getDuplicateUpdateSets()
                : insert.getConflictAction() != null && insert.getConflictAction().getConflictActionType() == ConflictActionType.DO_UPDATE
                ? insert.getConflictAction().getUpdateSets() : null;
        if (updates == null) {
            return new SqlShape("create", table(insert.getTable()), List.copyOf(rows), Map.of());
        }
        Map<String, Object> inserted = rows.size() == 1 ? rows.get(0) : Map.of();
        Map<String, Object> set = new LinkedHashMap<>();
        for (UpdateSet us : updates) {
            List<Column> targets = us.getColumns();
            ExpressionList<?> values = us.getValues();
            for (int i = 0; i < targets.size(); i++) {
                Object value = i < values.size() ? insertedColumn(values.get(i)) : null;
                set.put(name(targets.get(i)), value != null ? inserted.getOrDefault(value, SqlShape.UNKNOWN)
                        : i < values.size() ? value(values.get(i)) : SqlShape.UNKNOWN);
            }
        }
        return new SqlShape(SqlShape.UPSERT, table(insert.getTable()), List.copyOf(rows), conflictOnId(insert, inserted), set);
    }

    /**
     * PostgreSQL's {@code ON CONFLICT (id) DO UPDATE} of one row that gives its id: the row it meets,
     * if any, is the one of that id ({@code id} to the inserted value). Empty for any other upsert:
     * one whose conflict is on another key may meet another row than the id's.
     */
    private static Map<String, Object> conflictOnId(Insert insert, Map<String, Object> inserted) {
        List<String> target = insert.getConflictTarget() == null ? null : insert.getConflictTarget().getIndexColumnNames();
        if (target == null || target.size() != 1 || !"id".equals(unquote(target.get(0))) || inserted.getOrDefault("id", SqlShape.UNKNOWN) == SqlShape.UNKNOWN) {
            return Map.of();
        }
        return Map.of("id", inserted.get("id"));
    }

    /**
     * VALUES (?, ?), (?, ?): every item a list of as many values as there are columns. Not
     * VALUES ((?), ?), nor VALUES ((?), (?)) for two columns: one row whose values are in parentheses.
     */
    private static boolean multiRow(ExpressionList<?> values, int columns) {
        if (values.isEmpty()) {
            return false;
        }
        for (Expression value : values) {
            if (!(value instanceof ParenthesedExpressionList<?> row) || row.size() != columns) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> row(ExpressionList<Column> columns, ExpressionList<?> values) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            row.put(name(columns.get(i)), i < values.size() ? value(values.get(i)) : SqlShape.UNKNOWN);
        }
        return row;
    }

    /** The inserted row's column an upsert's SET takes: MySQL's VALUES(c) (MariaDB's VALUE(c)), PostgreSQL's EXCLUDED.c; else null. */
    private static String insertedColumn(Expression e) {
        if (e instanceof Function f && f.getName() != null && f.getParameters() != null && f.getParameters().size() == 1
                && (f.getName().equalsIgnoreCase("values") || f.getName().equalsIgnoreCase("value"))
                && f.getParameters().get(0) instanceof Column c) {
            return name(c);
        }
        if (e instanceof Column c && c.getTable() != null && "excluded".equalsIgnoreCase(c.getTable().getName())) {
            return name(c);
        }
        return null;
    }

    private static Map<String, Object> key(Expression where) {
        Map<String, Object> key = new LinkedHashMap<>();
        collectEqualities(where, key);
        return key;
    }

    private static void collectEqualities(Expression e, Map<String, Object> into) {
        if (e instanceof ParenthesedExpressionList<?> inner && inner.size() == 1) {
            // WHERE (id = ? AND chat = ?), as jOOQ and MyBatis Generator write it
            collectEqualities(inner.get(0), into);
        } else if (e instanceof AndExpression and) {
            collectEqualities(and.getLeftExpression(), into);
            collectEqualities(and.getRightExpression(), into);
        } else if (e instanceof InExpression in && !in.isNot() && in.getLeftExpression() instanceof Column c && "id".equals(name(c))
                && in.getRightExpression() instanceof ExpressionList<?> list && !list.isEmpty()) {
            // WHERE id IN (?, ?, ?), as MyBatis's <foreach> and JDBI's bindList write it: the id alone, by which rows are known
            List<Object> items = new ArrayList<>();
            for (Expression item : list) {
                items.add(value(item));
            }
            into.put(name(c), new SqlShape.AnyOf(items));
        } else if (e instanceof EqualsTo eq && eq.getLeftExpression() instanceof Column c && "id".equals(name(c))
                && anyOf(eq.getRightExpression()) != null) {
            // WHERE id = ANY(?), an array bound on PostgreSQL or H2
            into.put(name(c), new SqlShape.AnyOf(List.of(value(anyOf(eq.getRightExpression())))));
        } else if (e instanceof EqualsTo eq) {
            if (eq.getLeftExpression() instanceof Column c && !(eq.getRightExpression() instanceof Column)) {
                into.put(name(c), value(eq.getRightExpression()));
            } else if (eq.getRightExpression() instanceof Column c && !(eq.getLeftExpression() instanceof Column)) {
                into.put(name(c), value(eq.getLeftExpression()));
            }
        }
    }

    /** The array of {@code ANY(array)}; null for another expression. */
    private static Expression anyOf(Expression e) {
        return e instanceof Function f && "any".equalsIgnoreCase(f.getName()) && f.getParameters() != null
                && f.getParameters().size() == 1 ? f.getParameters().get(0) : null;
    }

    private static Object value(Expression e) {
        if (e instanceof CastExpression cast && cast.getLeftExpression() != null) {
            // ?::uuid, CAST(? AS uuid): the value bound, which the database casts; text cast to JSON or a timestamp is read as one
            Object inner = value(cast.getLeftExpression());
            TextCast as = TextCast.of(cast.getColDataType());
            if (as == null) {
                return inner;
            }
            return inner instanceof SqlShape.Param p ? new SqlShape.Param(p.index(), as) : as.apply(inner);
        }
        if (e instanceof JdbcParameter p && p.getIndex() != null) {
            return new SqlShape.Param(p.getIndex());
        }
        if (e instanceof StringValue s) {
            return s.getValue().replace("''", "'");
        }
        if (e instanceof LongValue l) {
            return l.getValue();
        }
        if (e instanceof DoubleValue d) {
            return d.getValue();
        }
        if (e instanceof NullValue) {
            return null;
        }
        if (e instanceof BooleanValue b) {
            return b.getValue();
        }
        if (e instanceof SignedExpression s && s.getSign() == '-' && value(s.getExpression()) instanceof Number n) {
            return n instanceof Long l ? (Object) (-l) : (Object) (-n.doubleValue());
        }
        if (e instanceof DateTimeLiteralExpression dt) {
            return dt.getValue().replace("'", "");
        }
        return SqlShape.UNKNOWN;
    }

    /** The table without its quotes, after its schema where the SQL names one: {@code messages}, {@code public.messages}. */
    static String table(Table table) {
        String schema = table.getSchemaName();
        String name = unquote(table.getName());
        return schema == null || schema.isEmpty() ? name : unquote(schema) + "." + name;
    }

    static String name(Column column) {
        return unquote(column.getColumnName());
    }

    private static String unquote(String name) {
        if (name != null && name.length() > 1) {
            char first = name.charAt(0);
            if (first == '"' || first == '`' || first == '[') {
                String quoted = name.substring(1, name.length() - 1);
                // "CHAT" is the unquoted chat to H2, Oracle and DB2, which fold names to capitals (jOOQ quotes
                // every name so on H2); a name quoted in mixed case ("Posts") keeps its case
                return quoted.equals(quoted.toUpperCase(Locale.ROOT)) ? quoted.toLowerCase(Locale.ROOT) : quoted;
            }
        }
        // unquoted identifiers are case-insensitive in SQL; rules and JSON use lower case
        return name == null ? null : name.toLowerCase(Locale.ROOT);
    }

}
