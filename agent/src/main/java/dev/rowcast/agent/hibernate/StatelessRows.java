package dev.rowcast.agent.hibernate;

import dev.rowcast.agent.AgentLog;
import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.agent.capture.Metrics;
import dev.rowcast.agent.capture.Pipeline;
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
 * each is written, not after the commit, and no post-commit event follows. So each row waits:
 * <ul>
 *   <li>with the JDBC hooks in, in its connection's transaction, as the session's own SQL would
 *       (its order among the transaction's other writes kept);</li>
 *   <li>else, in the session's Hibernate transaction when one is in progress (resource-local or
 *       JTA), published when it completes committed;</li>
 *   <li>else it is published at once when its connection is in autocommit, or holds no connection;
 *       a connection in a transaction that neither follows (one the app gave the session) drops it,
 *       counted and said once.</li>
 * </ul>
 */
final class StatelessRows {

    /** javax/jakarta.transaction.Status.STATUS_COMMITTED */
    private static final int STATUS_COMMITTED = 3;

    /** Hibernate's session and transaction SPI as a StatelessSession needs it, read once per session class. */
    private record Api(Method factory, Method transactionInProgress, Method transaction, Method registerSynchronization,
                       Class<?> synchronization, Method jdbcCoordinator, Method logicalConnection, Method physicallyConnected,
                       Method physicalConnection, Method persisterValues) {

        static Api of(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> session = Class.forName("org.hibernate.engine.spi.SharedSessionContractImplementor", false, loader);
            Class<?> transaction = Class.forName("org.hibernate.Transaction", false, loader);
            Method register = null;
            for (Method method : transaction.getMethods()) {
                if (method.getName().equals("registerSynchronization") && method.getParameterCount() == 1) {
                    register = method;
                }
            }
            if (register == null) {
                throw new NoSuchMethodException("org.hibernate.Transaction.registerSynchronization");
            }
            Class<?> coordinator = Class.forName("org.hibernate.engine.jdbc.spi.JdbcCoordinator", false, loader);
            Class<?> logical = Class.forName("org.hibernate.resource.jdbc.spi.LogicalConnectionImplementor", false, loader);
            Class<?> persister = Class.forName("org.hibernate.persister.entity.EntityPersister", false, loader);
            return new Api(session.getMethod("getFactory"), session.getMethod("isTransactionInProgress"),
                    session.getMethod("getTransaction"), register, register.getParameterTypes()[0],
                    session.getMethod("getJdbcCoordinator"), coordinator.getMethod("getLogicalConnection"),
                    logical.getMethod("isPhysicallyConnected"), logical.getMethod("getPhysicalConnection"),
                    persister.getMethod("getValues", Object.class));
        }
    }

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
    /** The rows of each Hibernate transaction in progress that holds some, in write order. */
    private final Map<Object, List<CapturedRow>> byTransaction = Collections.synchronizedMap(new WeakHashMap<>());
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
    void written(Object session, CapturedRow row) throws ReflectiveOperationException, SQLException {
        Api api = api(session);
        if (api == null) {
            return;
        }
        Object logical = api.logicalConnection.invoke(api.jdbcCoordinator.invoke(session));
        Object connection = (Boolean) api.physicallyConnected.invoke(logical) ? api.physicalConnection.invoke(logical) : null;
        if (jdbcFollowed.getAsBoolean()) {
            jdbcRows.accept(connection, row);
        } else if ((Boolean) api.transactionInProgress.invoke(session)) {
            waitForCompletion(api, api.transaction.invoke(session), row);
        } else if (connection == null || ((Connection) connection).getAutoCommit()) {
            pipeline.offer(row);
        } else {
            metrics.dropped.increment();
            AgentLog.warnOnce("stateless-transaction", "a StatelessSession wrote rows of " + row.rule().slug()
                    + " in a transaction on a connection the app handed it, which Rowcast does not follow without its"
                    + " JDBC hooks; its rows are not published. Add the entity's table as table: to that collection, or begin"
                    + " the transaction through the session", null);
        }
    }

    private void waitForCompletion(Api api, Object transaction, CapturedRow row) throws ReflectiveOperationException {
        List<CapturedRow> rows = byTransaction.get(transaction);
        if (rows == null) {
            List<CapturedRow> pending = new ArrayList<>();
            Object synchronization = Proxy.newProxyInstance(api.synchronization.getClassLoader(),
                    new Class<?>[] {api.synchronization}, new Completion(transaction, pending));
            api.registerSynchronization.invoke(transaction, synchronization);
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

    /** A Hibernate transaction's Synchronization: its rows go when it completes committed. */
    private final class Completion implements InvocationHandler {
        private final Object transaction;
        private final List<CapturedRow> rows;

        Completion(Object transaction, List<CapturedRow> rows) {
            this.transaction = transaction;
            this.rows = rows;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            switch (method.getName()) {
                case "afterCompletion" -> {
                    byTransaction.remove(transaction, rows);
                    if (args[0] instanceof Integer status && status == STATUS_COMMITTED) {
                        long ts = System.currentTimeMillis();
                        for (CapturedRow row : rows) {
                            pipeline.offer(new CapturedRow(row.rule(), row.operation(), row.id(), row.data(), row.changes(),
                                    row.origin(), ts));
                        }
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
                default -> {
                    // beforeCompletion: nothing to do yet
                }
            }
            return null;
        }
    }
}
