package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transaction control written in SQL where H2, PostgreSQL and MariaDB (through MySQL's driver and its
 * own) end it differently (src/it/apps/jdbc's TransactionSqlApp): whatever each database kept, the
 * events are exactly its rows, in commit order.
 * And PostgreSQL's XA driver (src/it/apps/xa), which runs its transaction SQL on the connection itself.
 */
class TransactionSqlIT {

    private static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            collections:
              messages: { table: messages, room: "chat:{chat}" }
            """;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "pg", "mysql", "mariadb"})
    void theEventsAreExactlyTheRowsTheDatabaseKept(String database) throws Exception {
        Path captureLog = TestApps.workDir("transaction-sql-" + database).resolve("capture.jsonl");
        ChildJvm.Result result = run(database, "jdbc", "app.TransactionSqlApp", captureLog);
        String held = result.output().lines().filter(l -> l.startsWith("held: ")).findFirst().orElseThrow();
        List<String> rows = new ArrayList<>(Arrays.asList(held.substring("held: ".length()).split(" \\| ")));
        List<String> published = CaptureLog.read(captureLog).stream().map(l -> l.payload().get("data").get("content").asText()).toList();

        assertThat(published).as(result.output()).isEqualTo(rows);
        // the two databases ended these steps differently, so the test saw both ways
        if (database.equals("mysql") || database.equals("mariadb")) {
            // MariaDB, through MySQL's driver or its own
            assertThat(rows).contains("after START TRANSACTION, committed", "committed by SET autocommit=1", "before a refused RELEASE")
                    .doesNotContain("after START TRANSACTION, rolled back", "after SET autocommit=0, rolled back",
                            "batched in a SQL transaction, rolled back");
        } else if (database.equals("pg")) {
            assertThat(rows).doesNotContain("before a refused RELEASE", "after that commit(), then rollback()", "after a JDBC savepoint",
                    "prepared, then rolled back");
            assertThat(rows).contains("prepared, then committed", "after SET AUTOCOMMIT FALSE, rolled back");
        } else {
            assertThat(rows).contains("before a refused RELEASE", "after that commit(), then rollback()", "after a JDBC savepoint");
            assertThat(rows).doesNotContain("after SET AUTOCOMMIT FALSE, rolled back");
            assertThat(rows).contains("after SET AUTOCOMMIT FALSE, committed", "committed by SET AUTOCOMMIT TRUE");
        }
    }

    /**
     * PostgreSQL's and H2's XA drivers, as a JTA transaction manager drives them: the committed
     * branches, and nothing of the others. H2's hands the app a connection of its own that shares
     * the session of the one its resource prepares and commits on.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "pg"})
    void xaBranchesArePublishedWhenCommittedInOneOrTwoPhases(String database) throws Exception {
        Path captureLog = TestApps.workDir("transaction-sql-xa-" + database).resolve("capture.jsonl");
        ChildJvm.Result result = run(database, "xa", "app.XaApp", captureLog);
        assertThat(result.output()).contains("held: committed in one phase | committed in two phases");
        assertThat(CaptureLog.read(captureLog)).extracting(l -> l.payload().get("data").get("content").asText())
                .containsExactly("committed in one phase", "committed in two phases");
    }

    /**
     * Runs the app's {@code main} with the agent, its capture written to {@code captureLog}: on H2
     * in memory, or on a PostgreSQL that allows prepared transactions. Fails unless it exits 0.
     */
    private static ChildJvm.Result run(String database, String app, String main, Path captureLog) throws Exception {
        String libraries = System.getProperty("rowcast.h2Jar") + File.pathSeparator + System.getProperty("rowcast.postgresJar")
                + File.pathSeparator + System.getProperty("rowcast.mysqlJar") + File.pathSeparator + System.getProperty("rowcast.mariadbJar");
        String classpath = TestApps.compile(app, libraries, "all-drivers", UnaryOperator.identity());
        Path config = Files.writeString(captureLog.resolveSibling("rowcast.yml"), CONFIG);
        List<String> jvmOptions = List.of("-Drowcast.debug.captureLog=" + captureLog);
        ChildJvm.Result result;
        if (database.equals("mysql") || database.equals("mariadb")) {
            try (EmbeddedMariaDb mariaDb = EmbeddedMariaDb.start()) {
                result = ChildJvm.run(ChildJvm.javaHome(), "config=" + config, jvmOptions, classpath, main,
                        mariaDb.newDatabase("transaction_sql", database, ""), "root");
            }
        } else if (database.equals("pg")) {
            try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("max_prepared_transactions", "4").start()) {
                result = ChildJvm.run(ChildJvm.javaHome(), "config=" + config, jvmOptions, classpath, main,
                        "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "postgres");
            }
        } else {
            result = ChildJvm.run(ChildJvm.javaHome(), "config=" + config, jvmOptions, classpath, main,
                    "jdbc:h2:mem:" + app + ";DB_CLOSE_DELAY=-1", "sa");
        }
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result;
    }
}
