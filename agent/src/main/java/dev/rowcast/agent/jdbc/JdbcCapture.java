package dev.rowcast.agent.jdbc;

import dev.rowcast.agent.AgentLog;
import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.agent.capture.Metrics;
import dev.rowcast.agent.capture.Pipeline;
import dev.rowcast.config.RowcastConfig;
import dev.rowcast.bootstrap.Bridge;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.Statement;
import java.sql.Wrapper;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * JDBC capture: the app-thread half records, per physical connection, which configured-table
 * writes succeeded (SQL + a copy of their parameters) and publishes them on commit; the
 * pipeline-thread half ({@link #rows}) parses the SQL and builds the rows.
 */
public final class JdbcCapture {

    private final RowcastConfig config;
    private final Pipeline pipeline;
    private final Metrics metrics;
    private final BooleanSupplier enabled;
    private final SqlFilter filter;
    private final SqlParser parser = new SqlParser();
    private final Map<Object, StatementState> statements = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<Object, ConnectionState> connections = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<Class<?>, Boolean> wrapperClasses = new ConcurrentHashMap<>();

    public JdbcCapture(RowcastConfig config, Pipeline pipeline, Metrics metrics, BooleanSupplier enabled) {
        this.config = config;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.enabled = enabled;
        this.filter = new SqlFilter(config);
    }

    // ---- app thread ----

    public void statementPrepared(Object connection, Object statement, String sql) {
        if (!enabled.getAsBoolean() || Bridge.insideHibernate() || !filter.relevant(sql) || isWrapper(connection, Connection.class)) {
            return;
        }
        statements.put(statement, new StatementState(connection, sql));
    }

    public void parameterSet(Object statement, int index, Object value) {
        StatementState state = statements.get(statement);
        if (state != null) {
            state.set(index, copy(value));
        }
    }

    public void parametersCleared(Object statement) {
        StatementState state = statements.get(statement);
        if (state != null) {
            state.clearParams();
        }
    }

    public void batchAdded(Object statement, String sqlOrNull) {
        if (sqlOrNull == null) {
            StatementState state = statements.get(statement);
            if (state != null) {
                state.batch.add(state.snapshot());
            }
            return;
        }
        if (!enabled.getAsBoolean() || Bridge.insideHibernate() || !filter.relevant(sqlOrNull) || isWrapper(statement, Statement.class)) {
            return;
        }
        StatementState state = statements.get(statement);
        if (state == null) {
            state = new StatementState(connectionOf(statement), null);
            statements.put(statement, state);
        }
        state.batchSql.add(sqlOrNull);
    }

    public void batchCleared(Object statement) {
        StatementState state = statements.get(statement);
        if (state != null) {
            state.batch.clear();
            state.batchSql.clear();
        }
    }

    public void executed(Object statement, String sqlOrNull, boolean batch, Object result, Throwable thrown) {
        if (sqlOrNull != null) {
            executedSql(statement, sqlOrNull, result, thrown);
            return;
        }
        StatementState state = statements.get(statement);
        if (state == null) {
            return;
        }
        if (batch) {
            executedBatch(state, result, thrown);
            return;
        }
        if (thrown != null || Bridge.insideHibernate()) {
            return;
        }
        long count = count(result);
        if (count != 0) {
            record(state.connection, List.of(new PendingWrite(state.sql, state.snapshot(), count)));
        }
    }

    private void executedSql(Object statement, String sql, Object result, Throwable thrown) {
        if (thrown != null || !enabled.getAsBoolean() || Bridge.insideHibernate() || !filter.relevant(sql)
                || isWrapper(statement, Statement.class)) {
            return;
        }
        long count = count(result);
        if (count != 0) {
            record(connectionOf(statement), List.of(new PendingWrite(sql, new Object[0], count)));
        }
    }

    private void executedBatch(StatementState state, Object result, Throwable thrown) {
        List<Object[]> params = new ArrayList<>(state.batch);
        List<String> sqls = new ArrayList<>(state.batchSql);
        state.batch.clear();
        state.batchSql.clear();
        if (Bridge.insideHibernate()) {
            return;
        }
        long[] counts = counts(thrown instanceof BatchUpdateException bue ? bue.getLargeUpdateCounts() : result);
        if (counts == null) {
            return;
        }
        List<PendingWrite> writes = new ArrayList<>();
        if (state.sql != null) {
            for (int i = 0; i < params.size() && i < counts.length; i++) {
                if (counts[i] != 0 && counts[i] != Statement.EXECUTE_FAILED) {
                    writes.add(new PendingWrite(state.sql, params.get(i), counts[i] < 0 ? -1 : counts[i]));
                }
            }
        }
        for (int i = 0; i < sqls.size() && i < counts.length; i++) {
            if (counts[i] != 0 && counts[i] != Statement.EXECUTE_FAILED) {
                writes.add(new PendingWrite(sqls.get(i), new Object[0], counts[i] < 0 ? -1 : counts[i]));
            }
        }
        if (!writes.isEmpty()) {
            record(state.connection, writes);
        }
    }

    private void record(Object connection, List<PendingWrite> writes) {
        if (connection == null) {
            return;
        }
        ConnectionState cs = connections.computeIfAbsent(connection, c -> new ConnectionState());
        if (cs.autoCommit == null) {
            try {
                cs.autoCommit = ((Connection) connection).getAutoCommit();
            } catch (Throwable t) {
                cs.autoCommit = Boolean.FALSE;
            }
        }
        if (cs.autoCommit) {
            // under autocommit the statement is already committed
            pipeline.offer(new JdbcCommit(writes, System.currentTimeMillis()));
        } else {
            for (PendingWrite write : writes) {
                cs.add(write);
            }
        }
    }

    public void statementClosed(Object statement) {
        statements.remove(statement);
    }

    public void committed(Object connection, Throwable thrown) {
        ConnectionState cs = connections.get(connection);
        if (cs == null) {
            return;
        }
        List<PendingWrite> writes = cs.drain();
        if (thrown == null && !writes.isEmpty()) {
            pipeline.offer(new JdbcCommit(writes, System.currentTimeMillis()));
        }
    }

    public void rolledBack(Object connection, Object savepoint, Throwable thrown) {
        ConnectionState cs = connections.get(connection);
        if (cs == null) {
            return;
        }
        if (savepoint == null) {
            cs.drain();
        } else if (thrown == null) {
            cs.rollbackTo(savepoint);
        }
    }

    public void savepointSet(Object connection, Object savepoint) {
        if (isWrapper(connection, Connection.class)) {
            return;
        }
        connections.computeIfAbsent(connection, c -> new ConnectionState()).mark(savepoint);
    }

    public void savepointReleased(Object connection, Object savepoint) {
        ConnectionState cs = connections.get(connection);
        if (cs != null) {
            cs.release(savepoint);
        }
    }

    public void autoCommitSet(Object connection, boolean autoCommit, Throwable thrown) {
        if (thrown != null || isWrapper(connection, Connection.class)) {
            return;
        }
        ConnectionState cs = connections.computeIfAbsent(connection, c -> new ConnectionState());
        Boolean before = cs.autoCommit;
        cs.autoCommit = autoCommit;
        if (autoCommit && !Boolean.TRUE.equals(before)) {
            // JDBC: switching autocommit on commits the transaction in progress
            List<PendingWrite> writes = cs.drain();
            if (!writes.isEmpty()) {
                pipeline.offer(new JdbcCommit(writes, System.currentTimeMillis()));
            }
        }
    }

    public void connectionClosed(Object connection) {
        // the outcome of pending work at close is driver-defined: report nothing of it
        connections.remove(connection);
    }

    // ---- pipeline thread ----

    /** The rows of a committed transaction, in execution order. */
    public List<CapturedRow> rows(JdbcCommit commit) {
        List<CapturedRow> rows = new ArrayList<>();
        for (PendingWrite write : commit.writes()) {
            SqlShape shape;
            try {
                shape = parser.shape(write.sql());
            } catch (IllegalArgumentException e) {
                metrics.dropped.increment();
                AgentLog.warnOnce("sql-" + write.sql(), e.getMessage() + "; this statement's rows are not published", null);
                continue;
            }
            JdbcRows.build(config, shape, write, commit.ts(), rows);
        }
        return rows;
    }

    // ---- helpers ----

    private boolean isWrapper(Object object, Class<?> type) {
        Boolean known = wrapperClasses.get(object.getClass());
        if (known == null) {
            // a pool proxy wraps a driver object that the agent sees itself (OTel's test)
            try {
                known = object instanceof Wrapper w && w.isWrapperFor(type) && w.unwrap(type) != object;
            } catch (Throwable t) {
                known = Boolean.FALSE;
            }
            wrapperClasses.put(object.getClass(), known);
        }
        return known;
    }

    private static Object connectionOf(Object statement) {
        try {
            return ((Statement) statement).getConnection();
        } catch (Throwable t) {
            return null;
        }
    }

    private static long count(Object result) {
        if (result instanceof Number n) {
            return n.longValue();
        }
        if (result instanceof Boolean b) {
            // execute(): false means an update count; true means a result set, i.e. no row write
            return b ? 0 : -1;
        }
        return -1;
    }

    private static long[] counts(Object result) {
        if (result instanceof int[] ints) {
            long[] out = new long[ints.length];
            for (int i = 0; i < ints.length; i++) {
                out[i] = ints[i];
            }
            return out;
        }
        return result instanceof long[] longs ? longs : null;
    }

    /** Parameters are copied as plain values; streams, LOBs and driver objects are not read. */
    static Object copy(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Character
                || value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof Double || value instanceof Float || value instanceof BigDecimal
                || value instanceof BigInteger || value instanceof UUID || value instanceof TemporalAccessor) {
            return value;
        }
        if (value instanceof Date date) {
            return date.clone();
        }
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        return null;
    }
}
