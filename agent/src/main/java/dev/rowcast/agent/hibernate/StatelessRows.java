package dev.rowcast.agent.hibernate;

import dev.rowcast.agent.AgentLog;
import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.agent.capture.Metrics;
import dev.rowcast.agent.capture.Pipeline;
import dev.rowcast.agent.jdbc.JdbcCapture;
import dev.rowcast.config.Operation;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Where the rows a StatelessSession writes wait for their transaction. Hibernate tells of them as
 * each is written (or joins a JDBC batch), not after the commit, and no post-commit event follows.
 * So each row waits:
 * <ul>
 *   <li>while the session's Hibernate transaction is active (begun through the session, or a JTA
 *       transaction it joined), for its completion: published when it commits;</li>
 *   <li>else, on a connection the session holds (one the app handed it): with the JDBC hooks in, in
 *       that connection's transaction, as the session's own SQL would; without them, published at
 *       once in autocommit, and dropped, counted and said once in a transaction nothing follows;</li>
 *   <li>else (no transaction, the connection given back after the statement) at once.</li>
 * </ul>
 * The rows of 7.x's batch calls ({@code insertMultiple} and the like) wait for the call to return:
 * its JDBC batch runs at its end, so when it throws, only the inserts that ran at once (a key the
 * database generates) go on, to wait for their transaction as any other.
 */
final class StatelessRows {

    /** javax/jakarta.transaction.Status.STATUS_COMMITTED */
    private static final int STATUS_COMMITTED = 3;

    /** Hibernate's session and transaction SPI as a StatelessSession needs it, read once per session class. */
    private record Api(Method factory, Method accessTransaction, Method transactionCoordinator, Method transactionActive,
                       Method transactionDriver, Method localSynchronizations, Method registerSynchronization,
                       Class<?> synchronization,
                       Method jdbcCoordinator, Method logicalConnection, Method physicallyConnected, Method physicalConnection,
                       Method persisterValues, Method persisterIdentityInsert) {

        static Api of(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> session = Class.forName("org.hibernate.engine.spi.SharedSessionContractImplementor", false, loader);
            Class<?> transactions = Class.forName("org.hibernate.resource.transaction.spi.TransactionCoordinator", false, loader);
            Class<?> registry = Class.forName("org.hibernate.resource.transaction.spi.SynchronizationRegistry", false, loader);
            Method register = null;
            for (Method method : registry.getMethods()) {
                if (method.getName().equals("registerSynchronization") && method.getParameterCount() == 1) {
                    register = method; // javax.transaction.Synchronization in 5.6, jakarta's from 6.0 on
                }
            }
            if (register == null) {
                throw new NoSuchMethodException(registry.getName() + ".registerSynchronization");
            }
            Class<?> coordinator = Class.forName("org.hibernate.engine.jdbc.spi.JdbcCoordinator", false, loader);
            Class<?> logical = Class.forName("org.hibernate.resource.jdbc.spi.LogicalConnectionImplementor", false, loader);
            Class<?> persister = Class.forName("org.hibernate.persister.entity.EntityPersister", false, loader);
            return new Api(session.getMethod("getFactory"), session.getMethod("accessTransaction"),
                    session.getMethod("getTransactionCoordinator"), transactions.getMethod("isTransactionActive"),
                    transactions.getMethod("getTransactionDriverControl"), transactions.getMethod("getLocalSynchronizations"),
                    register, register.getParameterTypes()[0],
                    session.getMethod("getJdbcCoordinator"), coordinator.getMethod("getLogicalConnection"),
                    logical.getMethod("isPhysicallyConnected"), logical.getMethod("getPhysicalConnection"),
                    persister.getMethod("getValues", Object.class), persister.getMethod("isIdentifierAssignedByInsert"));
        }
    }

    /** This thread's batch calls in progress, and the rows they told of so far. */
    private static final class Batch {
        int depth;
        final List<Told> rows = new ArrayList<>();
    }

    /** A row a batch call told of; {@code ran}: written at once, not left in the JDBC batch. */
    private record Told(Object session, CapturedRow row, boolean ran) {}

    private final ClassValue<Object> apis = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> sessionType) {
            try {
                return Api.of(sessionType.getClassLoader());
            } catch (Throwable t) {
                return t;
            }
        }
    };
    /**
     * The rows of each transaction in progress that holds some, in write order. Keyed by the
     * coordinator's driver of that one transaction (a new one for each): a transaction whose
     * completion never reached Rowcast (an app's synchronization threw before it) leaves an entry
     * that no later transaction meets, and that goes with its driver.
     */
    private final Map<Object, List<CapturedRow>> byTransaction = Collections.synchronizedMap(new WeakHashMap<>());
    private final ThreadLocal<Batch> batches = new ThreadLocal<>();
    private final Pipeline pipeline;
    private final Metrics metrics;
    private final BiConsumer<Object, CapturedRow> jdbcRows;
    private final BooleanSupplier jdbcFollowed;

    /**
     * @param jdbcRows     hands a row to the JDBC layer, which publishes it with its connection's transaction
     * @param jdbcFollowed whether the JDBC hooks are in, following every connection's transactions
     */
    StatelessRows(Pipeline pipeline, Metrics metrics, BiConsumer<Object, CapturedRow> jdbcRows, BooleanSupplier jdbcFollowed) {
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.jdbcRows = jdbcRows;
        this.jdbcFollowed = jdbcFollowed;
    }

    /** The session's factory, to which its {@link EntityCapture} belongs; null where the session cannot say. */
    Object factory(Object session) throws ReflectiveOperationException {
        Api api = api(session);
        return api == null ? null : api.factory.invoke(session);
    }

    /** A deleted entity's values, which Hibernate does not pass on: read from the entity, as the session had it. */
    Object[] values(Object session, Object persister, Object entity) throws ReflectiveOperationException {
        Api api = api(session);
        return api == null || entity == null ? null : (Object[]) api.persisterValues.invoke(persister, entity);
    }

    /** A row the session wrote; see the class comment for when it is published. */
    void written(Object session, Object persister, CapturedRow row) throws ReflectiveOperationException, SQLException {
        Batch batch = batches.get();
        if (batch == null) {
            handOn(session, row);
            return;
        }
        // an insert whose key the database generates cannot wait in a batch: it ran already
        Api api = api(session);
        boolean ran = api != null && row.operation() == Operation.CREATE && (Boolean) api.persisterIdentityInsert.invoke(persister);
        batch.rows.add(new Told(session, row, ran));
    }

    /** A batch call begins ({@code enter}) or ends, having {@code returned} or thrown. */
    void batch(boolean enter, boolean returned) {
        Batch batch = batches.get();
        if (enter) {
            if (batch == null) {
                batch = new Batch();
                batches.set(batch);
            }
            batch.depth++;
            return;
        }
        if (batch == null || --batch.depth > 0) {
            return;
        }
        batches.remove();
        for (Told told : batch.rows) {
            if (!returned && !told.ran()) {
                continue; // in the JDBC batch, which failed or never ran
            }
            try {
                handOn(told.session(), told.row());
            } catch (Throwable t) {
                metrics.dropped.increment();
                AgentLog.warnOnce("stateless-batch", "could not capture a row of a StatelessSession's batch: " + t, t);
            }
        }
    }

    private void handOn(Object session, CapturedRow row) throws ReflectiveOperationException, SQLException {
        Api api = api(session);
        if (api == null) {
            return;
        }
        // under JTA this joins the session to a transaction begun since it opened, as Hibernate's own calls do
        api.accessTransaction.invoke(session);
        Object transactions = api.transactionCoordinator.invoke(session);
        Object logical = api.logicalConnection.invoke(api.jdbcCoordinator.invoke(session));
        if ((Boolean) api.transactionActive.invoke(transactions)) {
            waitForCompletion(api, transactions, api.transactionDriver.invoke(transactions), logical, row);
            return;
        }
        Object connection = (Boolean) api.physicallyConnected.invoke(logical) ? api.physicalConnection.invoke(logical) : null;
        if (connection == null) {
            // no transaction, and the connection went back after the statement: it ran in autocommit
            pipeline.offer(row);
        } else if (jdbcFollowed.getAsBoolean()) {
            jdbcRows.accept(connection, row);
        } else if (((Connection) connection).getAutoCommit()) {
            pipeline.offer(row);
        } else {
            metrics.dropped.increment();
            AgentLog.warnOnce("stateless-transaction", "a StatelessSession wrote rows of " + row.rule().slug()
                    + " in a transaction of a connection the app handed it, which Rowcast follows only with its JDBC"
                    + " hooks; these rows are not published. Add the entity's table as table: to that collection (the"
                    + " hooks then go in), or begin the transaction through the session", null);
        }
    }

    private void waitForCompletion(Api api, Object transactions, Object transaction, Object logical, CapturedRow row)
            throws ReflectiveOperationException {
        List<CapturedRow> rows = byTransaction.get(transaction);
        if (rows == null) {
            List<CapturedRow> pending = new ArrayList<>();
            Object synchronization = Proxy.newProxyInstance(api.synchronization.getClassLoader(),
                    new Class<?>[] {api.synchronization}, new Completion(api, transaction, logical, pending));
            api.registerSynchronization.invoke(api.localSynchronizations.invoke(transactions), synchronization);
            byTransaction.put(transaction, pending);
            rows = pending;
        }
        rows.add(row);
    }

    private Api api(Object session) {
        Object api = apis.get(session.getClass());
        if (api instanceof Api known) {
            return known;
        }
        Throwable t = (Throwable) api;
        AgentLog.warnOnce("stateless-api", "cannot read a Hibernate StatelessSession's transaction (" + t
                + "); its rows are not published", t);
        metrics.dropped.increment();
        return null;
    }

    /**
     * A Hibernate transaction's Synchronization: its rows go when it completes committed. Not when
     * a refused statement aborted it on PostgreSQL (seen before the commit): pgjdbc's commit() then
     * rolls back without an error, and Hibernate reports it committed.
     */
    private final class Completion implements InvocationHandler {
        private final Api api;
        private final Object transaction;
        /** The session's logical connection, to ask its physical one before the commit. */
        private final Object logical;
        private final List<CapturedRow> rows;
        private boolean aborted;

        Completion(Api api, Object transaction, Object logical, List<CapturedRow> rows) {
            this.api = api;
            this.transaction = transaction;
            this.logical = logical;
            this.rows = rows;
        }

        /** Never throws: Hibernate would raise it from the app's commit, after the database committed. */
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            switch (method.getName()) {
                case "afterCompletion" -> {
                    try {
                        completed(!aborted && args[0] instanceof Integer status && status == STATUS_COMMITTED);
                    } catch (Throwable t) {
                        metrics.dropped.add(rows.size());
                        AgentLog.warnOnce("stateless-completion", "could not publish a StatelessSession's rows: " + t, t);
                    }
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "toString" -> {
                    return "rowcast stateless session rows";
                }
                case "beforeCompletion" -> {
                    try {
                        aborted = (Boolean) api.physicallyConnected.invoke(logical)
                                && JdbcCapture.abortedOnPostgresql(api.physicalConnection.invoke(logical));
                    } catch (Throwable t) {
                        // the commit decides, as without this check
                    }
                }
                default -> {
                    // nothing else is called
                }
            }
            return null;
        }

        private void completed(boolean committed) {
            byTransaction.remove(transaction, rows);
            if (committed) {
                for (CapturedRow row : rows) {
                    pipeline.offer(row);
                }
            }
        }
    }
}
