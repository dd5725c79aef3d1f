package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.bootstrap.Bridge;
import dev.rowcast.config.Operation;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A row Hibernate reports itself may change a row a {@code table:} collection remembers, but only
 * in a table Hibernate writes: a row of another table with the same id keeps its room.
 */
class HibernateWrittenRowsTest {

    @AutoClose
    private final CaptureFixture fixture = new CaptureFixture();
    private final Statement statement = CaptureFixture.autoCommitted(Statement.class);

    @Test
    void anEntityOfAnotherTableWithTheSameIdLeavesTheRememberedRowItsRoom() {
        fixture.hibernateTables.add("orders");

        CapturedRow message = updateAfterHibernateWroteId1();

        assertThat(message.data()).containsEntry("chat", 3L);
    }

    @Test
    void anEntityOfTheCollectionsOwnTableLetsTheRememberedRowGo() {
        fixture.hibernateTables.add("messages");

        CapturedRow message = updateAfterHibernateWroteId1();

        // Hibernate may have moved it to another chat: no room rather than the old one
        assertThat(message.data()).doesNotContainKey("chat");
    }

    /** Message 1 inserted in chat 3, Hibernate's row of id 1, then message 1 updated by id: the update's row. */
    private CapturedRow updateAfterHibernateWroteId1() {
        write("INSERT INTO messages (id, chat, content) VALUES (1, 3, 'a')");
        fixture.capture.entityWritten(null, new CapturedRow(null, Operation.UPDATE, 1L, Map.of("id", 1L), List.of("status"), "hibernate"));
        write("UPDATE messages SET content = 'b' WHERE id = 1");

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.size() == 3);
        List<CapturedRow> rows = List.copyOf(fixture.routed);
        assertThat(rows).extracting(CapturedRow::origin).containsExactly("jdbc", "hibernate", "jdbc");
        assertThat(rows.get(2).data()).containsEntry("content", "b");
        return rows.get(2);
    }

    private void write(String sql) {
        fixture.capture.executed(statement, sql, false, 1, null, Bridge.executeEnter());
    }
}
