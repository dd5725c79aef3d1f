package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.bootstrap.Bridge;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The id a JDBC write's event carries: its row's key, never another column's value taken for it. */
class WriteIdsTest {

    @AutoClose
    private final CaptureFixture fixture = new CaptureFixture();
    private final Statement statement = CaptureFixture.autoCommitted(Statement.class);

    @Test
    void aWriteOfSeveralRowsOrAnInsertWithoutItsKeyHasNoIdAndAKeyedOneHasIt() {
        write("UPDATE messages SET read = TRUE WHERE chat = 3", 5);
        write("DELETE FROM messages WHERE chat = 4", 2);
        write("INSERT INTO messages (chat) VALUES (5)", 1);
        write("UPDATE messages SET content = 'x' WHERE id = 6", 1);
        write("DELETE FROM messages WHERE code = 'c7'", 1);
        write("INSERT INTO messages (id, chat) VALUES (8, 5)", 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.size() == 6);
        List<Object> ids = fixture.routed.stream().map(CapturedRow::id).toList();
        // the chat of a bulk update is no key; a natural key of one row is
        assertThat(ids).containsExactly(null, null, null, 6L, "c7", 8L);
        assertThat(List.copyOf(fixture.routed).get(0).data()).containsEntry("chat", 3L).containsEntry("read", true);
    }

    private void write(String sql, int rows) {
        fixture.capture.executed(statement, sql, false, rows, null, Bridge.executeEnter());
    }
}
