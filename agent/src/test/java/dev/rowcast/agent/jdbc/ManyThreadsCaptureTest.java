package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.bootstrap.Bridge;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * More app threads than the capture's per-thread shortcuts have slots (64), each with its own
 * connection and statement, all writing at once, so threads keep taking slots from each other:
 * every thread's rows still come out with its own parameters, once each, in its commit order.
 */
class ManyThreadsCaptureTest {

    private static final String INSERT = "INSERT INTO messages (chat, content) VALUES (?, ?)";
    private static final int THREADS = 150;
    private static final int ROWS = 200;

    @AutoClose
    private final CaptureFixture fixture = new CaptureFixture();
    private final JdbcCapture capture = fixture.capture;
    private final ConcurrentLinkedQueue<CapturedRow> routed = fixture.routed;

    @Test
    void eachThreadsRowsCarryItsOwnParametersInItsOrder() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int chat = t;
            Thread thread = new Thread(() -> {
                try {
                    Connection connection = fake(Connection.class);
                    PreparedStatement statement = fake(PreparedStatement.class);
                    go.await();
                    capture.statementPrepared(connection, statement, INSERT);
                    for (int i = 0; i < ROWS; i++) {
                        capture.parameterSet(statement, 1, chat);
                        capture.parameterSet(statement, 2, chat + "-" + i);
                        capture.executed(statement, null, false, 1, null, Bridge.executeEnter());
                        capture.committed(connection, null);
                        if (i % 50 == 0) {
                            // other threads' new statements move the shortcuts' epoch meanwhile
                            Object other = fake(PreparedStatement.class);
                            capture.statementPrepared(connection, other, INSERT);
                            capture.statementClosed(other, other.getClass());
                        }
                    }
                    capture.statementClosed(statement, statement.getClass());
                    capture.connectionClosed(connection);
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "writer-" + t);
            threads.add(thread);
            thread.start();
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        assertThat(failures).isEmpty();
        assertThat(Bridge.insideHibernate()).isFalse();

        await().atMost(Duration.ofSeconds(20)).until(() -> routed.size() >= THREADS * ROWS);
        Map<Integer, Integer> next = new HashMap<>();
        for (CapturedRow row : routed) {
            int chat = (Integer) row.data().get("chat");
            int i = next.getOrDefault(chat, 0);
            assertThat(row.data().get("content")).as("row %d of thread %d", i, chat).isEqualTo(chat + "-" + i);
            next.put(chat, i + 1);
        }
        assertThat(routed).hasSize(THREADS * ROWS);
        assertThat(next).hasSize(THREADS).allSatisfy((chat, rows) -> assertThat(rows).isEqualTo(ROWS));
    }

    @SuppressWarnings("unchecked")
    private static <T> T fake(Class<T> type) {
        return (T) Proxy.newProxyInstance(ManyThreadsCaptureTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getAutoCommit", "isWrapperFor" -> false;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> type.getSimpleName() + "@" + System.identityHashCode(proxy);
                    default -> null;
                });
    }
}
