package dev.rowcast.agent.jdbc;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.agent.capture.Metrics;
import dev.rowcast.agent.capture.Pipeline;
import dev.rowcast.bootstrap.KeyBridge;
import dev.rowcast.config.ConfigLoader;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * JDBC capture with its pipeline running, for a {@code messages} table (or the one given) in room {@code chat:{chat}}:
 * the tests call its app-thread methods as the hooks would, and read the rows it routes. A test
 * holds one in an {@code @AutoClose} field.
 */
final class CaptureFixture implements AutoCloseable {

    final ConcurrentLinkedQueue<CapturedRow> routed = new ConcurrentLinkedQueue<>();
    final JdbcCapture capture;
    /** The tables Hibernate reports: none, until a test adds one. */
    final HibernateTables hibernateTables = new HibernateTables();
    private final Pipeline pipeline;

    CaptureFixture() {
        this("messages");
    }

    /** @param table the {@code table:} of the collection {@code messages} */
    CaptureFixture(String table) {
        this(table, "[create, update, delete]");
    }

    /** @param events the {@code events:} of the collection {@code messages} */
    CaptureFixture(String table, String events) {
        pipeline = new Pipeline(item -> routed.addAll(capture().rows((JdbcCommit) item)), new Metrics());
        try {
            capture = new JdbcCapture(ConfigLoader.load("rowcast.yml", """
                    collections:
                      messages: { table: %s, events: %s, room: "chat:{chat}" }
                    """.formatted(table, events), Map.of()), pipeline, new Metrics(), () -> true, hibernateTables);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        pipeline.start();
    }

    private JdbcCapture capture() {
        return capture;
    }

    /**
     * A driver object: a statement answers its connection, a connection its autocommit mode as
     * {@code autoCommit[0]} says; an update count, when asked, is {@code updateCount}.
     */
    @SuppressWarnings("unchecked")
    static <T> T fake(Class<T> type, Connection connection, boolean[] autoCommit) {
        return (T) Proxy.newProxyInstance(CaptureFixture.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAutoCommit" -> autoCommit[0];
                    case "getConnection" -> connection;
                    case "isWrapperFor" -> false;
                    case "getUpdateCount" -> -1;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> type.getSimpleName() + "@" + System.identityHashCode(proxy);
                    default -> null;
                });
    }

    /** A statement of a connection in autocommit: each write is published at once. */
    static <T extends Statement> T autoCommitted(Class<T> type) {
        boolean[] autoCommit = {true};
        return fake(type, fake(Connection.class, null, autoCommit), autoCommit);
    }

    @Override
    public void close() {
        pipeline.stop(1_000);
        KeyBridge.install(null);
    }
}
