package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.agent.capture.Metrics;
import dev.rowcast.agent.capture.Pipeline;
import dev.rowcast.bootstrap.Bridge;
import dev.rowcast.bootstrap.KeyBridge;
import dev.rowcast.config.ConfigLoader;
import java.lang.ref.WeakReference;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The capture of generated keys, driven as the advice drives it, against a fake driver that logs
 * every call: the agent reads only the row the app's own next() moved to, and only with
 * getMetaData/getObject.
 */
class GeneratedKeysCaptureTest {

    private static final String INSERT = "INSERT INTO messages (chat, content) VALUES (?, ?)";
    private static final Object MARKER = new Object();

    private final List<Object> routed = new CopyOnWriteArrayList<>();
    /** Each commit's own time, as the pipeline gets it (0: the pipeline's time of taking it stands). */
    private final List<Long> committedAt = new CopyOnWriteArrayList<>();
    private Pipeline pipeline;
    private JdbcCapture capture;

    @BeforeEach
    void start() throws Exception {
        pipeline = new Pipeline(item -> {
            if (item instanceof JdbcCommit commit) {
                committedAt.add(commit.committedAt());
                routed.addAll(capture.rows(commit));
            } else {
                routed.add(item);
            }
        }, new Metrics());
        capture = new JdbcCapture(ConfigLoader.load("rowcast.yml", """
                collections:
                  messages: { table: messages, events: [create, update], room: "message:{id}" }
                """, Map.of()), pipeline, new Metrics(), () -> true, new HibernateTables());
        pipeline.start();
    }

    @AfterEach
    void stop() {
        pipeline.stop(1_000);
        KeyBridge.install(null);
    }

    @Test
    void keyReadBeforeCommitIsTheRowsIdAndTheCursorStaysWhereTheAppLeftIt() {
        Connection connection = fake(Connection.class, false, new ArrayList<>());
        PreparedStatement ps = insert(connection, true);
        executeUpdate(ps, 1, "hello");
        FakeKeys keys = new FakeKeys(41);
        capture.resultSetReturned(ps, keys.resultSet, true);
        assertThat(KeyBridge.watching).isTrue();

        keys.appNext();
        assertThat(keys.agentCalls).containsOnly("getMetaData", "getColumnCount", "getColumnType", "getColumnLabel", "getObject");
        assertThat(keys.cursor).isEqualTo(1);
        // the one expected key is read: the set is no longer watched
        assertThat(KeyBridge.watching).isFalse();
        capture.committed(connection, null);

        CapturedRow row = awaitRow();
        assertThat(row.id()).isEqualTo(41);
        assertThat(row.data()).containsExactly(Map.entry("id", 41), Map.entry("chat", 1), Map.entry("content", "hello"));
    }

    @Test
    void batchKeysLandOnTheirRowsInBatchOrder() {
        Connection connection = fake(Connection.class, false, new ArrayList<>());
        PreparedStatement ps = insert(connection, true);
        for (int i = 0; i < 3; i++) {
            capture.parameterSet(ps, 1, 1);
            capture.parameterSet(ps, 2, "row " + i);
            capture.batchAdded(ps, null);
        }
        capture.executed(ps, null, true, new int[] {1, 1, 1}, null, Bridge.executeEnter());
        FakeKeys keys = new FakeKeys(7, 8, 9);
        capture.resultSetReturned(ps, keys.resultSet, true);
        keys.appNext();
        keys.appNext();
        keys.appNext();
        capture.committed(connection, null);

        await().atMost(Duration.ofSeconds(5)).until(() -> routed.size() == 3);
        assertThat(routed).extracting(r -> ((CapturedRow) r).id()).containsExactly(7, 8, 9);
        assertThat(routed).extracting(r -> ((CapturedRow) r).data().get("content")).containsExactly("row 0", "row 1", "row 2");
    }

    @Test
    void rollbackDropsTheRowsAndStopsWatching() {
        Connection connection = fake(Connection.class, false, new ArrayList<>());
        PreparedStatement ps = insert(connection, true);
        executeUpdate(ps, 1, "rolled back");
        capture.resultSetReturned(ps, new FakeKeys(5).resultSet, true);
        assertThat(KeyBridge.watching).isTrue();
        capture.rolledBack(connection, null, null);
        assertThat(KeyBridge.watching).isFalse();

        pipeline.offer(MARKER);
        await().atMost(Duration.ofSeconds(5)).until(() -> routed.contains(MARKER));
        assertThat(routed).containsExactly(MARKER);
    }

    /** Published once its key is read, but with the time of its commit, not of that read. */
    @Test
    void underAutocommitTheRowWaitsForItsKeyThenIsPublishedWithIt() {
        Connection connection = fake(Connection.class, true, new ArrayList<>());
        PreparedStatement ps = insert(connection, true);
        long before = System.currentTimeMillis();
        executeUpdate(ps, 2, "autocommitted");
        long after = System.currentTimeMillis();
        FakeKeys keys = new FakeKeys(12);
        capture.resultSetReturned(ps, keys.resultSet, true);
        pipeline.offer(MARKER);
        await().atMost(Duration.ofSeconds(5)).until(() -> routed.contains(MARKER));
        assertThat(routed).containsExactly(MARKER);
        await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() > after + 20);

        keys.appNext();
        await().atMost(Duration.ofSeconds(5)).until(() -> routed.size() == 2);
        assertThat(((CapturedRow) routed.get(1)).id()).isEqualTo(12);
        assertThat(committedAt).singleElement().satisfies(ts -> assertThat(ts).isBetween(before, after));
    }

    @Test
    void keysNeverReadUnderAutocommitArePublishedWithoutIdWhenTheStatementCloses() {
        Connection connection = fake(Connection.class, true, new ArrayList<>());
        PreparedStatement ps = insert(connection, true);
        executeUpdate(ps, 3, "never read");
        capture.statementClosed(ps, ps.getClass());

        CapturedRow row = awaitRow();
        assertThat(row.id()).isNull();
        assertThat(row.data()).doesNotContainKey("id");
    }

    /**
     * H2's prepared statement's close() calls its plain statement's through super, and both are
     * hooked: the inner hook does the work, the override's finds it done, and the closed statement
     * is not kept reachable from the thread once both have run.
     */
    @Test
    void aCloseRunThroughAnOverridesSuperIsDoneOnceAndKeepsNothing() {
        Connection connection = fake(Connection.class, true, new ArrayList<>());
        PreparedStatement ps = insert(connection, true);
        executeUpdate(ps, 3, "closed inside");
        // Proxy declares no close(); the proxy class's own does the override's part here
        capture.statementClosed(ps, Proxy.class);
        assertThat(awaitRow().data()).containsEntry("content", "closed inside");
        capture.statementClosed(ps, ps.getClass());

        PreparedStatement next = insert(connection, true);
        executeUpdate(next, 4, "closed alone");
        capture.statementClosed(next, next.getClass());
        await().atMost(Duration.ofSeconds(5)).until(() -> routed.size() == 2);
        assertThat(routed).extracting(r -> ((CapturedRow) r).data().get("content")).containsExactly("closed inside", "closed alone");

        WeakReference<PreparedStatement> closed = new WeakReference<>(ps);
        ps = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            System.gc();
            return closed.get() == null;
        });
    }

    @Test
    void anUpdateAskingForKeysUnderAutocommitDoesNotWaitForThem() {
        Connection connection = fake(Connection.class, true, new ArrayList<>());
        PreparedStatement ps = fake(PreparedStatement.class, connection, new ArrayList<>());
        capture.statementPrepared(connection, ps, "UPDATE messages SET content = ? WHERE id = ?");
        capture.keysRequested(ps);
        capture.parameterSet(ps, 1, "edited");
        capture.parameterSet(ps, 2, 4);
        capture.executed(ps, null, false, 1, null, Bridge.executeEnter());

        assertThat(awaitRow().id()).isEqualTo(4);
    }

    @Test
    void rollbackToASavepointStopsWatchingTheKeysOfWhatItDropped() {
        Connection connection = fake(Connection.class, false, new ArrayList<>());
        PreparedStatement ps = insert(connection, true);
        Object savepoint = new Object();
        capture.savepointSet(connection, savepoint);
        executeUpdate(ps, 1, "after the savepoint");
        capture.resultSetReturned(ps, new FakeKeys(6).resultSet, true);
        assertThat(KeyBridge.watching).isTrue();
        capture.rolledBack(connection, savepoint, null);
        assertThat(KeyBridge.watching).isFalse();
    }

    @Test
    void aResultSetThatIsNotWatchedIsNotTouched() {
        Connection connection = fake(Connection.class, false, new ArrayList<>());
        PreparedStatement ps = insert(connection, false);
        executeUpdate(ps, 1, "no keys asked");
        FakeKeys keys = new FakeKeys(3);
        // the statement did not ask for keys: getGeneratedKeys' set is not watched
        capture.resultSetReturned(ps, keys.resultSet, true);
        assertThat(KeyBridge.watching).isFalse();
        capture.rowRead(keys.resultSet, true);
        assertThat(keys.agentCalls).isEmpty();
    }

    /** A RETURNING statement has no count: the rows the app read to their end say how many it wrote. */
    @Test
    void returningRowsReadToTheirEndSayHowManyRowsWereWritten() {
        Connection connection = fake(Connection.class, false, new ArrayList<>());
        String sql = "INSERT INTO messages (id, chat, content) VALUES (?, 1, 'a'), (?, 1, 'b') ON CONFLICT DO NOTHING RETURNING id";
        for (int[] ids : new int[][] {{}, {4}, {5, 6}}) {
            PreparedStatement ps = fake(PreparedStatement.class, connection, new ArrayList<>());
            capture.statementPrepared(connection, ps, sql);
            capture.parameterSet(ps, 1, ids.length == 2 ? 5 : 3);
            capture.parameterSet(ps, 2, ids.length == 2 ? 6 : 4);
            FakeKeys rows = new FakeKeys(java.util.Arrays.stream(ids).boxed().toArray());
            capture.queried(ps, null, rows.resultSet, null, Bridge.executeEnter());
            for (int i = 0; i <= ids.length; i++) {
                rows.appNext(); // the last says false
            }
            capture.committed(connection, null);
        }
        pipeline.offer(MARKER);

        // none written: nothing; one of two: which one is not known, so nothing; both: both
        await().atMost(Duration.ofSeconds(5)).until(() -> routed.contains(MARKER));
        assertThat(routed).extracting(r -> r instanceof CapturedRow row ? row.id() : r).containsExactly(5, 6, MARKER);
    }

    private PreparedStatement insert(Connection connection, boolean keys) {
        PreparedStatement ps = fake(PreparedStatement.class, connection, new ArrayList<>());
        capture.statementPrepared(connection, ps, INSERT);
        if (keys) {
            capture.keysRequested(ps);
        }
        return ps;
    }

    private void executeUpdate(PreparedStatement ps, int chat, String content) {
        capture.parameterSet(ps, 1, chat);
        capture.parameterSet(ps, 2, content);
        capture.executed(ps, null, false, 1, null, Bridge.executeEnter());
    }

    private CapturedRow awaitRow() {
        await().atMost(Duration.ofSeconds(5)).until(() -> !routed.isEmpty());
        return (CapturedRow) routed.get(0);
    }

    /** A key result set of one INTEGER column ID, with the app's cursor and the calls made by anyone else. */
    private final class FakeKeys {
        final List<String> agentCalls = new ArrayList<>();
        final ResultSet resultSet;
        int cursor;
        private boolean app;

        FakeKeys(Object... ids) {
            ResultSetMetaData meta = (ResultSetMetaData) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {ResultSetMetaData.class}, (proxy, method, args) -> {
                        agentCalls.add(method.getName());
                        return switch (method.getName()) {
                            case "getColumnCount" -> 1;
                            case "getColumnType" -> Types.INTEGER;
                            case "getColumnLabel" -> "ID";
                            default -> basics(proxy, method.getName(), args);
                        };
                    });
            resultSet = (ResultSet) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ResultSet.class},
                    (proxy, method, args) -> {
                        if (!app) {
                            agentCalls.add(method.getName());
                        }
                        return switch (method.getName()) {
                            case "next" -> ++cursor <= ids.length;
                            case "getMetaData" -> meta;
                            case "getObject" -> ids[cursor - 1];
                            default -> basics(proxy, method.getName(), args);
                        };
                    });
        }

        /** The app's next(), then what the advice does on its exit. */
        void appNext() {
            app = true;
            boolean hasRow;
            try {
                hasRow = resultSet.next();
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                app = false;
            }
            if (KeyBridge.watching) {
                capture.rowRead(resultSet, hasRow);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T fake(Class<T> type, Object value, List<String> calls) {
        return (T) Proxy.newProxyInstance(GeneratedKeysCaptureTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    calls.add(method.getName());
                    return switch (method.getName()) {
                        case "getAutoCommit" -> value;
                        case "getConnection" -> value;
                        case "isWrapperFor" -> false;
                        default -> basics(proxy, method.getName(), args);
                    };
                });
    }

    private static Object basics(Object proxy, String method, Object[] args) {
        return switch (method) {
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "fake@" + System.identityHashCode(proxy);
            default -> null;
        };
    }
}
