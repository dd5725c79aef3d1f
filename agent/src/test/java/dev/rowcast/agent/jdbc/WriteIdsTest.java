package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.bootstrap.Bridge;
import java.sql.PreparedStatement;
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

    /**
     * Only the id column names a row. Another column's value, even of a write that changed one row
     * ({@code DELETE FROM items WHERE order_id = ?} of an order with one item), may be another row's
     * id, which a client keyed by id would update or remove.
     */
    @Test
    void aWriteOfSeveralRowsOrAnInsertWithoutItsKeyHasNoIdAndAKeyedOneHasIt() {
        write("UPDATE messages SET read = TRUE WHERE chat = 3", 5);
        write("DELETE FROM messages WHERE chat = 4", 2);
        write("INSERT INTO messages (chat) VALUES (5)", 1);
        write("UPDATE messages SET content = 'x' WHERE id = 6", 1);
        write("DELETE FROM messages WHERE chat = 7", 1);
        write("UPDATE messages SET read = TRUE WHERE chat = 7", 1);
        write("INSERT INTO messages (id, chat) VALUES (8, 5)", 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.size() == 7);
        List<Object> ids = fixture.routed.stream().map(CapturedRow::id).toList();
        assertThat(ids).containsExactly(null, null, null, 6L, null, null, 8L);
        assertThat(List.copyOf(fixture.routed).get(0).data()).containsEntry("chat", 3L).containsEntry("read", true);
    }

    /** MySQL counts 2 for an upsert that updated the row it met, 1 for one that inserted. */
    @Test
    void anUpsertThatUpdatedIsAnUpdateOfWhatItSetAndAMergeIsCountedNotRead() {
        String upsert = "INSERT INTO messages (id, chat, content, hits) VALUES (%d, 3, 'new', 1)"
                + " ON DUPLICATE KEY UPDATE content = VALUES(content), hits = hits + 1";
        write(upsert.formatted(1), 1);
        write(upsert.formatted(2), 2);
        write("MERGE INTO messages USING incoming ON (messages.id = incoming.id) WHEN MATCHED THEN UPDATE SET content = 'x'", 4);
        write("INSERT INTO messages (id, chat) VALUES (3, 3)", 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.size() == 3);
        List<CapturedRow> rows = List.copyOf(fixture.routed);
        assertThat(rows.get(0).operation().wireName()).isEqualTo("create");
        assertThat(rows.get(0).data()).containsEntry("content", "new").containsEntry("hits", 1L);
        assertThat(rows.get(1).operation().wireName()).isEqualTo("update");
        assertThat(rows.get(1).id()).isEqualTo(2L);
        assertThat(rows.get(1).data()).containsOnlyKeys("id", "content").containsEntry("content", "new");
        assertThat(rows.get(1).changes()).containsExactly("content", "hits");
        assertThat(rows.get(2).id()).isEqualTo(3L);
    }

    /**
     * PostgreSQL counts 1 for an upsert whether it inserted or updated. One by id of a row the
     * collection has seen written met that row: an update of what it sets, in the row's room. One of
     * a row not seen is a create, after which only what holds either way is remembered (the id and
     * what the SET shows: the row may have kept another chat). One whose conflict is on another key
     * may have met another row, and stays a create.
     */
    @Test
    void anUpsertByIdOfARowSeenWrittenIsAnUpdateInItsRoom() {
        String upsert = "INSERT INTO messages (id, chat, content) VALUES (%d, %d, '%s')"
                + " ON CONFLICT (id) DO UPDATE SET content = EXCLUDED.content, hits = messages.hits + 1";
        write(upsert.formatted(1, 3, "first"), 1);
        write(upsert.formatted(1, 3, "second"), 1);
        write("INSERT INTO messages (id, chat) VALUES (2, 4)", 1);
        write(upsert.formatted(2, 4, "third"), 1);
        write("INSERT INTO messages (id, chat, code) VALUES (5, 3, 'c') ON CONFLICT (code) DO UPDATE SET content = 'x'", 1);
        write("INSERT INTO messages (id, chat, code) VALUES (5, 3, 'c') ON CONFLICT (code) DO UPDATE SET content = 'x'", 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.size() == 6);
        List<CapturedRow> rows = List.copyOf(fixture.routed);
        assertThat(rows).extracting(row -> row.operation().wireName())
                .containsExactly("create", "update", "create", "update", "create", "create");
        assertThat(rows.get(1).data()).containsOnlyKeys("id", "content").containsEntry("content", "second");
        assertThat(rows.get(1).changes()).containsExactly("content", "hits");
        assertThat(rows.get(3).id()).isEqualTo(2L);
        assertThat(rows.get(3).data()).containsEntry("content", "third").containsEntry("chat", 4L);
    }

    /**
     * After a delete of several rows, an upsert of a row it may have deleted may have inserted it
     * again: a create. One of a row the delete cannot have met (another chat's) is an update.
     */
    @Test
    void anUpsertOfARowADeleteOfSeveralMayHaveTakenIsACreate() {
        String upsert = "INSERT INTO messages (id, chat, content) VALUES (%d, %d, '%s')"
                + " ON CONFLICT (id) DO UPDATE SET content = EXCLUDED.content";
        write("INSERT INTO messages (id, chat, content) VALUES (1, 3, 'a')", 1);
        write("INSERT INTO messages (id, chat, content) VALUES (2, 4, 'b')", 1);
        write("DELETE FROM messages WHERE chat = 3", 1);
        write(upsert.formatted(1, 3, "again"), 1);
        write(upsert.formatted(2, 4, "edited"), 1);
        write(upsert.formatted(1, 3, "edited"), 1);
        // an update whose count the driver did not give (SUCCESS_NO_INFO) does not say the row is there
        write("INSERT INTO messages (id, chat, content) VALUES (5, 7, 'e')", 1);
        write("DELETE FROM messages WHERE chat = 7", 1);
        write("UPDATE messages SET content = 'f' WHERE id = 5", -1);
        write(upsert.formatted(5, 7, "again"), 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.size() == 10);
        assertThat(List.copyOf(fixture.routed).subList(3, 10)).extracting(row -> row.operation().wireName())
                .containsExactly("create", "update", "update", "create", "delete", "update", "create");
    }

    /** ON CONFLICT DO NOTHING that met a row: the count says how many were written, not which. */
    @Test
    void anInsertThatWroteFewerRowsThanItListsPublishesNoneOfThem() {
        write("INSERT INTO messages (id, chat) VALUES (1, 3), (2, 3) ON CONFLICT DO NOTHING", 1);
        write("INSERT INTO messages (id, chat) VALUES (4, 3), (5, 3) ON CONFLICT DO NOTHING", 2);

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.size() == 2);
        assertThat(fixture.routed.stream().map(CapturedRow::id).toList()).containsExactly(4L, 5L);
    }

    /**
     * A write by a list of ids (MyBatis's {@code <foreach>}, JDBI's {@code bindList}, {@code = ANY(?)}):
     * a row each, with what the memory holds of it, when the write changed every one; the rows not in
     * the list stay remembered.
     */
    @Test
    void aWriteByAListOfIdsIsARowPerIdWhenItChangedThemAll() throws Exception {
        write("INSERT INTO messages (id, chat, content) VALUES (1, 3, 'a')", 1);
        write("INSERT INTO messages (id, chat, content) VALUES (2, 4, 'b')", 1);
        write("INSERT INTO messages (id, chat, content) VALUES (5, 5, 'e')", 1);
        write("INSERT INTO messages (id, chat, content) VALUES (7, 6, 'g')", 1);
        write("DELETE FROM messages WHERE id IN (1, 2, 2)", 2);
        write("UPDATE messages SET content = 'after' WHERE id = 5", 1);
        PreparedStatement any = CaptureFixture.autoCommitted(PreparedStatement.class);
        fixture.capture.statementPrepared(any.getConnection(), any, "UPDATE messages SET content = ? WHERE id = ANY(?)");
        fixture.capture.parameterSet(any, 1, "both");
        fixture.capture.parameterSet(any, 2, new Long[] {5L, 7L});
        fixture.capture.executed(any, null, false, 2, null, Bridge.executeEnter());
        // it changed one of the two: which one is not known
        write("UPDATE messages SET content = 'x' WHERE id IN (5, 6)", 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.size() == 10);
        List<CapturedRow> rows = List.copyOf(fixture.routed).subList(4, 10);
        assertThat(rows).extracting(r -> r.operation().wireName())
                .containsExactly("delete", "delete", "update", "update", "update", "update");
        assertThat(rows).extracting(CapturedRow::id).containsExactly(1L, 2L, 5L, 5L, 7L, null);
        // each deleted row as the memory held it, whose chat places it in its room
        assertThat(rows.get(0).data()).containsEntry("chat", 3L).containsEntry("content", "a");
        assertThat(rows.get(1).data()).containsEntry("chat", 4L);
        // the list named neither 5 nor 7: their rows are still remembered
        assertThat(rows.get(2).data()).containsEntry("chat", 5L).containsEntry("content", "after");
        assertThat(rows.get(4).data()).containsEntry("chat", 6L).containsEntry("content", "both");
    }

    private void write(String sql, int rows) {
        fixture.capture.executed(statement, sql, false, rows, null, Bridge.executeEnter());
    }
}
