package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Hibernate app of HibernateCaptureIT on a real PostgreSQL, on each supported Hibernate line, and on MariaDB. */
class HibernatePostgresIT {

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void committedEntityWritesAreReportedOnceAndRollbacksNot(String version) throws Exception {
        check(version, "postgres", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "postgres");
    }

    /** The same app on MariaDB through MySQL's driver, whose batches and keys differ (see RandomJdbcTransactionsIT). */
    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"6.6", "7.4"})
    void onMariaDbTheSameEventsArrive(String version) throws Exception {
        try (EmbeddedMariaDb mariaDb = EmbeddedMariaDb.start()) {
            check(version, "mysql", mariaDb.newDatabase("hibernate", "mysql", ""), "root");
        }
    }

    private static void check(String version, String driver, String url, String user) throws Exception {
        UnaryOperator<String> imports = TestApps.persistenceImports(version);
        String libraries = TestApps.libraries("hibernate-" + version) + File.pathSeparator + System.getProperty("rowcast." + driver + "Jar");
        String classpath = TestApps.compile("hibernate", libraries, version + "-" + driver, imports);
        Path dir = TestApps.workDir("hibernate-postgres");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), """
                server: { host: 127.0.0.1, port: 0 }
                collections:
                  items:
                    entity: Item
                    events: [create, update, delete]
                    room: "owner:{owner}"
                  itemrows:
                    table: item
                    room: "owner:{owner_id}"
                  owners: { table: owner, broadcast: true }
                  tags: { table: line_tags, broadcast: true }
                  notes: { table: note, events: [create, delete], broadcast: true }
                """);
        Path captureLog = dir.resolve("capture.jsonl");
        ChildJvm.Result result = ChildJvm.run(ChildJvm.javaHome(), "config=" + config,
                List.of("-Drowcast.debug.captureLog=" + captureLog), classpath, "app.HibernateApp", url, user);
        assertThat(result.exitCode()).as(result.output()).isZero();
        List<String> events = CaptureLog.read(captureLog).stream()
                .map(l -> l.event() + ":" + l.operation() + ":" + label(l.payload().get("data")) + ":" + l.rooms())
                .toList();
        // within a transaction, the rows of Hibernate's flush that reach table: collections come at
        // the connection's commit, those Hibernate reports after it
        assertThat(events).containsExactly(
                "realtime:owners:create:alice:[]", "realtime:notes:create:not configured:[]",
                "realtime:items:create:a:[owner:1]", "realtime:items:create:b:[owner:1]", "realtime:items:update:a:[owner:1]",
                "realtime:items:delete:b:[owner:1]", "realtime:items:create:d:[owner:1]", "realtime:itemrows:create:jdbc row:[owner:1]",
                "realtime:tags:create:gift:[]",
                // the bulk writes (HQL, native) reach the table: collection only, with no room column to route by
                "realtime:itemrows:update:bulk:[]", "realtime:itemrows:update:native:[]",
                "realtime:notes:create:deleted unloaded:[]", "realtime:notes:delete:deleted unloaded:[]");
        // the owner's key, which the database generated and Hibernate read
        assertThat(CaptureLog.read(captureLog).get(0).payload().get("data").get("id").asInt()).isEqualTo(1);
    }

    /** What names a row in the list above: an owner's or item's name, a note's text, a tag. */
    private static String label(JsonNode data) {
        return data.has("name") ? data.get("name").asText() : data.has("text") ? data.get("text").asText() : data.path("tags").asText();
    }
}
