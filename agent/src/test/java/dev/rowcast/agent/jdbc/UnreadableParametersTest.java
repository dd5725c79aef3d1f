package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.bootstrap.Bridge;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A parameter the agent does not read (a stream, a LOB) leaves its column out of the event: sent
 * as null, it would overwrite the client's copy of the real value.
 */
class UnreadableParametersTest {

    @AutoClose
    private final CaptureFixture fixture = new CaptureFixture();

    @Test
    void aStreamedColumnIsLeftOutOfTheRowAndNamedInTheUpdatesChanges() {
        boolean[] autoCommit = {true};
        Connection connection = CaptureFixture.fake(Connection.class, null, autoCommit);
        PreparedStatement insert = CaptureFixture.fake(PreparedStatement.class, connection, autoCommit);
        fixture.capture.statementPrepared(connection, insert, "INSERT INTO messages (id, chat, content, photo) VALUES (?, ?, ?, ?)");
        fixture.capture.parameterSet(insert, 1, 7);
        fixture.capture.parameterSet(insert, 2, 3);
        fixture.capture.parameterSet(insert, 3, new StringReader("a long text"));
        fixture.capture.parameterSet(insert, 4, new ByteArrayInputStream(new byte[] {1, 2}));
        fixture.capture.executed(insert, null, false, 1, null, Bridge.executeEnter());

        PreparedStatement update = CaptureFixture.fake(PreparedStatement.class, connection, autoCommit);
        fixture.capture.statementPrepared(connection, update, "UPDATE messages SET content = ?, chat = ? WHERE id = ?");
        fixture.capture.parameterSet(update, 1, new StringReader("edited"));
        fixture.capture.parameterSet(update, 2, 3);
        fixture.capture.parameterSet(update, 3, 7);
        fixture.capture.executed(update, null, false, 1, null, Bridge.executeEnter());

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.size() == 2);
        List<CapturedRow> rows = List.copyOf(fixture.routed);
        assertThat(rows.get(0).data()).containsOnlyKeys("id", "chat").containsEntry("chat", 3);
        assertThat(rows.get(1).data()).containsOnlyKeys("id", "chat");
        assertThat(rows.get(1).changes()).containsExactly("content", "chat");
    }
}
