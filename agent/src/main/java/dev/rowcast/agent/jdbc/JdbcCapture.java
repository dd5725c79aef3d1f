package dev.rowcast.agent.jdbc;

import dev.rowcast.agent.AgentLog;
import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.agent.capture.Metrics;
import dev.rowcast.agent.capture.Pipeline;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.Operation;
import dev.rowcast.config.RowcastConfig;
import dev.rowcast.bootstrap.Bridge;
import dev.rowcast.bootstrap.KeyBridge;
import dev.rowcast.bootstrap.PerThread;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.sql.Wrapper;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BooleanSupplier;

/**
 * JDBC capture: the app-thread half records, per physical connection, which configured-table
 * writes succeeded (SQL + a copy of their parameters) and publishes them on commit; the
 * pipeline-thread half ({@link #rows}) parses the SQL and builds the rows. Keys the database
 * generates are taken from the result sets the app itself reads (see {@link WatchedResultSets}).
 */
public final class JdbcCapture implements KeyBridge.Listener {

    private static final AtomicIntegerFieldUpdater<JdbcCapture> EPOCH = AtomicIntegerFieldUpdater.newUpdater(JdbcCapture.class, "epoch");

    private final RowcastConfig config;
    private final Pipeline pipeline;
    private final Metrics metrics;
    private final BooleanSupplier enabled;
    private final SqlFilter filter;
    private final HibernateTables hibernateTables;
    private final SqlParser parser = new SqlParser();
    private final Map<Object, StatementState> statements = Collections.synchronizedMap(new WeakHashMap<>());
    /** The tables {@link #entityTableWritten} has said its line of. */
    private final Set<String> entityTablesSaid = ConcurrentHashMap.newKeySet();
    /** In {@link #statements}: a statement found to be of no interest there ({@link #unseen}), not at its prepare. */
    private static final StatementState NO_STATE = new StatementState(null, null);
    private final Map<Object, ConnectionState> connections = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<Class<?>, Boolean> wrapperClasses = new ConcurrentHashMap<>();
    /**
     * The connection and statement classes last found not to be wrappers: asked at every
     * setAutoCommit, prepare and execute, where reading a field is cheaper than the map's lookup.
     * Plain fields (a stale read only falls back to the map), stored only when the class changes.
     */
    private Class<?> plainConnection;
    private Class<?> plainStatement;
    /** The rows of transactions prepared for two-phase commit (PREPARE TRANSACTION 'id'), by id, until they end. */
    private final Map<String, List<PendingWrite>> prepared = new ConcurrentHashMap<>();
    private static final int MAX_PREPARED = 1_024;
    /** Whether a driver's database folds unquoted names to upper case (H2, Oracle), by connection class. */
    private final Map<Class<?>, Boolean> upperCaseIdentifiers = new ConcurrentHashMap<>();
    private final WatchedResultSets watched = new WatchedResultSets();
    /** Each table's collection (null: none), looked up once; the pipeline thread's own. */
    private final Map<String, CollectionConfig> rulesByTable = new HashMap<>();
    /**
     * The last SQL text seen, by identity, with its shape and rule: an app runs one statement many
     * times, and its text is then one String. The pipeline thread's own.
     */
    private String lastSql;
    private SqlShape lastShape;
    private Operation lastOperation;
    private CollectionConfig lastRule;
    /** Builds the rows of each write; the pipeline thread's own. */
    private final RowMemory rowMemory = RowMemory.fromSystemProperties();
    private final JdbcRows rowBuilder = new JdbcRows(rowMemory);
    /**
     * Each app thread's last statement and connection looked up: an app sets a statement's
     * parameters, executes it and commits on one thread, so most calls hit it and skip the
     * synchronized maps. Bumped on every change of the maps, which makes every thread's entry stale.
     * A field, not an AtomicInteger: one object fewer to reach on each hook.
     */
    private volatile int epoch;
    private final PerThread<Recent> recent = new PerThread<>(Recent::new);

    /** One thread's last lookups; valid while {@link #epoch} has not moved. Holds one statement until the next lookup or its close. */
    private static final class Recent extends PerThread.Owned {
        int statementEpoch = -1;
        Object statement;
        StatementState statementState;
        int connectionEpoch = -1;
        Object connection;
        ConnectionState connectionState;
        /**
         * A statement whose close() has done the agent's work inside an override's close(), which
         * called it through super: the hooks of the overrides around it, up to the close() the
         * statement's class runs, find it here and stop; the last of them forgets it.
         */
        Object closedInside;
        /** The last class looked up in {@link #CLOSER}, and its answer: a ClassValue's lookup costs some cache misses. */
        Class<?> closerOf;
        Class<?> closer;
        /** The arrays this thread made with createArrayOf: see {@link ArrayParams.Made}. Made at its first such call. */
        ArrayParams.Made madeArrays;
    }

    /**
     * The class whose close() an instance of a class runs: the nearest to declare one. An instance
     * of a subclass that overrides the close() a hook is in runs that hook only through super.
     * Object when it cannot be told (a declared method's types that fail to load), which a hook never names.
     */
    private static final ClassValue<Class<?>> CLOSER = new ClassValue<>() {
        @Override
        protected Class<?> computeValue(Class<?> type) {
            try {
                for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                    for (Method m : c.getDeclaredMethods()) {
                        if (m.getName().equals("close") && m.getParameterCount() == 0 && !m.isBridge()
                                && !Modifier.isAbstract(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) {
                            return c;
                        }
                    }
                }
            } catch (Throwable t) {
                // not told: every hook does its own work
            }
            return Object.class;
        }
    };

    public JdbcCapture(RowcastConfig config, Pipeline pipeline, Metrics metrics, BooleanSupplier enabled,
                       HibernateTables hibernateTables) {
        this.config = config;
        this.hibernateTables = hibernateTables;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.enabled = enabled;
        this.filter = new SqlFilter(config);
        KeyBridge.install(this);
    }

    // ---- app thread ----

    /**
     * A statement of interest gets its state whether capture is on or off: an app or its pool may
     * keep a statement for its whole life, and its writes are captured whenever capture is on.
     * Hibernate's own statements too: its flush writes tables whose rows it does not report (join
     * tables, element collections), which the pipeline tells apart (see {@link HibernateTables}).
     */
    public void statementPrepared(Object connection, Object statement, String sql) {
        boolean flush = Bridge.insideHibernate();
        StatementState state = stateFor(connection, sql, flush);
        if (state == null) {
            // its setters and its close then skip the map (Hibernate's own statements, one or more per row)
            rememberNoState(statement);
            if (!flush && !filter.relevant(sql)) {
                entityTableWritten(sql);
            }
            return;
        }
        putState(statement, state);
    }

    /**
     * SQL outside Hibernate that writes a table whose rows Hibernate reports and no {@code table:}
     * collection names (JdbcTemplate on an entity's table): nothing publishes what it writes, which
     * is said once per table. A query's bulk write says so itself (HibernateHook.bulkExecuted).
     */
    private void entityTableWritten(String sql) {
        if (hibernateTables.names().isEmpty()) {
            return;
        }
        String table = filter.reportedTableWritten(sql, hibernateTables);
        if (table != null && !entityTablesSaid.contains(table) && !Bridge.insideBulkWrite() && entityTablesSaid.add(table)) {
            AgentLog.warn("SQL that Hibernate's flush did not run writes " + table + ", a table whose rows an entity:"
                    + " collection takes from Hibernate (" + AgentLog.sql(sql) + "):"
                    + " Hibernate reports only what its sessions write, so the rows such SQL writes are not published. To publish"
                    + " them too, add `table: " + table + "` to that collection (they then arrive with column names, and reach"
                    + " the rooms the columns their SQL gives resolve), or write them through a session (said once per table)");
        }
    }

    /**
     * The state a statement prepared with this SQL on this connection needs: null for one of no interest.
     *
     * @param flush prepared by Hibernate's flush, whose writes of the tables Hibernate reports are not this layer's
     */
    private StatementState stateFor(Object connection, String sql, boolean flush) {
        boolean relevant = flush ? filter.relevantToFlush(sql, hibernateTables) : filter.relevant(sql);
        // Hibernate's flush runs no transaction control of its own
        TransactionSql control = relevant || flush ? null : TransactionSql.of(sql);
        boolean identity = !relevant && control == null && !flush && IdentityQuery.is(sql);
        if (!relevant && control == null && !identity || isWrapper(connection, Connection.class)) {
            return null;
        }
        StatementState state = new StatementState(connection, control == null && !identity ? sql : null, control);
        state.identity = identity;
        return state;
    }

    /**
     * A statement the map does not hold: one of no interest, or one prepared before the hooks were
     * in, which an app or its pool kept (Ebean's pool keeps statements, DBCP's with
     * poolPreparedStatements). The second kind gets the state its SQL and its keys, read from the
     * driver ({@link PreparedSql}), ask for, as at a prepare now; either kind is then in the map, as
     * of no interest if so, and this runs once per statement. A statement of no interest costs the
     * read of its SQL and the filter's cached answer, not a call to the driver.
     */
    private StatementState unseen(Object statement) {
        String sql = PreparedSql.of(statement);
        if (sql == null) {
            return null; // not a prepared statement, or of a driver whose SQL is not read
        }
        boolean flush = Bridge.insideHibernate();
        boolean wanted = flush ? filter.relevantToFlush(sql, hibernateTables)
                : filter.relevant(sql) || TransactionSql.of(sql) != null || IdentityQuery.is(sql);
        Object connection = wanted ? connectionOf(statement) : null;
        StatementState state = connection == null ? null : stateFor(connection, sql, flush);
        if (state == null) {
            statements.put(statement, NO_STATE);
            return null;
        }
        // as keysRequested would have at its prepare
        state.keysRequested = state.sql != null && isInsert(state.sql) && PreparedSql.asksForKeys(statement);
        putState(statement, state);
        return state;
    }

    public void parameterSet(Object statement, int index, Object value) {
        StatementState state = state(statement);
        if (state != null) {
            Object copy = copy(value);
            if (copy instanceof JdbcRows.Unreadable && value instanceof Array) {
                copy = madeArray(value);
            }
            state.set(index, copy);
        }
    }

    /** Whether this statement's parameters are read from its driver as it executes: see {@link Bridge#readsParameters}. */
    public boolean readsParameters(Object statement) {
        return state(statement) != null;
    }

    /**
     * The parameters of a driver whose simple setters carry no hook (H2's), read as an execute or
     * addBatch call begins: they join those the other setters' hooks recorded.
     */
    public void parametersRead(Object statement, Object[] values) {
        StatementState state = state(statement);
        if (state != null) {
            state.read(values);
        }
    }

    /** The driver's parameters could not be read: the rows of its statements then lack the values of its simple setters. */
    public void parametersUnread(Object statement, Throwable cause) {
        AgentLog.warnOnce("parameters-" + statement.getClass().getName(), "cannot read the parameters of "
                + statement.getClass().getName() + " (" + cause + "); its rows are published without the values set with"
                + " setLong, setString and the like. Please report this with the driver's version", null);
    }

    /** A setArray's value: the elements this thread made the Array of, copied now. */
    private Object madeArray(Object array) {
        ArrayParams.Made made = recent.get().madeArrays;
        Object[] elements = made == null ? null : made.elementsOf(array);
        return elements != null ? ArrayParams.copy(elements)
                : new JdbcRows.Unreadable(array.getClass().getName() + ", an array this thread did not make with createArrayOf lately");
    }

    /** Connection.createArrayOf returned this array of these elements. */
    public void arrayCreated(Object array, Object[] elements) {
        if (array != null && elements != null) {
            Recent r = recent.get();
            if (r.madeArrays == null) {
                r.madeArrays = new ArrayParams.Made();
            }
            r.madeArrays.add(array, elements);
        }
    }

    public void parametersCleared(Object statement) {
        StatementState state = state(statement);
        if (state != null) {
            state.clearParams();
        }
    }

    /**
     * addBatch() (sqlOrNull null) or addBatch(sql). A statement batching SQL gets a state at its first
     * entry, of interest or not, so that each later entry meets its own update count.
     */
    public void batchAdded(Object statement, String sqlOrNull) {
        StatementState state = state(statement);
        if (sqlOrNull == null) {
            if (state != null) {
                state.addToBatch(state.sql == null || !enabled.getAsBoolean() ? StatementState.SKIPPED : state.snapshot());
            }
            return;
        }
        if (isWrapper(statement, Statement.class)) {
            if (state != null) {
                state.addToBatch(StatementState.SKIPPED);
            }
            return;
        }
        if (state == null) {
            state = new StatementState(connectionOf(statement), null);
            putState(statement, state);
        }
        state.addToBatch(enabled.getAsBoolean() && filter.relevant(sqlOrNull) ? sqlOrNull : StatementState.SKIPPED);
    }

    public void batchCleared(Object statement) {
        StatementState state = state(statement);
        if (state != null && state.executingBatch == 0) {
            state.clearBatch();
        }
    }

    public void batchExecuting(Object statement) {
        StatementState state = state(statement);
        if (state != null) {
            state.executingBatch++;
        }
    }

    public void executed(Object statement, String sqlOrNull, boolean batch, Object result, Throwable thrown, int mark) {
        if (sqlOrNull != null) {
            executedSql(statement, sqlOrNull, result, thrown, mark);
            return;
        }
        StatementState state = state(statement);
        if (batch && state != null && state.executingBatch > 0) {
            // 0 when the call began before capture started
            state.executingBatch--;
        }
        if (state != null && state.control != null) {
            transaction(state.connection, state.control, thrown);
            return;
        }
        if (state != null && state.identity && thrown == null) {
            // MyBatis's selectKey: execute(), then getResultSet()
            identityQueried(state, null);
            return;
        }
        if (thrown != null) {
            statementFailed(statement, state);
        }
        if (state == null) {
            return;
        }
        if (batch) {
            executedBatch(state, result, thrown, mark);
            return;
        }
        Object nested = Bridge.nestedRecord(mark);
        if (thrown == null && nestedTwin(state, nested)) {
            // the driver's own call inside this one (MySQL's executeUpdate() -> executeLargeUpdate()) recorded this execution
            return;
        }
        finishKeys(state);
        state.lastAskedKeys = state.keysRequested;
        if (thrown != null || !enabled.getAsBoolean()) {
            return;
        }
        if (Boolean.TRUE.equals(result)) {
            // execute() of a write that returns rows (INSERT ... RETURNING); the app reads them via getResultSet()
            recordReturning(state, state.sql, state.snapshot(), null, mark);
            return;
        }
        long count = count(statement, result);
        if (count != 0) {
            KeyRows keys = state.keysRequested ? new KeyRows(count) : null;
            state.lastKeys = keys;
            record(state.connection, new PendingWrite(state.sql, state.snapshot(), count, keys), nested);
        }
    }

    private void executedSql(Object statement, String sql, Object result, Throwable thrown, int mark) {
        TransactionSql control = TransactionSql.of(sql);
        if (control != null) {
            if (!isWrapper(statement, Statement.class)) {
                transaction(connectionOf(statement), control, thrown);
            }
            return;
        }
        if (thrown != null) {
            statementFailed(statement, null);
            return;
        }
        if (!enabled.getAsBoolean() || isWrapper(statement, Statement.class)) {
            return;
        }
        if (!filter.relevant(sql)) {
            if (!hibernateTables.names().isEmpty() && !Bridge.insideHibernate()) {
                entityTableWritten(sql);
            }
            return;
        }
        if (Boolean.TRUE.equals(result)) {
            StatementState state = plainState(statement);
            finishKeys(state);
            recordReturning(state, sql, new Object[0], null, mark);
            return;
        }
        long count = count(statement, result);
        if (count != 0) {
            record(connectionOf(statement), new PendingWrite(sql, new Object[0], count), Bridge.nestedRecord(mark));
        }
    }

    /**
     * Transaction control written in SQL, through a Statement or a PreparedStatement: what the JDBC
     * call would do, whether capture is on or off (a rollback drops what was recorded while it was
     * on). A BEGIN makes the writes after it wait for the COMMIT or ROLLBACK that ends it, in SQL or
     * through JDBC. One that failed changed nothing, unless it was a COMMIT or ROLLBACK that ended
     * the transaction anyway (a serialization failure, a deferred constraint): then its rows go.
     */
    private void transaction(Object connection, TransactionSql control, Throwable thrown) {
        if (connection == null) {
            return;
        }
        TransactionSql.Kind kind = control.kind();
        if (kind == TransactionSql.Kind.AUTOCOMMIT_ON || kind == TransactionSql.Kind.AUTOCOMMIT_OFF) {
            if (thrown != null) {
                connectionFailed(connection);
            } else {
                autoCommitSet(connection, kind == TransactionSql.Kind.AUTOCOMMIT_ON, null);
            }
            return;
        }
        if (kind == TransactionSql.Kind.COMMIT_NAMED || kind == TransactionSql.Kind.ROLLBACK_NAMED) {
            if (!connection.getClass().getName().startsWith("org.h2.")) {
                // SQL Server's named transactions: not read
                return;
            }
            kind = kind == TransactionSql.Kind.COMMIT_NAMED ? TransactionSql.Kind.COMMIT_PREPARED : TransactionSql.Kind.ROLLBACK_PREPARED;
        }
        if (kind == TransactionSql.Kind.COMMIT_PREPARED || kind == TransactionSql.Kind.ROLLBACK_PREPARED) {
            // the prepared transaction's rows, on whichever connection prepared it; a failed ROLLBACK drops them
            // as a successful one would, and a COMMIT refused for a transaction the database no longer has
            // (ended on its own session, see settlePrepared) never publishes them: either way they go
            boolean gone = thrown == null || kind == TransactionSql.Kind.ROLLBACK_PREPARED || unknownTransaction(thrown);
            List<PendingWrite> writes = gone ? prepared.remove(control.name()) : null;
            if (writes != null && thrown == null && kind == TransactionSql.Kind.COMMIT_PREPARED) {
                publish(writes);
            }
            return;
        }
        if (thrown != null) {
            // on PostgreSQL a failed statement in a transaction aborts it, whatever the statement
            connectionFailed(connection);
            boolean ends = kind == TransactionSql.Kind.COMMIT || kind == TransactionSql.Kind.ROLLBACK || kind == TransactionSql.Kind.PREPARE;
            if (!ends || !endedByFailure(connection, thrown)) {
                return;
            }
        }
        ConnectionState cs = connectionStateOrNew(connection);
        flushParked(cs);
        switch (kind) {
            case BEGIN -> {
                cs.beginTurnedAutoCommitOff = !driverAutoCommit(connection, true);
                // so the driver is asked once the transaction ends: H2 turns autocommit back on then,
                // whatever it was; asked now, after the BEGIN ran, it would say false
                cs.autoCommit(false);
                cs.sqlTransaction = true;
            }
            case COMMIT, ROLLBACK, PREPARE -> {
                boolean open = cs.sqlTransaction;
                boolean aborted = cs.takeAborted();
                boolean done = thrown == null && !aborted;
                List<PendingWrite> writes = cs.drain();
                if (done && kind == TransactionSql.Kind.COMMIT && !writes.isEmpty()) {
                    publish(writes);
                } else {
                    seal(writes);
                    if (done && kind == TransactionSql.Kind.PREPARE && !writes.isEmpty()) {
                        // committed later by COMMIT PREPARED, perhaps on another connection
                        prepare(control.name(), writes);
                        if (connection.getClass().getName().startsWith("org.h2.")) {
                            cs.preparedName = control.name();
                        }
                    }
                }
                if (done && (kind == TransactionSql.Kind.COMMIT || kind == TransactionSql.Kind.ROLLBACK)) {
                    settlePrepared(cs, kind == TransactionSql.Kind.COMMIT);
                }
                endSqlTransaction(cs);
                if (open && control.chain() && thrown == null) {
                    // AND CHAIN: the next transaction has begun
                    cs.autoCommit(false);
                    cs.sqlTransaction = true;
                }
            }
            case SAVEPOINT -> {
                // in autocommit a savepoint marks nothing (PostgreSQL refuses it, H2 and MySQL forget it)
                if (cs.sqlTransaction || !autoCommit(cs, connection)) {
                    cs.markNamed(savepointName(control, connection));
                }
            }
            case ROLLBACK_TO -> seal(cs.rollbackToNamed(savepointName(control, connection)));
            case RELEASE -> cs.releaseNamed(savepointName(control, connection));
        }
    }

    /**
     * H2 keeps a transaction that PREPARE COMMIT prepared on its session, where a plain commit or
     * rollback ends it (closing the handle of H2's XA connection rolls back): its rows go with it.
     */
    private void settlePrepared(ConnectionState cs, boolean committed) {
        String name = cs.preparedName;
        if (name == null) {
            return;
        }
        cs.preparedName = null;
        List<PendingWrite> writes = prepared.remove(name);
        if (writes != null && committed) {
            publish(writes);
        }
    }

    /** A COMMIT PREPARED refused because no such prepared transaction exists: PostgreSQL's 42704, H2's 90129. */
    private static boolean unknownTransaction(Throwable thrown) {
        return thrown instanceof SQLException e && ("42704".equals(e.getSQLState()) || e.getErrorCode() == 90129);
    }

    /** Keeps a prepared transaction's rows until COMMIT or ROLLBACK PREPARED; a bounded number, as an app may never end one. */
    private void prepare(String id, List<PendingWrite> writes) {
        if (prepared.size() >= MAX_PREPARED) {
            metrics.dropped.add(writes.size());
            AgentLog.warnOnce("prepared-transactions", MAX_PREPARED + " prepared transactions are waiting for COMMIT PREPARED;"
                    + " the rows of later ones are not published", null);
            return;
        }
        prepared.put(id, writes);
    }

    /** The SQL's savepoint name as the connection's database keeps it (see {@link TransactionSql#savepointName}). */
    private String savepointName(TransactionSql control, Object connection) {
        Boolean upper = upperCaseIdentifiers.get(connection.getClass());
        if (upper == null) {
            try {
                upper = ((Connection) connection).getMetaData().storesUpperCaseIdentifiers();
            } catch (Throwable t) {
                upper = Boolean.FALSE;
            }
            upperCaseIdentifiers.put(connection.getClass(), upper);
        }
        return control.savepointName(upper);
    }

    /**
     * Whether a COMMIT or ROLLBACK that failed ended the transaction: pgjdbc says so (its transaction
     * state is IDLE); any other driver by the SQL state of class 40, transaction rollback. A COMMIT
     * the database did not understand leaves the transaction open.
     */
    private static boolean endedByFailure(Object connection, Throwable thrown) {
        String state = transactionState(connection);
        if (state != null) {
            return state.equals("IDLE");
        }
        return thrown instanceof SQLException e && e.getSQLState() != null && e.getSQLState().startsWith("40");
    }

    /** A transaction that a BEGIN in SQL opened has ended: the driver is asked for its autocommit mode again at the next write. */
    private static void endSqlTransaction(ConnectionState cs) {
        if (cs.sqlTransaction) {
            cs.sqlTransaction = false;
            cs.forgetAutoCommit();
        }
    }

    /**
     * SQL a driver runs on its connection without a statement: pgjdbc's {@code execSQLUpdate}, which
     * its XA resource runs BEGIN, PREPARE TRANSACTION, COMMIT [PREPARED] and ROLLBACK [PREPARED]
     * with (and its own savepoint calls, which their hooks see as well: both are idempotent).
     */
    public void connectionSql(Object connection, String sql, Throwable thrown) {
        TransactionSql control = TransactionSql.of(sql);
        if (control != null && !isWrapper(connection, Connection.class)) {
            transaction(connection, control, thrown);
        }
    }

    @Override
    public void keysRequested(Object statement) {
        StatementState state = state(statement);
        if (state != null) {
            // an UPDATE or DELETE asking for keys gets none attached: its event need not wait for them
            state.keysRequested = isInsert(state.sql);
        }
    }

    @Override
    public void executedWithKeys(Object statement, String sql, boolean keys, Object result, Throwable thrown, int mark) {
        if (!keys || !isInsert(sql)) {
            executedSql(statement, sql, result, thrown, mark);
            return;
        }
        if (thrown != null) {
            statementFailed(statement, null);
            return;
        }
        if (!enabled.getAsBoolean() || !filter.relevant(sql) || isWrapper(statement, Statement.class)) {
            return;
        }
        StatementState state = plainState(statement);
        finishKeys(state);
        state.lastAskedKeys = true;
        if (Boolean.TRUE.equals(result)) {
            recordReturning(state, sql, new Object[0], null, mark);
            return;
        }
        long count = count(statement, result);
        if (count != 0) {
            KeyRows rows = new KeyRows(count);
            state.lastKeys = rows;
            record(state.connection, new PendingWrite(sql, new Object[0], count, rows), Bridge.nestedRecord(mark));
        }
    }

    @Override
    public void queried(Object statement, String sqlOrNull, Object resultSet, Throwable thrown, int mark) {
        if (thrown != null) {
            statementFailed(statement, state(statement));
            return;
        }
        if (resultSet == null) {
            return;
        }
        if (sqlOrNull == null) {
            StatementState state = state(statement);
            if (state != null && state.identity) {
                identityQueried(state, resultSet);
            } else if (state != null && state.sql != null && enabled.getAsBoolean()) {
                finishKeys(state);
                recordReturning(state, state.sql, state.snapshot(), resultSet, mark);
            }
            return;
        }
        if (enabled.getAsBoolean() && IdentityQuery.is(sqlOrNull) && !isWrapper(statement, Statement.class)) {
            identityQueried(plainState(statement), resultSet);
            return;
        }
        if (!enabled.getAsBoolean() || !filter.relevant(sqlOrNull) || isWrapper(statement, Statement.class)) {
            return;
        }
        StatementState state = plainState(statement);
        finishKeys(state);
        recordReturning(state, sqlOrNull, new Object[0], resultSet, mark);
    }

    @Override
    public void resultSetReturned(Object statement, Object resultSet, boolean generatedKeys) {
        StatementState state = state(statement);
        if (state == null || state.lastKeys == null || state.lastKeys.sealed()) {
            return;
        }
        boolean carriesKeys = generatedKeys ? state.lastAskedKeys || !state.lastReturnsRows : state.lastReturnsRows;
        if (carriesKeys) {
            watched.watch(resultSet, state.lastKeys);
        }
    }

    @Override
    public void rowRead(Object resultSet, boolean hasRow) {
        WatchedResultSets.Watch watch = watched.find(resultSet);
        if (watch == null) {
            return;
        }
        if (!hasRow) {
            watch.keys.ended(watch.rowsRead);
            keysDone(watch.keys);
            return;
        }
        watch.keys.put(watch.rowsRead++, keyRow((ResultSet) resultSet, watch));
        if (watch.keys.expected >= 0 && watch.rowsRead >= watch.keys.expected) {
            keysDone(watch.keys);
        }
    }

    @Override
    public void resultSetClosed(Object resultSet) {
        WatchedResultSets.Watch watch = watched.find(resultSet);
        if (watch != null) {
            keysDone(watch.keys);
        }
    }

    /** A write whose rows come back as a result set: recorded now, its rows attached as the app reads them. */
    private void recordReturning(StatementState state, String sql, Object[] params, Object resultSetOrNull, int mark) {
        KeyRows keys = new KeyRows(-1, true);
        state.lastKeys = keys;
        state.lastReturnsRows = true;
        if (resultSetOrNull != null) {
            watched.watch(resultSetOrNull, keys);
        }
        record(state.connection, new PendingWrite(sql, params, -1, keys), Bridge.nestedRecord(mark));
    }

    /**
     * A query of the key the connection's last insert generated ({@link IdentityQuery}), as
     * EclipseLink's IDENTITY strategy and MyBatis's selectKey read it: the one value the app reads
     * from it is the id of that insert's row. Only when that insert, of one row and no upsert, is
     * the last write this thread recorded, on its own (not in a batch, not before a rollback to a
     * savepoint), and the last of the connection's open transaction, and no other statement ran
     * on this thread since: an insert the agent did not record, into another table, would have
     * generated the key the query returns. Under autocommit the insert is published before the
     * query runs, without its key.
     */
    private void identityQueried(StatementState state, Object resultSetOrNull) {
        finishKeys(state);
        ConnectionState cs = enabled.getAsBoolean() ? connectionState(state.connection) : null;
        if (cs == null || !Bridge.onlyThisRanSince(cs.lastRecord)) {
            return;
        }
        PendingWrite last = cs.lastWrite();
        if (last == null || last.keys() != null || last.entity() != null || last.updateCount() != 1 || !isInsert(last.sql())
                || upsert(last.sql())) {
            return;
        }
        KeyRows keys = KeyRows.identity();
        if (cs.replaceLast(last, last.withKeys(keys))) {
            state.lastKeys = keys;
            state.lastReturnsRows = true;
            if (resultSetOrNull != null) {
                watched.watch(resultSetOrNull, keys);
            }
        }
    }

    /**
     * An INSERT that may update the row it meets: the key a query of the last generated one returns
     * is then no key of its row (MySQL's is an earlier insert's, PostgreSQL's one no row took).
     */
    private static boolean upsert(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT);
        return lower.contains("on duplicate key") || lower.contains("on conflict");
    }

    /**
     * The state of a plain Statement, made on its first keyed execution. Its connection is asked
     * before the maps' lock is taken: a driver's getConnection() may take the connection's lock,
     * under which the driver calls hooked methods that take the maps' lock (MySQL's).
     */
    private StatementState plainState(Object statement) {
        StatementState known = state(statement);
        if (known != null) {
            return known;
        }
        Object connection = connectionOf(statement);
        synchronized (statements) {
            StatementState state = state(statement);
            if (state == null) {
                state = new StatementState(connection, null);
                putState(statement, state);
            }
            return state;
        }
    }

    /** The statement runs again or closes: the key set of its last execution is gone. */
    private void finishKeys(StatementState state) {
        KeyRows keys = state.lastKeys;
        if (keys != null) {
            state.lastKeys = null;
            keysDone(keys);
        }
        state.lastReturnsRows = false;
        state.lastAskedKeys = false;
    }

    /** Only an INSERT's generated keys are attached (cheap: the first word after any comment). */
    static boolean isInsert(String sql) {
        if (sql == null) {
            return false;
        }
        return sql.regionMatches(true, SqlFilter.firstWord(sql), "insert", 0, 6);
    }

    /** No more key rows will be read: stop watching, and publish autocommitted writes that waited for them. */
    private void keysDone(KeyRows keys) {
        watched.unwatch(keys);
        ConnectionState parkedIn = keys.parkedIn();
        if (parkedIn != null) {
            flushParked(parkedIn);
        }
    }

    /**
     * The one column of generated keys that MySQL's driver ({@code GENERATED_KEY}) and MariaDB's
     * ({@code insert_id}) return: a name of the driver's, not the table's, for the AUTO_INCREMENT
     * column, which a MySQL table has at most one of. Published as {@code id}.
     */
    private static final Set<String> DRIVER_KEY_LABELS = Set.of("generated_key", "insert_id");

    /** The app's current row of a watched set, read with getObject (which leaves the cursor where it is). */
    private static Map<String, Object> keyRow(ResultSet resultSet, WatchedResultSets.Watch watch) {
        Map<String, Object> row = new LinkedHashMap<>();
        try {
            if (watch.columns == null) {
                ResultSetMetaData meta = resultSet.getMetaData();
                List<Integer> columns = new ArrayList<>();
                List<String> labels = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    if (plainType(meta.getColumnType(i))) {
                        columns.add(i);
                        labels.add(fold(meta.getColumnLabel(i)));
                    }
                }
                if (labels.size() == 1 && (watch.keys.identity || DRIVER_KEY_LABELS.contains(labels.get(0)))) {
                    labels.set(0, "id");
                }
                watch.columns = columns.stream().mapToInt(Integer::intValue).toArray();
                watch.labels = labels.toArray(String[]::new);
            }
            for (int i = 0; i < watch.columns.length; i++) {
                Object value = resultSet.getObject(watch.columns[i]);
                Object copied = copy(value);
                if (!(copied instanceof JdbcRows.Unreadable)) {
                    row.put(watch.labels[i], copied);
                }
            }
        } catch (Throwable t) {
            AgentLog.warnOnce("generated-keys-" + resultSet.getClass().getName(), "cannot read generated keys from "
                    + resultSet.getClass().getName() + " (" + t + "); these rows are published without them", null);
        }
        return row;
    }

    /** Scalars only: a LOB or stream column may be readable once, and that read is the app's. */
    private static boolean plainType(int type) {
        return switch (type) {
            case Types.BIT, Types.BOOLEAN, Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.REAL,
                 Types.FLOAT, Types.DOUBLE, Types.NUMERIC, Types.DECIMAL, Types.CHAR, Types.VARCHAR, Types.NCHAR,
                 Types.NVARCHAR, Types.DATE, Types.TIME, Types.TIMESTAMP, Types.TIME_WITH_TIMEZONE,
                 Types.TIMESTAMP_WITH_TIMEZONE, Types.OTHER, Types.BINARY -> true; // OTHER, BINARY: PostgreSQL's and H2's UUID
            default -> false;
        };
    }

    /** A label the database folded to upper case (H2, Oracle) reads as the lower-case name SQL and rules use. */
    static String fold(String label) {
        if (label == null) {
            return "";
        }
        return label.equals(label.toUpperCase(Locale.ROOT)) ? label.toLowerCase(Locale.ROOT) : label;
    }

    private void executedBatch(StatementState state, Object result, Throwable thrown, int mark) {
        if (state.batchEmpty()) {
            // nothing queued: the keys stay the last batch's
            return;
        }
        finishKeys(state);
        List<Object> entries = state.takeBatch();
        if (!enabled.getAsBoolean()) {
            return;
        }
        long[] counts = counts(thrown instanceof BatchUpdateException bue ? bue.getLargeUpdateCounts() : result);
        if (counts == null) {
            return;
        }
        List<PendingWrite> writes = new ArrayList<>();
        for (int i = 0; i < entries.size() && i < counts.length; i++) {
            if (counts[i] == 0 || counts[i] == Statement.EXECUTE_FAILED) {
                continue;
            }
            long count = counts[i] < 0 ? -1 : counts[i];
            Object entry = entries.get(i);
            if (entry instanceof Object[] params) {
                writes.add(new PendingWrite(state.sql, params, count));
            } else if (entry instanceof String sql) {
                writes.add(new PendingWrite(sql, new Object[0], count));
            }
        }
        if (!writes.isEmpty()) {
            if (state.keysRequested) {
                // the driver returns one key row per inserted row across the whole batch, in batch order
                KeyRows keys = new KeyRows(sum(writes));
                state.lastKeys = keys;
                state.lastAskedKeys = true;
                writes.replaceAll(w -> new PendingWrite(w.sql(), w.params(), w.updateCount(), keys));
            }
            record(state.connection, writes, mark);
        }
    }

    private static long sum(List<PendingWrite> writes) {
        long total = 0;
        for (PendingWrite write : writes) {
            if (write.updateCount() < 0) {
                return -1;
            }
            total += write.updateCount();
        }
        return total;
    }

    /**
     * One execution's write: buffered until the commit, or under autocommit handed on now (the
     * common case, without a list). Not when a call nested in this one (the driver's, under a
     * pool's) just recorded the same write. A write of Hibernate's flush is marked so.
     *
     * @param nested what a call nested in this one recorded ({@link Bridge#nestedRecord}), or null
     */
    private void record(Object connection, PendingWrite write, Object nested) {
        if (sameWrites(nested, write)) {
            return;
        }
        ConnectionState cs = recording(connection);
        if (cs == null) {
            return;
        }
        int number = Bridge.recorded(write);
        if (Bridge.insideHibernate()) {
            write = write.inHibernate();
        }
        if (!cs.autoCommitOn()) {
            cs.add(write);
            cs.lastRecord = number;
        } else if (write.keys() != null) {
            park(cs, List.of(write));
        } else {
            pipeline.offer(write);
        }
    }

    /** A batch's writes, in batch order; see {@link #record(Object, PendingWrite, Object)}. */
    private void record(Object connection, List<PendingWrite> writes, int mark) {
        if (sameWrites(Bridge.nestedRecord(mark), writes)) {
            return;
        }
        ConnectionState cs = recording(connection);
        if (cs == null) {
            return;
        }
        Bridge.recorded(writes);
        if (Bridge.insideHibernate()) {
            writes = writes.stream().map(PendingWrite::inHibernate).toList();
        }
        if (!cs.autoCommitOn()) {
            cs.lastRecord = -1;
            for (PendingWrite write : writes) {
                cs.add(write);
            }
        } else if (writes.get(0).keys() != null) {
            park(cs, writes);
        } else {
            pipeline.offer(JdbcCommit.of(writes));
        }
    }

    /** Whether a call nested in this one recorded the execution the statement's parameters now describe. */
    private static boolean nestedTwin(StatementState state, Object nestedRecord) {
        return nestedRecord instanceof PendingWrite nested && Objects.equals(nested.sql(), state.sql)
                && state.holds(nested.params());
    }

    /** Whether a record of a nested call (or null) and this call's are the same write or writes: the same SQL and parameters. */
    static boolean sameWrites(Object nested, Object record) {
        if (nested instanceof PendingWrite a && record instanceof PendingWrite b) {
            return sameWrite(a, b);
        }
        if (nested instanceof List<?> as && record instanceof List<?> bs && as.size() == bs.size()) {
            for (int i = 0; i < as.size(); i++) {
                if (!sameWrite((PendingWrite) as.get(i), (PendingWrite) bs.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean sameWrite(PendingWrite a, PendingWrite b) {
        return Objects.equals(a.sql(), b.sql()) && Arrays.deepEquals(a.params(), b.params());
    }

    /** The connection's state, its autocommit mode known and its parked writes published first; null without a connection. */
    private ConnectionState recording(Object connection) {
        if (connection == null) {
            return null;
        }
        ConnectionState cs = connectionStateOrNew(connection);
        // a write the database took: the transaction is not aborted (an SQL ROLLBACK TO SAVEPOINT went before)
        cs.writeSucceeded();
        autoCommit(cs, connection);
        flushParked(cs);
        return cs;
    }

    /** The driver's autocommit mode now; {@code unknown} when it cannot say. */
    private static boolean driverAutoCommit(Object connection, boolean unknown) {
        try {
            return ((Connection) connection).getAutoCommit();
        } catch (Throwable t) {
            return unknown;
        }
    }

    /** The connection's autocommit mode, asked of the driver the first time. */
    private static boolean autoCommit(ConnectionState cs, Object connection) {
        if (!cs.autoCommitKnown()) {
            cs.autoCommit(driverAutoCommit(connection, false));
        }
        return cs.autoCommitOn();
    }

    /** Autocommitted writes that return keys wait for the app to read them (the keys of a batch are shared by its writes). */
    private static void park(ConnectionState cs, List<PendingWrite> writes) {
        writes.get(0).keys().parkIn(cs);
        // they are published later, when the app has read the keys: the event's time is the commit's
        cs.park(writes, System.currentTimeMillis());
    }

    /**
     * A statement's close(), from the hook in {@code declaring}'s. When it runs inside a subclass's
     * close() (H2's prepared statement calls its plain statement's through super), this does the
     * work and the subclass's hook, next, only finds it done: the same close would otherwise pay a
     * second lookup of the shared map. The thread holds the statement only until then.
     */
    public void statementClosed(Object statement, Class<?> declaring) {
        Recent r = recent.get();
        Class<?> type = statement.getClass();
        Class<?> closer = declaring;
        if (type != declaring) {
            if (r.closerOf != type) {
                r.closer = CLOSER.get(type);
                r.closerOf = type;
            }
            closer = r.closer;
        }
        boolean outermost = closer == declaring || closer == Object.class;
        if (r.closedInside == statement) {
            if (outermost) {
                r.closedInside = null;
            }
            return;
        }
        if (!outermost) {
            r.closedInside = statement;
        }
        if (r.statement == statement && r.statementEpoch == epoch && r.statementState == null) {
            // known to be of no interest (Hibernate's own statements): nothing to remove
            r.statement = null;
            r.statementEpoch = -1;
            return;
        }
        StatementState state = statements.remove(statement);
        if (state != null && state != NO_STATE) {
            changed();
            finishKeys(state);
        }
        if (r.statement == statement) {
            // the closed statement is not kept reachable from the thread
            r.statement = null;
            r.statementState = null;
            r.statementEpoch = -1;
        }
    }

    /**
     * A statement failed. On PostgreSQL that aborts the transaction (every later statement fails,
     * and commit() rolls back without a word unless the app asked pgjdbc for one), so its writes so
     * far will not be published. Other databases fail the statement alone.
     */
    private void statementFailed(Object statement, StatementState state) {
        connectionFailed(state != null && state.connection != null ? state.connection : connectionOf(statement));
    }

    /** See {@link #statementFailed}. */
    private void connectionFailed(Object connection) {
        if (connection == null || !connection.getClass().getName().startsWith("org.postgresql.")) {
            return;
        }
        ConnectionState cs = connectionState(connection);
        if (cs != null && !cs.autoCommitOn() && transactionFailed(connection)) {
            cs.abort();
        }
    }

    /**
     * Whether {@code connection} is pgjdbc's in a transaction that a refused statement aborted: its
     * commit() will roll back, without an error unless the app asked pgjdbc for one. False for any
     * other driver, and when pgjdbc cannot say.
     */
    public static boolean abortedOnPostgresql(Object connection) {
        Object current = connection;
        // under a pool's proxies (a StatelessSession's connection may be one)
        for (int depth = 0; depth < 8 && current != null && !current.getClass().getName().startsWith("org.postgresql."); depth++) {
            Object inner = delegateOf(current, Connection.class);
            current = inner == current ? null : inner;
        }
        return current != null && current.getClass().getName().startsWith("org.postgresql.")
                && "FAILED".equals(transactionState(current));
    }

    /**
     * pgjdbc's own word on the transaction (its getTransactionState(), no round trip): FAILED after
     * a statement the server rejected, but not after a client-side error, nor when the driver rolled
     * back to a savepoint of its own ({@code autosave}). Without it, a failure is taken as FAILED.
     */
    private static boolean transactionFailed(Object connection) {
        String state = transactionState(connection);
        return state == null || state.equals("FAILED");
    }

    /** Whether pgjdbc says a transaction is open (its getTransactionState() is not IDLE); false for a driver that cannot say. */
    private static boolean transactionOpen(Object connection) {
        String state = transactionState(connection);
        return state != null && !state.equals("IDLE");
    }

    /** pgjdbc's getTransactionState() (IDLE, OPEN, FAILED), no round trip; null for a driver that cannot say. */
    private static String transactionState(Object connection) {
        try {
            Method state = TRANSACTION_STATE.get(connection.getClass());
            return state == null ? null : String.valueOf(state.invoke(connection));
        } catch (Throwable t) {
            return null;
        }
    }

    private static final ClassValue<Method> TRANSACTION_STATE = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            try {
                return type.getMethod("getTransactionState");
            } catch (NoSuchMethodException e) {
                return null;
            }
        }
    };

    /** Seals the writes' key rows and hands the writes to the pipeline. */
    private void publish(List<PendingWrite> writes) {
        seal(writes);
        pipeline.offer(JdbcCommit.of(writes));
    }

    private void seal(List<PendingWrite> writes) {
        KeyRows last = null;
        for (PendingWrite write : writes) {
            if (write.keys() != null && write.keys() != last) {
                last = write.keys();
                sealKeys(write);
            }
        }
    }

    /** No more key rows are read for this write: its event need not wait for them. */
    private void sealKeys(PendingWrite write) {
        KeyRows keys = write.keys();
        if (keys != null) {
            keys.seal();
            watched.unwatch(keys);
        }
    }

    private void flushParked(ConnectionState cs) {
        if (!cs.hasParked()) {
            return;
        }
        long committedAt = cs.parkedAt();
        List<PendingWrite> parked = cs.takeParked();
        if (!parked.isEmpty()) {
            seal(parked);
            pipeline.offer(JdbcCommit.committedAt(parked, committedAt));
        }
    }

    public void committed(Object connection, Throwable thrown) {
        ConnectionState cs = connectionState(connection);
        if (cs == null) {
            return;
        }
        flushParked(cs);
        if (cs.sqlTransaction) {
            if (thrown != null && !endedByFailure(connection, thrown)) {
                // PostgreSQL's driver refuses commit() in autocommit: the transaction a BEGIN in SQL opened goes on
                return;
            }
            endSqlTransaction(cs);
        }
        // an aborted transaction's commit() rolled it back
        boolean committed = thrown == null && !cs.takeAborted();
        if (thrown == null) {
            settlePrepared(cs, committed);
        }
        boolean keyed = cs.keyed();
        PendingWrite only = cs.drainOnly();
        if (only != null) {
            if (keyed) {
                sealKeys(only);
            }
            if (committed) {
                pipeline.offer(only);
            }
            return;
        }
        List<PendingWrite> writes = cs.drain();
        if (writes.isEmpty()) {
            return;
        }
        if (keyed) {
            seal(writes);
        }
        if (committed) {
            pipeline.offer(JdbcCommit.of(writes));
        }
    }

    public void rolledBack(Object connection, Object savepoint, Throwable thrown) {
        ConnectionState cs = connectionState(connection);
        if (cs == null) {
            return;
        }
        flushParked(cs);
        if (savepoint == null) {
            if (cs.sqlTransaction) {
                if (thrown != null && !endedByFailure(connection, thrown)) {
                    // see committed()
                    return;
                }
                endSqlTransaction(cs);
            }
            cs.takeAborted();
            seal(cs.drain());
            if (thrown == null) {
                settlePrepared(cs, false);
            }
        } else if (thrown == null) {
            seal(cs.rollbackTo(savepoint));
        }
    }

    public void savepointSet(Object connection, Object savepoint) {
        if (isWrapper(connection, Connection.class)) {
            return;
        }
        ConnectionState cs = connectionStateOrNew(connection);
        cs.mark(savepoint);
        try {
            // a named one may be rolled back to in SQL
            cs.nameMark(((Savepoint) savepoint).getSavepointName(), savepoint);
        } catch (Throwable unnamed) {
            // getSavepointName() throws for an unnamed savepoint
        }
    }

    public void savepointReleased(Object connection, Object savepoint) {
        ConnectionState cs = connectionState(connection);
        if (cs != null) {
            cs.release(savepoint);
        }
    }

    public void autoCommitSet(Object connection, boolean autoCommit, Throwable thrown) {
        if (thrown != null || isWrapper(connection, Connection.class)) {
            return;
        }
        ConnectionState cs = connectionStateOrNew(connection);
        flushParked(cs);
        if (cs.sqlTransaction) {
            if (!autoCommit || transactionOpen(connection) || !cs.beginTurnedAutoCommitOff) {
                // false: the transaction a BEGIN in SQL opened goes on as the JDBC one, and its end still
                // asks the driver (H2 turns autocommit back on then); true leaves it open where the
                // driver stayed in autocommit throughout (PostgreSQL's, MySQL's START TRANSACTION)
                cs.autoCommit(false);
                return;
            }
            // where BEGIN turned the driver's autocommit off, turning it on commits
            cs.sqlTransaction = false;
        }
        boolean wasOn = cs.autoCommitOn();
        cs.autoCommit(autoCommit);
        if (autoCommit && !wasOn) {
            // JDBC: switching autocommit on commits the transaction in progress
            boolean aborted = cs.takeAborted();
            List<PendingWrite> writes = cs.drain();
            if (aborted) {
                seal(writes);
            } else if (!writes.isEmpty()) {
                publish(writes);
            }
        }
    }

    /**
     * A row that Hibernate's StatelessSession wrote on {@code connection} (as Hibernate holds it: a
     * pool's proxy, or null when it holds none, so no transaction is open): it waits for the
     * connection's commit as the session's own SQL would, and goes at once under autocommit.
     */
    public void entityWritten(Object connection, CapturedRow row) {
        PendingWrite write = PendingWrite.of(row);
        ConnectionState cs = connection == null ? null : recording(unwrapped(connection));
        if (cs == null || cs.autoCommitOn()) {
            pipeline.offer(write);
        } else {
            cs.add(write);
        }
    }

    /** The connection under a pool's proxies: the one whose calls the JDBC hooks follow. */
    private Object unwrapped(Object connection) {
        Object current = connection;
        for (int depth = 0; depth < 8 && isWrapper(current, Connection.class); depth++) {
            Object inner = delegateOf(current, Connection.class);
            if (inner == null || inner == current) {
                break;
            }
            current = inner;
        }
        return current;
    }

    public void connectionClosed(Object connection) {
        // the outcome of pending work at close is driver-defined: report nothing of it
        ConnectionState cs = connections.remove(SharedSessions.key(connection));
        if (cs != null) {
            changed();
            Recent r = recent.get();
            if (r.connection == connection) {
                r.connection = null;
                r.connectionState = null;
                r.connectionEpoch = -1;
            }
            // autocommitted writes are committed, whatever close does
            flushParked(cs);
            seal(cs.drain());
        }
    }

    // ---- pipeline thread ----

    /** The rows of a committed transaction, in execution order. */
    public List<CapturedRow> rows(JdbcCommit commit) {
        List<CapturedRow> rows = new ArrayList<>(commit.size());
        rows(commit, rows);
        return rows;
    }

    /** Adds the rows of a committed transaction to {@code rows}, in execution order: the pipeline reuses one list. */
    public void rows(JdbcCommit commit, List<CapturedRow> rows) {
        Map<KeyRows, KeyRows.Cursor> cursors = null; // most commits read no generated keys
        for (int w = 0; w < commit.size(); w++) {
            PendingWrite write = commit.write(w);
            CapturedRow entity = write.entity();
            if (entity != null) {
                publishedElsewhere(entity);
                rows.add(entity);
                continue;
            }
            KeyRows.Cursor keys = null;
            if (write.keys() != null) {
                if (cursors == null) {
                    cursors = new IdentityHashMap<>();
                }
                keys = cursors.computeIfAbsent(write.keys(), k -> new KeyRows.Cursor(k.snapshot()));
            }
            if (write.sql() != lastSql) {
                try {
                    lastShape = parser.shape(write.sql());
                } catch (IllegalArgumentException e) {
                    if (e instanceof SqlParser.SeveralStatements several && several.tables != null
                            && several.tables.stream().noneMatch(table -> rulesByTable.computeIfAbsent(table, this::ruleFor) != null)) {
                        continue; // its writes are all of tables no collection reads
                    }
                    metrics.dropped.increment();
                    AgentLog.warnOnce("sql-" + write.sql(), e.getMessage() + "; this statement's rows are not published", null);
                    // which table it wrote is not known: no remembered row can be trusted
                    rowMemory.forgetAll();
                    continue;
                }
                lastSql = write.sql();
                lastOperation = operation(lastShape);
                lastRule = lastShape.table() == null ? null : rulesByTable.computeIfAbsent(lastShape.table(), this::ruleFor);
            }
            if (write.hibernate() && hibernateTables.reported(lastShape.table())) {
                // Hibernate's flush wrote a row Hibernate reports itself
                continue;
            }
            // a RETURNING statement has no count: the rows the app read to their end are its rows
            long written = write.updateCount() >= 0 || write.keys() == null ? write.updateCount() : write.keys().returned();
            if (written == 0) {
                // UPDATE ... WHERE version = ? RETURNING, ON CONFLICT DO NOTHING RETURNING: it matched no row
                continue;
            }
            if (SqlShape.UNREAD.equals(lastShape.operation())) {
                if (lastRule != null) {
                    unreadRows(write);
                    rowBuilder.unread(lastRule);
                }
                continue;
            }
            if (lastOperation == Operation.CREATE && lastShape.rows().isEmpty() && lastRule != null && lastRule.wants(Operation.CREATE)) {
                unseenRows(write);
                continue;
            }
            if (lastOperation == Operation.CREATE && lastRule != null && lastRule.wants(Operation.CREATE)
                    && !SqlShape.UPSERT.equals(lastShape.operation()) && written >= 0 && written < lastShape.rows().size()) {
                // ON CONFLICT DO NOTHING, INSERT IGNORE: some rows were not written, and which is not known
                if (keys != null) {
                    keys.skip((int) written);
                }
                fewerRows(written);
                continue;
            }
            try {
                rowBuilder.build(lastRule, lastOperation, lastShape, write, keys, rows);
            } catch (RuntimeException e) {
                // this write's rows only: the commit's others go on
                rowBuilder.unread(lastRule);
                metrics.dropped.increment();
                AgentLog.warnOnce("rows-" + lastShape.table(), "could not read a write of " + lastShape.table() + " ("
                        + e + "); its rows are not published", e);
            }
        }
    }

    /** The operation of a shape's rows; an upsert's are creates, unless its update count says it updated (see JdbcRows). */
    private static Operation operation(SqlShape shape) {
        String operation = shape.operation();
        if (operation == null || SqlShape.UNREAD.equals(operation)) {
            return null;
        }
        return SqlShape.UPSERT.equals(operation) ? Operation.CREATE : Operation.ofWireName(operation);
    }

    /**
     * A row published otherwise than through this layer (Hibernate's): a remembered row of that id
     * may no longer hold, in a collection whose table is one of the tables Hibernate reports (a
     * table that only {@code table:} names gets Hibernate's writes as SQL, which this layer reads).
     * Pipeline thread.
     */
    public void publishedElsewhere(CapturedRow row) {
        rowMemory.forgetWritten(row.id(), hibernateTables::reported);
    }

    /** Capture stopped or started again: what was written meanwhile went unseen, so the remembered rows are let go. Any thread. */
    public void captureSwitched() {
        rowMemory.invalidate();
    }

    /** A MERGE, UPSERT or REPLACE: counted as dropped, said once per table. */
    private void unreadRows(PendingWrite write) {
        metrics.dropped.add(Math.max(write.updateCount(), 1));
        AgentLog.warnOnce("unread-" + lastShape.table(), "a MERGE, UPSERT or REPLACE into " + lastShape.table()
                + " is not read, so its rows are not published; write them with INSERT, UPDATE and DELETE"
                + " (INSERT ... ON CONFLICT DO UPDATE and ON DUPLICATE KEY UPDATE are read)", null);
    }

    /** An INSERT whose rows the SQL does not hold (no column list, INSERT ... SELECT): counted as dropped, said once per table. */
    private void unseenRows(PendingWrite write) {
        metrics.dropped.add(Math.max(write.updateCount(), 1));
        AgentLog.warnOnce("insert-unseen-" + lastShape.table(), "an INSERT into " + lastShape.table()
                + " names no columns or takes its rows from a query, so its rows are not published; name the columns"
                + " and bind their values (INSERT INTO " + lastShape.table() + " (a, b) VALUES (?, ?))", null);
    }

    /** An INSERT that wrote fewer of its rows than it lists: none is published, counted as dropped, said once per table. */
    private void fewerRows(long written) {
        metrics.dropped.add(written);
        AgentLog.warnOnce("insert-fewer-" + lastShape.table(), "an INSERT into " + lastShape.table() + " listed "
                + lastShape.rows().size() + " rows and wrote " + written + " (ON CONFLICT DO NOTHING, INSERT IGNORE):"
                + " which ones is not known, so none of them is published (counted in EventsDropped); insert one row per"
                + " statement, or a batch of them, to have each row's own count", null);
    }

    // ---- helpers ----

    private CollectionConfig ruleFor(String table) {
        return config.forTable(table).orElse(null);
    }

    /** The state of a statement of interest, null for any other. */
    private StatementState state(Object statement) {
        Recent r = recent.get();
        int now = epoch;
        if (r.statement == statement && r.statementEpoch == now) {
            return r.statementState;
        }
        StatementState state = statements.get(statement);
        if (state == NO_STATE) {
            state = null;
        } else if (state == null && !(r.statement == statement && r.statementState == null)) {
            // (one this thread found of no interest, whose entry the maps' change made stale, is so still)
            state = unseen(statement);
        }
        // a miss is remembered too: the calls on a statement of no interest (Hibernate's own) skip the map as well
        r.statement = statement;
        r.statementState = state;
        r.statementEpoch = now;
        return state;
    }

    /** A statement just prepared that gets no state: this thread's next lookups of it hit, as after a miss in {@link #state}. */
    private void rememberNoState(Object statement) {
        Recent r = recent.get();
        r.statement = statement;
        r.statementState = null;
        r.statementEpoch = epoch;
    }

    private void putState(Object statement, StatementState state) {
        statements.put(statement, state);
        changed();
    }

    private ConnectionState connectionState(Object connection) {
        Recent r = recent.get();
        if (r.connection == connection && r.connectionEpoch == epoch) {
            return r.connectionState;
        }
        int now = epoch;
        Object key = SharedSessions.key(connection);
        ConnectionState cs = connections.get(key);
        if (cs != null && key != connection) {
            cs.shareAcrossThreads();
        }
        if (cs != null) {
            r.connection = connection;
            r.connectionState = cs;
            r.connectionEpoch = now;
        }
        return cs;
    }

    private ConnectionState connectionStateOrNew(Object connection) {
        ConnectionState cs = connectionState(connection);
        if (cs == null) {
            Object key = SharedSessions.key(connection);
            cs = connections.computeIfAbsent(key, c -> new ConnectionState());
            if (key != connection) {
                cs.shareAcrossThreads();
            }
            changed();
        }
        return cs;
    }

    /** The maps changed: every thread's remembered lookup is stale (atomic: a lost increment could keep a stale miss valid). */
    private void changed() {
        EPOCH.incrementAndGet(this);
    }

    private boolean isWrapper(Object object, Class<?> type) {
        Class<?> cls = object.getClass();
        boolean connection = type == Connection.class;
        if (cls == (connection ? plainConnection : plainStatement)) {
            return false;
        }
        Boolean known = wrapperClasses.get(cls);
        if (known == null) {
            // a pool proxy wraps a driver object that the agent sees itself (OTel's test)
            if (delegatingClass(cls)) {
                known = true;
            } else {
                Object inner = delegateOf(object, type);
                known = inner != null && inner != object;
            }
            wrapperClasses.put(cls, known);
        }
        if (!known) {
            if (connection) {
                plainConnection = cls;
            } else if (type == Statement.class) {
                plainStatement = cls;
            }
        }
        return known;
    }

    /**
     * What a pool's wrapper hands its calls to: what {@code unwrap} gives, or, where that answers the
     * wrapper itself (DBCP's delegating connections and statements do), its innermost delegate.
     * Itself or null for a driver's own object, or one that does not say.
     */
    private static Object delegateOf(Object object, Class<?> type) {
        try {
            if (object instanceof Wrapper w && w.isWrapperFor(type)) {
                Object inner = w.unwrap(type);
                if (inner != object) {
                    return inner;
                }
            }
            Method innermost = INNERMOST_DELEGATE.get(object.getClass());
            return innermost == null ? null : innermost.invoke(object);
        } catch (Throwable t) {
            return null;
        }
    }

    /** Whether objects of this class are a pool's wrappers by their class alone: DBCP's, which say so by {@link #INNERMOST_DELEGATE}. */
    private static boolean delegatingClass(Class<?> type) {
        return INNERMOST_DELEGATE.get(type) != null;
    }

    /**
     * DBCP 2's (and Tomcat's copy of it) innermost delegate: the driver's connection or statement
     * under its wrappers, where their {@code unwrap} returns the wrapper. A connection's
     * {@code getInnermostDelegateInternal()} answers whether or not the pool lets the app reach the
     * underlying connection, where {@code getInnermostDelegate()} may answer null; a statement has
     * the second only. Each is found on the public class that declares it: the connection apps hold
     * from a BasicDataSource is of a private class, whose own methods cannot be called from here.
     */
    private static final ClassValue<Method> INNERMOST_DELEGATE = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            for (String name : List.of("getInnermostDelegateInternal", "getInnermostDelegate")) {
                for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                    if (!Modifier.isPublic(c.getModifiers())) {
                        continue;
                    }
                    try {
                        Method method = c.getDeclaredMethod(name);
                        Class<?> returned = method.getReturnType();
                        if (Modifier.isPublic(method.getModifiers())
                                && (Connection.class.isAssignableFrom(returned) || Statement.class.isAssignableFrom(returned))) {
                            return method;
                        }
                    } catch (NoSuchMethodException | RuntimeException e) {
                        // declared higher up, perhaps
                    }
                }
            }
            return null;
        }
    };

    private static Object connectionOf(Object statement) {
        try {
            return ((Statement) statement).getConnection();
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * The rows an execution wrote. execute() answers false for an update count without giving it
     * (MyBatis runs every write so): the count is then read from the statement, which keeps it until
     * its next result, so an UPDATE or DELETE that matched no row is not published.
     */
    private static long count(Object statement, Object result) {
        if (Boolean.FALSE.equals(result)) {
            try {
                return Math.max(((Statement) statement).getUpdateCount(), -1);
            } catch (Throwable t) {
                return -1;
            }
        }
        return count(result);
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

    /** The most bytes a {@code setBytes} value is copied with; a larger one is left out of the row's data. */
    static final int MAX_BYTES = 1_000_000;
    private static final JdbcRows.Unreadable LARGE_BYTES = new JdbcRows.Unreadable("bytes, more than " + MAX_BYTES + " of them");

    /**
     * Parameters are copied as plain values (bytes up to {@link #MAX_BYTES}), an array (setObject with a Java array) as a list of
     * them, and a driver's text value (PostgreSQL's PGobject: json, jsonb, enums) as its text; streams,
     * LOBs and other driver objects are not read, and are {@link JdbcRows.Unreadable}: their column is
     * left out of the event, never sent as null.
     */
    static Object copy(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Character
                || value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof Double || value instanceof Float || value instanceof BigDecimal
                || value instanceof BigInteger || value instanceof UUID) {
            return value;
        }
        if (value instanceof Date date) {
            // before the interface below: a Timestamp's check against a class is one compare, against an interface a scan
            return date.clone();
        }
        if (value instanceof byte[] bytes) {
            // the copy lives as long as the statement's parameters, on the app's heap: a large one is left out
            return bytes.length <= MAX_BYTES ? bytes.clone() : LARGE_BYTES;
        }
        if (value instanceof TemporalAccessor) {
            return value;
        }
        if (value.getClass().isArray()) {
            return ArrayParams.copy(value);
        }
        Object text = DriverValues.copy(value);
        return text != DriverValues.UNKNOWN ? text : new JdbcRows.Unreadable(value.getClass().getName());
    }
}
