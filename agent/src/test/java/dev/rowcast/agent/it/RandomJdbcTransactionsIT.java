package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 1,000 random JDBC transactions (src/it/apps/random): autocommit writes and manual transactions mixing
 * single inserts, batches, key updates and savepoints, then commit or rollback. The events the agent
 * emits must equal the rows the app knows it committed, in commit order. A failure names its seed;
 * rerun it with {@code -Drowcast.seed=<seed>}. On H2, PostgreSQL, and MariaDB through MySQL's driver and
 * MariaDB's.
 */
class RandomJdbcTransactionsIT {

    private static final int TRANSACTIONS = 1_000;
    private static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            collections:
              messages: { table: messages, events: [create, update, delete], room: "chat:{chat}" }
            """;

    @Test
    void randomTransactionsOnH2EmitExactlyTheCommittedRowsInCommitOrder() throws Exception {
        String classpath = TestApps.compile("random", System.getProperty("rowcast.h2Jar"), "h2", UnaryOperator.identity());
        runAndCompare(classpath, "jdbc:h2:mem:random;DB_CLOSE_DELAY=-1", "sa");
    }

    @Test
    void randomTransactionsOnPostgresEmitExactlyTheCommittedRowsInCommitOrder() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            String classpath = TestApps.compile("random", System.getProperty("rowcast.postgresJar"), "postgres",
                    UnaryOperator.identity());
            runAndCompare(classpath, "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "postgres");
        }
    }

    /**
     * MySQL's driver runs a batch row by row, or with {@code rewriteBatchedStatements} as one
     * multi-row INSERT through a statement of its own; either way it clears the batch before
     * executeBatch() returns.
     */
    @ParameterizedTest(name = "rewriteBatchedStatements={0}")
    @ValueSource(booleans = {false, true})
    void randomTransactionsOnMariaDbThroughMySqlsDriverEmitExactlyTheCommittedRowsInCommitOrder(boolean rewrite) throws Exception {
        try (EmbeddedMariaDb mariaDb = EmbeddedMariaDb.start()) {
            String classpath = TestApps.compile("random", System.getProperty("rowcast.mysqlJar"), "mysql", UnaryOperator.identity());
            runAndCompare(classpath, mariaDb.newDatabase("random", "mysql", "?rewriteBatchedStatements=" + rewrite), "root");
        }
    }

    @Test
    void randomTransactionsOnMariaDbThroughMariaDbsDriverEmitExactlyTheCommittedRowsInCommitOrder() throws Exception {
        try (EmbeddedMariaDb mariaDb = EmbeddedMariaDb.start()) {
            String classpath = TestApps.compile("random", System.getProperty("rowcast.mariadbJar"), "mariadb", UnaryOperator.identity());
            runAndCompare(classpath, mariaDb.newDatabase("random", "mariadb", ""), "root");
        }
    }

    private static void runAndCompare(String classpath, String url, String user) throws Exception {
        long seed = Long.getLong("rowcast.seed", new SecureRandom().nextLong());
        Path dir = TestApps.workDir("random-jdbc-transactions");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), CONFIG);
        Path captureLog = dir.resolve("capture.jsonl");
        Path truth = dir.resolve("committed.txt");
        ChildJvm.Result result = ChildJvm.run(ChildJvm.javaHome(), "config=" + config,
                List.of("-Drowcast.debug.captureLog=" + captureLog), classpath, "app.RandomJdbcApp",
                url, user, Long.toString(seed), Integer.toString(TRANSACTIONS), truth.toString());
        assertThat(result.exitCode()).as("seed %d: %s", seed, result.output()).isZero();

        List<String> committed = Files.readAllLines(truth, StandardCharsets.UTF_8);
        List<String> emitted = CaptureLog.read(captureLog).stream()
                .map(l -> l.operation() + ":" + l.payload().get("data").path("id").asText()
                        + ":" + l.payload().get("data").path("content").asText())
                .toList();
        System.out.printf("random JDBC run, seed %d: %d committed events (%d updates), %d emitted%n", seed, committed.size(),
                committed.stream().filter(e -> e.startsWith("update:")).count(), emitted.size());
        // a run that committed almost nothing would prove little
        assertThat(committed).as("seed %d", seed).hasSizeGreaterThan(TRANSACTIONS);
        assertThat(emitted).as("seed %d (rerun with -Drowcast.seed=%d), first difference at event %d", seed, seed,
                firstDifference(committed, emitted)).containsExactlyElementsOf(committed);
    }

    private static int firstDifference(List<String> expected, List<String> actual) {
        int i = 0;
        while (i < expected.size() && i < actual.size() && expected.get(i).equals(actual.get(i))) {
            i++;
        }
        return i;
    }
}
