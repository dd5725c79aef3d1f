package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.bootstrap.Bridge;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * An UPDATE or DELETE that names only the key: its event carries the room's column from the row
 * the agent saw inserted, and a delete the row as it was, without reading the database.
 */
class RowMemoryTest {

    @AutoClose
    private final CaptureFixture fixture = new CaptureFixture();
    private final Statement statement = CaptureFixture.autoCommitted(Statement.class);

    @Test
    void anUpdateByKeyReachesTheRowsRoomAndADeleteCarriesTheRowAsItWas() {
        write("INSERT INTO messages (id, chat, author, content) VALUES (7, 3, 'ann', 'hello')", 1);
        write("UPDATE messages SET content = 'edited' WHERE id = 7", 1);
        write("DELETE FROM messages WHERE id = 7", 1);
        // never seen inserted: only what the statement says
        write("UPDATE messages SET content = 'x' WHERE id = 8", 1);

        List<CapturedRow> rows = rows(4);
        assertThat(rows.get(1).data()).containsExactly(entry("id", 7L), entry("content", "edited"), entry("chat", 3L));
        assertThat(rows.get(1).changes()).containsExactly("content");
        assertThat(rows.get(2).data()).containsExactly(entry("id", 7L), entry("chat", 3L), entry("author", "ann"),
                entry("content", "edited"));
        assertThat(rows.get(3).data()).containsOnlyKeys("id", "content");
    }

    @Test
    void aRowChangedOutOfSightIsForgotten() {
        write("INSERT INTO messages (id, chat, content) VALUES (1, 3, 'a')", 1);
        write("INSERT INTO messages (id, chat, content) VALUES (2, 3, 'b')", 1);
        // several rows: which ones is not known
        write("UPDATE messages SET chat = 4 WHERE chat = 3", 2);
        write("UPDATE messages SET content = 'c' WHERE id = 1", 1);
        write("INSERT INTO messages (id, chat, content) VALUES (5, 3, 'e')", 1);
        rows(5);
        // what is written while capture is off goes unseen
        fixture.capture.captureSwitched();
        write("DELETE FROM messages WHERE id = 5", 1);

        List<CapturedRow> rows = rows(6);
        assertThat(rows.get(3).data()).doesNotContainKey("chat");
        assertThat(rows.get(5).data()).containsOnlyKeys("id");
    }

    /**
     * A WHERE on another column than id names no remembered row, even when it changed one row: a
     * chat's number is not the id of a message of another chat, whose row must not be sent there.
     * And a write the agent does not read (REPLACE) leaves nothing remembered behind it.
     */
    @Test
    void onlyTheIdColumnFindsARememberedRow() {
        write("INSERT INTO messages (id, chat, content) VALUES (3, 9, 'secret of chat 9')", 1);
        write("INSERT INTO messages (id, chat, content) VALUES (50, 3, 'x')", 1);
        write("DELETE FROM messages WHERE chat = 3", 1);
        write("UPDATE messages SET content = 'y' WHERE id = 3", 1);
        write("INSERT INTO messages (id, chat, content) VALUES (60, 3, 'z')", 1);
        write("REPLACE INTO messages (id, chat, content) VALUES (60, 4, 'moved')", 1);
        write("UPDATE messages SET content = 'w' WHERE id = 60", 1);

        List<CapturedRow> rows = rows(6);
        // the delete of chat 3's rows is not a delete of row 3 (of chat 9), nor sent to chat 9
        assertThat(rows.get(2).data()).containsOnlyKeys("chat");
        // row 3 is in chat 9, which the delete cannot have met: its update still reaches chat 9
        assertThat(rows.get(3).data()).containsExactly(entry("id", 3L), entry("content", "y"), entry("chat", 9L));
        assertThat(rows.get(5).data()).containsOnlyKeys("id", "content");
    }

    /**
     * A write of several rows ({@code WHERE chat = ?}) lets go of the columns it sets in the rows it
     * may have met, and of nothing else: a later update by id of a row keeps its room unless the
     * write set that row's room column, and a delete by id carries what still holds.
     */
    @Test
    void aWriteOfSeveralRowsLetsGoOnlyOfWhatItMayHaveChanged() {
        write("INSERT INTO messages (id, chat, author, content) VALUES (1, 3, 'ann', 'a')", 1);
        write("INSERT INTO messages (id, chat, author, content) VALUES (2, 3, 'bob', 'b')", 1);
        write("INSERT INTO messages (id, chat, author, content) VALUES (3, 4, 'cy', 'c')", 1);
        write("UPDATE messages SET content = 'closed' WHERE chat = 3", 2);
        write("UPDATE messages SET author = 'al' WHERE id = 1", 1);
        write("DELETE FROM messages WHERE id = 1", 1);
        write("DELETE FROM messages WHERE id = 3", 1);
        // text is not compared (a database may hold 'Bob' equal to 'bob'): any row may be one it met
        write("UPDATE messages SET chat = 5 WHERE author = 'bob'", 1);
        write("UPDATE messages SET content = 'z' WHERE id = 2", 1);

        List<CapturedRow> rows = rows(9);
        assertThat(rows.get(4).data()).containsExactly(entry("id", 1L), entry("author", "al"), entry("chat", 3L));
        // row 1 without the content the write of chat 3 set, which the memory never saw
        assertThat(rows.get(5).data()).containsExactly(entry("id", 1L), entry("chat", 3L), entry("author", "al"));
        // row 3, of chat 4, kept all of it
        assertThat(rows.get(6).data()).containsExactly(entry("id", 3L), entry("chat", 4L), entry("author", "cy"),
                entry("content", "c"));
        // the write that moved bob's rows to another chat: row 2's chat is no longer known
        assertThat(rows.get(8).data()).containsOnlyKeys("id", "content");
    }

    /** A collection that keeps only its rooms' columns keeps them through a write of several rows that sets none of them. */
    @Test
    void aWriteOfSeveralRowsThatSetsNoRoomColumnLeavesTheRoomsKnown() {
        try (CaptureFixture updatesOnly = new CaptureFixture("messages", "[create, update]")) {
            Statement statement = CaptureFixture.autoCommitted(Statement.class);
            for (String sql : List.of("INSERT INTO messages (id, chat, content) VALUES (7, 3, 'hello')",
                    "INSERT INTO messages (id, chat, content) VALUES (8, 4, 'hi')",
                    "UPDATE messages SET content = 'archived', status = status + 1 WHERE user_id = 12",
                    "UPDATE messages SET content = 'edited' WHERE id = 7",
                    "UPDATE messages SET chat = 9 WHERE chat = 4",
                    "UPDATE messages SET content = 'edited' WHERE id = 8",
                    "UPDATE messages SET content = 'again' WHERE id = 7")) {
                updatesOnly.capture.executed(statement, sql, false, 2, null, Bridge.executeEnter());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> updatesOnly.routed.size() == 7);
            List<CapturedRow> rows = List.copyOf(updatesOnly.routed);
            assertThat(rows.get(3).data()).containsEntry("chat", 3L);
            // chat 4's rows moved to chat 9, but the write does not say which rows those were
            assertThat(rows.get(5).data()).containsOnlyKeys("id", "content");
            // row 7, of chat 3, cannot have been one of them
            assertThat(rows.get(6).data()).containsEntry("chat", 3L);
        }
    }

    /** A collection that publishes no deletes keeps only its rooms' columns: enough for an update's room. */
    @Test
    void withoutDeletesTheRoomsColumnsAreKept() {
        try (CaptureFixture updatesOnly = new CaptureFixture("messages", "[create, update]")) {
            Statement statement = CaptureFixture.autoCommitted(Statement.class);
            updatesOnly.capture.executed(statement, "INSERT INTO messages (id, chat, content) VALUES (7, 3, 'hello')", false, 1, null,
                    Bridge.executeEnter());
            updatesOnly.capture.executed(statement, "UPDATE messages SET chat = 4 WHERE id = 7", false, 1, null, Bridge.executeEnter());
            updatesOnly.capture.executed(statement, "UPDATE messages SET content = 'edited' WHERE id = 7", false, 1, null,
                    Bridge.executeEnter());
            await().atMost(Duration.ofSeconds(10)).until(() -> updatesOnly.routed.size() == 3);
            // the room follows the row's chat as the updates moved it; the content is never filled in
            assertThat(List.copyOf(updatesOnly.routed).get(2).data()).containsExactly(entry("id", 7L), entry("content", "edited"),
                    entry("chat", 4L));
        }
    }

    /** SQL of several writes is not read, but one that writes none of a collection's tables costs the memory nothing. */
    @Test
    void severalWritesOfOtherTablesLeaveTheMemoryAndSeveralOfOnesOwnEmptyIt() {
        write("INSERT INTO messages (id, chat, content) VALUES (7, 3, 'a')", 1);
        write("UPDATE counters SET n = n + 1 WHERE name = 'messages'; UPDATE audit SET seen = 1 WHERE name = 'messages'", 1);
        write("UPDATE messages SET content = 'b' WHERE id = 7", 1);
        write("UPDATE messages SET content = 'c' WHERE id = 8; DELETE FROM audit WHERE id = 1", 1);
        write("UPDATE messages SET content = 'd' WHERE id = 7", 1);

        List<CapturedRow> rows = rows(3);
        assertThat(rows.get(1).data()).containsEntry("chat", 3L);
        assertThat(rows.get(2).data()).containsOnlyKeys("id", "content");
    }

    /**
     * An upsert whose conflict is on another key than id (ON CONFLICT (code), MySQL's ON DUPLICATE
     * KEY) may have met any row: what its SET sets is known of none of them any more, so a row it may
     * have moved to another chat is not sent to its old one.
     */
    @Test
    void anUpsertOnAnotherKeyLetsGoOfWhatItSetsInEveryRow() {
        write("INSERT INTO messages (id, chat, code, content) VALUES (1, 5, 'x', 'a')", 1);
        write("INSERT INTO messages (id, chat, code, content) VALUES (3, 7, 'z', 'c')", 1);
        write("INSERT INTO messages (id, chat, code) VALUES (2, 6, 'x') ON CONFLICT (code) DO UPDATE SET chat = EXCLUDED.chat", 1);
        write("UPDATE messages SET content = 'b' WHERE id = 1", 1);
        write("INSERT INTO messages (id, chat, code) VALUES (4, 8, 'z') ON DUPLICATE KEY UPDATE chat = VALUES(chat)", 2);
        write("DELETE FROM messages WHERE id = 3", 1);

        List<CapturedRow> rows = rows(6);
        assertThat(rows.get(3).data()).containsOnlyKeys("id", "content");
        assertThat(rows.get(5).data()).containsOnlyKeys("id", "code", "content").containsEntry("content", "c");
    }

    /** SET id = 103 moves the remembered row to its new id; SET id = id + 100 to one not known. */
    @Test
    void anUpdateOfTheIdMovesTheRememberedRow() {
        write("INSERT INTO messages (id, chat, content) VALUES (3, 9, 'a')", 1);
        write("UPDATE messages SET id = 103 WHERE id = 3", 1);
        write("UPDATE messages SET content = 'b' WHERE id = 103", 1);
        write("UPDATE messages SET content = 'c' WHERE id = 3", 1);
        write("UPDATE messages SET id = id + 100 WHERE id = 103", 1);
        write("UPDATE messages SET content = 'd' WHERE id = 203", 1);

        List<CapturedRow> rows = rows(6);
        assertThat(rows.get(2).data()).containsEntry("chat", 9L);
        assertThat(rows.get(3).data()).containsOnlyKeys("id", "content");
        assertThat(rows.get(5).data()).containsOnlyKeys("id", "content");
    }

    /** An id bound as an int and one bound as a long or written in the SQL are the same row's. */
    @Test
    void idsOfEveryWholeNumberTypeMeet() {
        assertThat(RowMemory.key(7)).isEqualTo(RowMemory.key(7L)).isEqualTo(RowMemory.key(new java.math.BigDecimal("7")))
                .isEqualTo(RowMemory.key(java.math.BigInteger.valueOf(7))).isEqualTo(RowMemory.key((short) 7));
        assertThat(RowMemory.key("7")).isNotEqualTo(RowMemory.key(7));
    }

    private List<CapturedRow> rows(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.size() == count);
        return List.copyOf(fixture.routed);
    }

    private static java.util.Map.Entry<String, Object> entry(String key, Object value) {
        return java.util.Map.entry(key, value);
    }

    private void write(String sql, int rows) {
        fixture.capture.executed(statement, sql, false, rows, null, Bridge.executeEnter());
    }

    /** A delete's remembered row goes without bytes, long text, and arrays or JSON documents that are large or hold them. */
    @Test
    void theRememberedRowLeavesOutLargeValuesNestedOnesToo() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 1);
        row.put("tags", List.of("a", "b"));
        row.put("meta", Map.of("owner", 7, "tags", List.of("x")));
        row.put("photos", List.of(new byte[] {1}));
        row.put("doc", Map.of("body", "x".repeat(RowMemory.MAX_KEPT_CHARS + 1)));
        row.put("many", java.util.stream.IntStream.range(0, RowMemory.MAX_KEPT_CHARS + 1).boxed().toList());
        assertThat(RowMemory.small(row)).containsOnlyKeys("id", "tags", "meta");
    }
}
