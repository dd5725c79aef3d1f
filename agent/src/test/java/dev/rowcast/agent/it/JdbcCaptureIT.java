package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The built agent attached to a plain JDBC app on H2 (src/it/apps/jdbc). */
class JdbcCaptureIT {

    private static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            collections:
              messages:
                table: messages
                events: [create, update, delete]
                room: "chat:{chat}"
              tagged: { table: tagged, broadcast: true }
              typed: { table: typed, broadcast: true }
            """;

    private static ChildJvm.Result result;
    private static List<CaptureLog.Line> lines;
    private static long started;
    private static long finished;

    @BeforeAll
    static void runApp() throws Exception {
        String h2 = System.getProperty("rowcast.h2Jar");
        String classpath = TestApps.compile("jdbc", h2, "h2", UnaryOperator.identity());
        Path dir = TestApps.workDir("jdbc-capture");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), CONFIG);
        Path captureLog = dir.resolve("capture.jsonl");
        started = System.currentTimeMillis();
        result = ChildJvm.run(ChildJvm.javaHome(), "config=" + config,
                List.of("-Drowcast.debug.captureLog=" + captureLog), classpath, "app.JdbcApp");
        finished = System.currentTimeMillis();
        lines = CaptureLog.read(captureLog);
    }

    private static List<String> contents() {
        return lines.stream()
                .map(l -> l.payload().get("data").path("content").asText(""))
                .filter(s -> !s.isEmpty())
                .toList();
    }

    @Test
    void appRunsUnchangedWithTheAgent() {
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("done");
    }

    @Test
    void committedRowsAreReportedInCommitOrderAndNothingElse() {
        assertThat(contents()).containsExactly(
                "autocommit literal", "committed one", "committed two", "before savepoint", "after savepoint rollback",
                // the delete of "committed two" by its id carries the row as the agent saw it inserted
                "batch 10", "batch 11", "batch 12", "edited", "committed two", "statement batch", "multi one", "multi two",
                // H2 fails the statement alone: the transaction's other row commits
                "before a failed statement", "before a savepoint-guarded failure",
                "committed by setAutoCommit(true)",
                // BEGIN, SAVEPOINT, ROLLBACK [TO] and COMMIT written in SQL
                "before an SQL savepoint", "committed in SQL", "autocommitted after an SQL COMMIT",
                // a connection that begins with BEGIN; a pool's rollback(); two savepoints of one name; a prepared ROLLBACK
                "committed after a first BEGIN", "autocommitted after a first BEGIN", "autocommitted after a pool's rollback",
                "before a second savepoint of one name", "autocommitted after a prepared ROLLBACK");
    }

    /** The pipeline stamps each commit as it takes it: epoch millis of the app's run, never earlier than the event before. */
    @Test
    void timestampsAreTheRunsMillisInDeliveryOrder() {
        List<Long> stamps = lines.stream().map(l -> l.payload().get("ts").asLong()).toList();
        assertThat(stamps).isNotEmpty().allSatisfy(ts -> assertThat(ts).isBetween(started, finished)).isSorted();
    }

    @Test
    void insertCarriesItsColumnsAndRoom() {
        CaptureLog.Line first = lines.get(1);
        assertThat(first.raw()).contains("\"payload\":{\"operation\":\"create\",\"collection\":\"messages\",\"data\":"
                + "{\"id\":2,\"chat\":7,\"author\":\"ann\",\"content\":\"committed one\"},\"id\":2,\"ts\":");
        assertThat(first.rooms()).containsExactly("chat:7");
    }

    /** The statement does not name the chat: the row the agent saw inserted does, so its room resolves. */
    @Test
    void updateByKeyCarriesTheKeyTheSetColumnsAndItsRoomsColumn() {
        CaptureLog.Line update = lines.stream().filter(l -> l.operation().equals("update")).findFirst().orElseThrow();
        assertThat(update.payload().get("data").toString()).isEqualTo("{\"id\":2,\"content\":\"edited\",\"chat\":7}");
        assertThat(update.payload().get("changes").toString()).isEqualTo("[\"content\"]");
        assertThat(update.rooms()).containsExactly("chat:7");
    }

    @Test
    void deleteByKeyCarriesTheRowAsItWas() {
        CaptureLog.Line delete = lines.stream().filter(l -> l.operation().equals("delete")).findFirst().orElseThrow();
        assertThat(delete.payload().get("id").asInt()).isEqualTo(3);
        assertThat(delete.payload().get("data").toString())
                .isEqualTo("{\"id\":3,\"chat\":8,\"author\":\"ann\",\"content\":\"committed two\"}");
        assertThat(delete.rooms()).containsExactly("chat:8");
    }

    /** An array bound by setArray or setObject is a list; a streamed column is left out, and the log names it once. */
    @Test
    void arrayColumnsAreListsAndAStreamedColumnIsLeftOutWithALogLine() {
        assertThat(arrayRow(lines)).isEqualTo("{\"id\":1,\"tags\":[\"red\",\"green\"],\"scores\":[3,5]}");
        assertThat(result.output()).containsOnlyOnce("collection tagged: column photo is left out of its rows' data: the app"
                + " binds it as java.io.ByteArrayInputStream");
    }

    static String arrayRow(List<CaptureLog.Line> lines) {
        return lines.stream().filter(l -> l.payload().get("collection").asText().equals("tagged"))
                .map(l -> l.payload().get("data").toString()).findFirst().orElseThrow();
    }

    /** The rows of the app's typed step, as each database's capture must publish them. */
    static final List<String> TYPED = List.of(
            "{\"id\":1,\"n\":7,\"small\":3,\"tiny\":4,\"flag\":true,\"d\":1.5,\"r\":2.5,\"label\":\"first\","
                    + "\"amount\":12.3,\"note\":null,\"at\":\"2025-01-02T03:04:05Z\"}",
            "{\"id\":2,\"n\":8,\"small\":null,\"tiny\":5,\"flag\":false,\"d\":null,\"r\":0.5,\"label\":\"second\","
                    + "\"amount\":null,\"note\":\"a note\",\"at\":null}",
            "{\"id\":3,\"n\":9,\"small\":6,\"tiny\":7,\"flag\":true,\"d\":-2.25,\"r\":8.0,\"label\":\"third\","
                    + "\"amount\":0.05,\"note\":null,\"at\":\"2025-01-02T03:04:05Z\"}");

    /**
     * H2's simple setters carry no hook: their values are read from the statement as it executes
     * (see H2Parameters). Each row has what its setters bound, though the statement's places
     * change kind between rows, the third's in a batch after the second's.
     */
    @Test
    void everySimpleSetterValueArrivesAsBound() {
        assertThat(typedRows(lines)).containsExactlyElementsOf(TYPED);
    }

    static List<String> typedRows(List<CaptureLog.Line> lines) {
        return lines.stream().filter(l -> l.payload().get("collection").asText().equals("typed"))
                .map(l -> l.payload().get("data").toString()).toList();
    }

    @Test
    void unconfiguredTableIsNotReported() {
        assertThat(lines).noneMatch(l -> l.raw().contains("unconfigured table"));
    }
}
