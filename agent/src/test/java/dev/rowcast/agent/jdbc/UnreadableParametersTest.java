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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PGobject;

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

    /** n = n + 1 and LOWER(?) set values the statement does not show: neither WHERE n = ? nor the remembered row stands in. */
    @Test
    void aColumnSetByAnExpressionIsLeftOutOfDataAndOfTheRememberedRow() {
        Connection connection = CaptureFixture.fake(Connection.class, null, new boolean[] {true});
        run(fixture, connection, "INSERT INTO messages (id, chat, content, n) VALUES (?, ?, ?, ?)", 7, "a", "hi", 0);
        run(fixture, connection, "UPDATE messages SET n = n + 1, content = ? WHERE id = ? AND n = ?", "v1", 7, 0);
        run(fixture, connection, "DELETE FROM messages WHERE id = ?", 7);
        moveByExpression(fixture, connection);

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.size() == 6);
        List<CapturedRow> rows = List.copyOf(fixture.routed);
        assertThat(rows.get(1).data()).containsOnlyKeys("id", "chat", "content").containsEntry("content", "v1");
        assertThat(rows.get(1).changes()).containsExactly("n", "content");
        assertThat(rows.get(2).data()).containsOnlyKeys("id", "chat", "content").containsEntry("content", "v1");
        // the row moved to a chat the statement does not show: its old one is not its room, now or later
        assertThat(rows.get(4).data()).containsOnlyKeys("id");
        assertThat(rows.get(5).data()).containsOnlyKeys("id", "content");
    }

    /** The same where the collection keeps only its rooms' columns (it publishes no deletes). */
    @Test
    void aRoomColumnSetByAnExpressionIsLetGoOfWhereOnlyRoomColumnsAreKept() {
        try (CaptureFixture updatesOnly = new CaptureFixture("messages", "[create, update]")) {
            moveByExpression(updatesOnly, CaptureFixture.fake(Connection.class, null, new boolean[] {true}));
            await().atMost(Duration.ofSeconds(10)).until(() -> updatesOnly.routed.size() == 3);
            List<CapturedRow> rows = List.copyOf(updatesOnly.routed);
            assertThat(rows.get(1).data()).containsOnlyKeys("id");
            assertThat(rows.get(2).data()).containsOnlyKeys("id", "content");
        }
    }

    /** Inserts row 8 in chat a, moves it with SET chat = LOWER(?), then updates its content by id. */
    private static void moveByExpression(CaptureFixture fixture, Connection connection) {
        run(fixture, connection, "INSERT INTO messages (id, chat, content, n) VALUES (?, ?, ?, ?)", 8, "a", "hi", 0);
        run(fixture, connection, "UPDATE messages SET chat = LOWER(?) WHERE id = ?", "B", 8);
        run(fixture, connection, "UPDATE messages SET content = ? WHERE id = ?", "later", 8);
    }

    /** Prepares {@code sql} on an autocommitted connection, binds {@code params} and runs it: one row written. */
    private static void run(CaptureFixture fixture, Connection connection, String sql, Object... params) {
        PreparedStatement statement = CaptureFixture.fake(PreparedStatement.class, connection, new boolean[] {true});
        fixture.capture.statementPrepared(connection, statement, sql);
        for (int i = 0; i < params.length; i++) {
            fixture.capture.parameterSet(statement, i + 1, params[i]);
        }
        fixture.capture.executed(statement, null, false, 1, null, Bridge.executeEnter());
    }

    @Test
    void bytesAreCopiedUpToAMillionAndLargerOnesAreLeftOutRatherThanKeptOnTheAppsHeap() {
        boolean[] autoCommit = {true};
        Connection connection = CaptureFixture.fake(Connection.class, null, autoCommit);
        PreparedStatement insert = CaptureFixture.fake(PreparedStatement.class, connection, autoCommit);
        fixture.capture.statementPrepared(connection, insert, "INSERT INTO messages (id, chat, photo, scan) VALUES (?, ?, ?, ?)");
        byte[] photo = new byte[JdbcCapture.MAX_BYTES];
        photo[0] = 1;
        fixture.capture.parameterSet(insert, 1, 7);
        fixture.capture.parameterSet(insert, 2, 3);
        fixture.capture.parameterSet(insert, 3, photo);
        fixture.capture.parameterSet(insert, 4, new byte[JdbcCapture.MAX_BYTES + 1]);
        photo[0] = 2; // the app reuses its buffer: the row keeps what was bound
        fixture.capture.executed(insert, null, false, 1, null, Bridge.executeEnter());

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.size() == 1);
        Map<String, Object> data = fixture.routed.peek().data();
        assertThat(data).containsOnlyKeys("id", "chat", "photo");
        assertThat(((byte[]) data.get("photo"))[0]).isEqualTo((byte) 1);
    }

    @Test
    void anArrayIsAListOfItsValuesWhenTheAgentSawItMadeOrWasGivenItWhole() {
        boolean[] autoCommit = {true};
        Connection connection = CaptureFixture.fake(Connection.class, null, autoCommit);
        PreparedStatement insert = CaptureFixture.fake(PreparedStatement.class, connection, autoCommit);
        java.sql.Array made = CaptureFixture.fake(java.sql.Array.class, null, autoCommit);
        java.sql.Array unseen = CaptureFixture.fake(java.sql.Array.class, null, autoCommit);
        fixture.capture.arrayCreated(made, new String[] {"red", null});
        fixture.capture.arrayCreated(made, new String[] {"red", null}); // a pool's createArrayOf, returning its driver's
        fixture.capture.statementPrepared(connection, insert, "INSERT INTO messages (id, chat, tags, grid, seen, mixed) VALUES (?, ?, ?, ?, ?, ?)");
        fixture.capture.parameterSet(insert, 1, 7);
        fixture.capture.parameterSet(insert, 2, new int[] {3, 4});
        fixture.capture.parameterSet(insert, 3, made);
        fixture.capture.parameterSet(insert, 4, new long[][] {{1, 2}, {3}});
        fixture.capture.parameterSet(insert, 5, unseen);
        fixture.capture.parameterSet(insert, 6, new Object[] {1, new StringReader("not read")});
        fixture.capture.executed(insert, null, false, 1, null, Bridge.executeEnter());

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.size() == 1);
        assertThat(fixture.routed.peek().data()).containsOnlyKeys("id", "chat", "tags", "grid")
                .containsEntry("chat", List.of(3, 4))
                .containsEntry("tags", Arrays.asList("red", null))
                .containsEntry("grid", List.of(List.of(1L, 2L), List.of(3L)));
    }

    @Test
    void anArrayIsCopiedUpToTenThousandValuesNestedOnesCountedByTheirValues() {
        assertThat(ArrayParams.copy(new int[100][100])).asList().hasSize(100).allSatisfy(row -> assertThat(row).asList().hasSize(100));
        assertThat(ArrayParams.copy(new int[ArrayParams.MAX_VALUES + 1])).isEqualTo(ArrayParams.TOO_LARGE);
        assertThat(ArrayParams.copy(new int[101][100])).isEqualTo(ArrayParams.TOO_LARGE);
        assertThat(ArrayParams.copy(new String[] {"x".repeat(ArrayParams.MAX_CHARS), "y"})).isEqualTo(ArrayParams.TOO_LARGE);
        assertThat(ArrayParams.copy(new Object[] {1, new StringReader("")}))
                .isEqualTo(new JdbcRows.Unreadable("an array holding java.io.StringReader"));
    }

    /** PostgreSQL's PGobject, the way plain JDBC binds json, jsonb and enums: its text, and a JSON document as its structure. */
    @Test
    void aPostgresObjectIsItsTextAndJsonIsADocument() throws Exception {
        PreparedStatement insert = CaptureFixture.autoCommitted(PreparedStatement.class);
        fixture.capture.statementPrepared(insert.getConnection(), insert,
                "INSERT INTO messages (id, chat, meta, mood, broken, missing) VALUES (?, ?, ?, ?, ?, ?)");
        fixture.capture.parameterSet(insert, 1, 7);
        fixture.capture.parameterSet(insert, 2, 3);
        fixture.capture.parameterSet(insert, 3, pgObject("jsonb", "{\"tags\": [\"a\", \"b\"], \"n\": 2}"));
        fixture.capture.parameterSet(insert, 4, pgObject("mood", "happy"));
        fixture.capture.parameterSet(insert, 5, pgObject("json", "{not json"));
        fixture.capture.parameterSet(insert, 6, pgObject("jsonb", null));
        fixture.capture.executed(insert, null, false, 1, null, Bridge.executeEnter());

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.routed.size() == 1);
        assertThat(fixture.routed.peek().data())
                .containsEntry("meta", Map.of("tags", List.of("a", "b"), "n", 2))
                .containsEntry("mood", "happy")
                .containsEntry("broken", "{not json")
                .containsEntry("missing", null);
    }

    @Test
    void aJsonDocumentKeepsItsDecimalsAndIsTextWhenTooDeepOrInsideAnArray() throws Exception {
        String deep = "[".repeat(40) + "]".repeat(40);
        assertThat(new DriverValues.JsonDocument("{\"price\": 1.10}").parsed()).isEqualTo(Map.of("price", new java.math.BigDecimal("1.10")));
        assertThat(new DriverValues.JsonDocument(deep).parsed()).isEqualTo(deep);
        assertThat(ArrayParams.copy(new Object[] {pgObject("jsonb", "{\"a\": 1}")})).isEqualTo(List.of("{\"a\": 1}"));
    }

    private static PGobject pgObject(String type, String value) throws Exception {
        PGobject object = new PGobject();
        object.setType(type);
        object.setValue(value);
        return object;
    }
}
