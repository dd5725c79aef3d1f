package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.bootstrap.Bridge;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Autocommit turned on inside a transaction that a BEGIN in SQL opened: it commits where the BEGIN
 * turned the driver's autocommit off (H2), and leaves the transaction open where the driver stayed
 * in autocommit (MySQL's START TRANSACTION), whose ROLLBACK then drops the row. The drivers are
 * stand-ins that answer getAutoCommit() as those do.
 */
class SqlAutoCommitTest {

    @AutoClose
    private final CaptureFixture fixture = new CaptureFixture();
    private final JdbcCapture capture = fixture.capture;
    private final ConcurrentLinkedQueue<CapturedRow> routed = fixture.routed;

    @ParameterizedTest(name = "autocommit after BEGIN: {0}, turned on with {1}")
    @CsvSource({"false, SET AUTOCOMMIT TRUE, kept", "true, SET autocommit=1, rolled back",
                "true, setAutoCommit(true), rolled back"})
    void turningAutocommitOnCommitsOnlyWhereBeginTurnedItOff(boolean autoCommitAfterBegin, String turnOn, String outcome) {
        boolean[] autoCommit = {true};
        Connection connection = CaptureFixture.fake(Connection.class, null, autoCommit);
        Statement statement = CaptureFixture.fake(Statement.class, connection, autoCommit);

        // the hook runs as the BEGIN returns: the driver answers as the BEGIN left it
        autoCommit[0] = autoCommitAfterBegin;
        run(statement, "BEGIN");
        run(statement, "INSERT INTO messages (chat, content) VALUES (1, 'inside')");
        autoCommit[0] = true;
        if (turnOn.startsWith("SET")) {
            run(statement, turnOn);
        } else {
            capture.autoCommitSet(connection, true, null);
        }
        // a commit there ended the transaction: this ROLLBACK, in autocommit, has nothing to undo
        run(statement, "ROLLBACK");
        run(statement, "INSERT INTO messages (chat, content) VALUES (1, 'after')");

        await().atMost(Duration.ofSeconds(10)).until(() -> routed.stream().anyMatch(r -> r.data().get("content").equals("after")));
        List<Object> contents = routed.stream().map(r -> r.data().get("content")).toList();
        assertThat(contents).isEqualTo(outcome.equals("kept") ? List.of("inside", "after") : List.of("after"));
    }

    private void run(Statement statement, String sql) {
        boolean write = sql.startsWith("INSERT");
        capture.executed(statement, sql, false, write ? 1 : Boolean.FALSE, null, Bridge.executeEnter());
    }
}
