package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Inserts whose key the database generates (src/it/apps/keys): the event carries the key the app
 * read back through getGeneratedKeys() or RETURNING, batch keys land on their rows in order,
 * rolled-back rows emit nothing, and a row whose key the app never read has no id, so a room
 * built from {id} does not resolve and the agent counts it as dropped.
 */
class GeneratedKeysIT {

    private static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            collections:
              messages: { table: messages, events: [create], room: "message:{id}" }
            """;
    private static final Pattern KEY = Pattern.compile("^key (.+)=(\\d+)$", Pattern.MULTILINE);
    private static final List<String> KEYED = List.of("keys under autocommit", "keys by column name", "statement keys",
            "batch 0", "batch 1", "batch 2", "multi a", "multi b");
    /** Keys read with a query of the last generated one (SELECT lastval(), LAST_INSERT_ID(), CALL IDENTITY()), on every database. */
    private static final List<String> IDENTITY = List.of("identity query", "identity by execute", "statement identity query");
    /**
     * The first two: a query of the last generated key after an insert into another table, and after
     * an insert rolled back to a savepoint, whose key it is.
     */
    private static final List<String> UNKEYED = List.of("identity after another insert", "identity after a rollback to a savepoint",
            "statement without keys", "no keys asked", "keys never read");

    @Test
    void generatedKeysOnH2ReachTheEvents() throws Exception {
        String classpath = TestApps.compile("keys", System.getProperty("rowcast.h2Jar"), "h2", UnaryOperator.identity());
        check(run(classpath), onH2());
    }

    /** On H2 also inserts read back through a data change delta table: SELECT id FROM FINAL TABLE (INSERT ...). */
    private static List<String> onH2() {
        List<String> keyed = new ArrayList<>(KEYED);
        keyed.addAll(List.of("final table", "statement final table"));
        return keyed;
    }

    @Test
    void generatedKeysThroughAHikariPoolReachTheEvents() throws Exception {
        String libraries = System.getProperty("rowcast.hikariJars") + File.pathSeparator + System.getProperty("rowcast.h2Jar");
        String classpath = TestApps.compile("keys", libraries, "hikari", UnaryOperator.identity());
        check(run(classpath, "jdbc:h2:mem:keys;DB_CLOSE_DELAY=-1", "sa", "hikari"), onH2());
    }

    @Test
    void generatedKeysAndReturningOnPostgresReachTheEvents() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String classpath = TestApps.compile("keys", System.getProperty("rowcast.postgresJar"), "postgres",
                    UnaryOperator.identity());
            List<String> keyed = new ArrayList<>(KEYED);
            keyed.addAll(List.of("returning", "statement returning"));
            check(run(classpath, "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "postgres"), keyed);
        }
    }

    /**
     * AUTO_INCREMENT keys through MySQL's driver, its batches run row by row and rewritten, and
     * through MariaDB's. Both name the key column of their own (GENERATED_KEY, insert_id): the
     * events carry it as id.
     */
    @ParameterizedTest(name = "{0}{1}")
    @CsvSource({"mysql,?rewriteBatchedStatements=false", "mysql,?rewriteBatchedStatements=true", "mariadb,''"})
    void generatedKeysOnMariaDbReachTheEvents(String driver, String options) throws Exception {
        try (EmbeddedMariaDb mariaDb = EmbeddedMariaDb.start()) {
            String classpath = TestApps.compile("keys", System.getProperty("rowcast." + driver + "Jar"), driver,
                    UnaryOperator.identity());
            List<String> keyed = new ArrayList<>(KEYED);
            if (driver.equals("mariadb")) {
                // its driver returns one key for a statement of several rows: the app leaves that case out
                keyed.removeAll(List.of("multi a", "multi b"));
            }
            check(run(classpath, mariaDb.newDatabase("generated_keys", driver, options), "root"), keyed);
        }
    }

    private record Run(ChildJvm.Result result, List<CaptureLog.Line> lines) {}

    private static Run run(String classpath, String... args) throws Exception {
        Path dir = TestApps.workDir("generated-keys");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), CONFIG);
        Path captureLog = dir.resolve("capture.jsonl");
        ChildJvm.Result result = ChildJvm.run(ChildJvm.javaHome(), "config=" + config,
                List.of("-Drowcast.debug.captureLog=" + captureLog), classpath, "app.GeneratedKeysApp", args);
        return new Run(result, CaptureLog.read(captureLog));
    }

    private static void check(Run run, List<String> keyedBefore) {
        List<String> keyed = new ArrayList<>(keyedBefore);
        keyed.addAll(IDENTITY);
        String output = run.result().output();
        assertThat(run.result().exitCode()).as(output).isZero();
        assertThat(output).contains("done");
        Map<String, Integer> keys = new LinkedHashMap<>();
        Matcher m = KEY.matcher(output);
        while (m.find()) {
            keys.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        assertThat(keys).as(output).containsKeys(keyed.toArray(String[]::new));

        List<String> expected = new ArrayList<>(keyed);
        expected.addAll(UNKEYED);
        // committed order; rolled-back rows (whose keys the app read too) are absent
        assertThat(run.lines()).extracting(l -> l.payload().get("data").path("content").asText())
                .as(output).containsExactlyElementsOf(expected);

        for (CaptureLog.Line line : run.lines()) {
            JsonNode payload = line.payload();
            String content = payload.get("data").path("content").asText();
            if (keyed.contains(content)) {
                int key = keys.get(content);
                assertThat(payload.get("id").asInt()).as(line.raw()).isEqualTo(key);
                assertThat(payload.get("data").path("id").asInt()).as(content).isEqualTo(key);
                assertThat(line.rooms()).as(content).containsExactly("message:" + key);
            } else {
                assertThat(payload.get("id").isNull()).as(content).isTrue();
                assertThat(payload.get("data").has("id")).as(content).isFalse();
                assertThat(line.rooms()).as(content).isEmpty();
                assertThat(line.node().get("broadcast").asBoolean()).isFalse();
            }
        }
        CaptureLog.Line batch1 = run.lines().stream()
                .filter(l -> l.payload().get("data").path("content").asText().equals("batch 1")).findFirst().orElseThrow();
        assertThat(batch1.payload().get("data").toString())
                .isEqualTo("{\"id\":" + keys.get("batch 1") + ",\"chat\":4,\"author\":\"ann\",\"content\":\"batch 1\"}");
        // the rows without a key are dropped visibly, by the counter, and the app ran on
        assertThat(output).contains("captured=" + expected.size() + " emitted=" + keyed.size() + " dropped=" + UNKEYED.size());
        // and said once, with why and what would send them
        assertThat(output.split("resolved none of its rooms", -1)).as(output).hasSize(2);
        assertThat(output).contains("a row of collection messages (jdbc, create) resolved none of its rooms (message:{id}): it has no value"
                + " for id; with broadcast: false it was dropped and counted in EventsDropped, as any later such row of it is. A JDBC insert has an id only once the app"
                + " reads its generated keys. Only if every client may see such rows, broadcast: true sends them to all.");
    }
}
