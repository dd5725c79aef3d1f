package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An unmodified Spring Boot + Spring Data JPA app (src/it/apps/spring-boot: HikariCP, H2), built
 * into an executable fat jar by spring-boot-maven-plugin and run with {@code java -javaagent -jar}.
 * Two official socket.io-clients, one per board room, receive what the app commits.
 */
class SpringBootJpaIT {

    // The entity's table is also named as a JDBC table: Hibernate's SQL through the pool must not
    // come out a second time as "taskrows", while the app's own JdbcTemplate insert must.
    private static final String CONFIG = """
            server: { host: 127.0.0.1, port: %d }
            collections:
              tasks: { entity: Task, events: [create, update, delete], room: "board:{board}" }
              taskrows: { table: tasks, events: [create, update, delete], room: "board:{board}" }
            """;

    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final Map<String, Run> RUNS = new ConcurrentHashMap<>();
    /** Each version's fat jar: all are built one after the other from the first run on, the next while a run goes on. */
    private static final Map<String, Future<Path>> JARS = new ConcurrentHashMap<>();

    /** Spring Boot version -> the Hibernate it brings. */
    private static final Map<String, String> HIBERNATE = Map.of("3.5.7", "6.6.", "4.0.7", "7.2.");

    static Stream<String> versions() {
        return HIBERNATE.keySet().stream().sorted();
    }

    private static Path jar(String version) throws Exception {
        synchronized (JARS) {
            if (JARS.isEmpty()) {
                ExecutorService builder = Executors.newSingleThreadExecutor(task -> {
                    Thread thread = new Thread(task, "spring-boot-fat-jars");
                    thread.setDaemon(true);
                    return thread;
                });
                versions().forEach(v -> JARS.put(v, builder.submit(() -> NestedMaven.build("spring-boot-app.xml", "spring-boot",
                        List.of("spring-boot.version=" + v), "app.jar", "package"))));
                builder.shutdown();
            }
        }
        try {
            return JARS.get(version).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    record Run(int exitCode, String appOutput, List<JsonNode> board1, List<JsonNode> board2) {}

    /** Runs one session with the fat jar of {@code version} (cached in target/it-builds). */
    static synchronized Run run(String version) throws Exception {
        Run run = RUNS.get(version);
        if (run != null) {
            return run;
        }
        Path jar = jar(version);
        int port = LiveProcess.freePort();
        Path dir = TestApps.workDir("spring-boot-jpa");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), CONFIG.formatted(port));
        try (LiveProcess app = LiveProcess.javaWithAgent("spring-boot-" + version, dir, config, List.of("-jar", jar.toString()));
             LiveProcess board1 = clientOnceReady(app, port, "board:1");
             LiveProcess board2 = LiveProcess.socketIoClient("board-2", port, "board:2")) {
            board2.awaitLine(STEP, "{\"ready\":true}"::equals);

            // board 2's row is committed first: had it leaked to board 1 it would arrive there first
            app.send("add 2 other");
            app.send("add 1 first");
            board1.awaitLine(STEP, l -> l.contains("\"title\":\"first\""));
            // a rolled-back row would arrive before the update that follows it
            long first = board1.events().get(0).get("args").get(0).get("id").asLong();
            app.send("fail 1 doomed");
            app.send("rename " + first + " renamed");
            board1.awaitLine(STEP, l -> l.contains("\"operation\":\"update\""));
            app.send("jdbc 1 by jdbc");
            board1.awaitLine(STEP, l -> l.contains("\"title\":\"by jdbc\""));
            // events leave in commit order: once these arrive, nothing committed before them is still on its way
            app.send("add 1 last");
            app.send("add 2 last");
            board1.awaitLine(STEP, l -> l.contains("\"title\":\"last\""));
            board2.awaitLine(STEP, l -> l.contains("\"title\":\"last\""));
            app.send("exit");
            int exitCode = app.waitForExit(STEP);
            run = new Run(exitCode, app.output(), board1.events(), board2.events());
        }
        RUNS.put(version, run);
        return run;
    }

    private static LiveProcess clientOnceReady(LiveProcess app, int port, String room) throws Exception {
        app.awaitLine(START, "ready"::equals);
        LiveProcess client = LiveProcess.socketIoClient(room, port, room);
        client.awaitLine(STEP, "{\"ready\":true}"::equals);
        return client;
    }

    private static List<String> summary(List<JsonNode> events) {
        return events.stream().map(e -> e.get("event").asText() + " " + e.get("args").get(0).get("operation").asText()
                + " " + e.get("args").get(0).get("data").get("title").asText()).toList();
    }

    @ParameterizedTest(name = "Spring Boot {0}")
    @MethodSource("versions")
    void appRunsUnchangedOnItsHikariPoolWithTheAgent(String version) throws Exception {
        Run run = run(version);
        assertThat(run.exitCode()).as(run.appOutput()).isZero();
        assertThat(run.appOutput())
                .contains("Hibernate ORM core version " + HIBERNATE.get(version))
                .contains("datasource com.zaxxer.hikari.HikariDataSource")
                .contains("[rowcast] Hibernate post-commit listeners added", "(generated listener org.hibernate.event.spi.RowcastPostCommitListener)")
                .contains("added 1", "added 2", "rolled back doomed", "renamed ", "inserted by jdbc");
    }

    @ParameterizedTest(name = "Spring Boot {0}")
    @MethodSource("versions")
    void agentLogsNoFaultForClassesOfAbsentOptionalParts(String version) throws Exception {
        assertThat(run(version).appOutput()).doesNotContain("cannot instrument");
    }

    @ParameterizedTest(name = "Spring Boot {0}")
    @MethodSource("versions")
    void committedSaveReachesOnlyItsRoomExactlyOnce(String version) throws Exception {
        Run run = run(version);
        assertThat(summary(run.board1())).as(run.appOutput()).containsExactly(
                "realtime:tasks create first", "realtime:tasks update renamed", "realtime:taskrows create by jdbc",
                "realtime:tasks create last");
        assertThat(summary(run.board2())).containsExactly("realtime:tasks create other", "realtime:tasks create last");
        assertThat(run.board1().get(0).toString()).startsWith("{\"event\":\"realtime:tasks\",\"args\":[{\"operation\":\"create\","
                + "\"collection\":\"tasks\",\"data\":{");
        JsonNode created = run.board1().get(0).get("args").get(0);
        assertThat(created.get("id").asLong()).isEqualTo(created.get("data").get("id").asLong()).isPositive();
        assertThat(created.get("data").get("board").asLong()).isEqualTo(1);
        assertThat(created.has("changes")).isFalse();
    }

    @ParameterizedTest(name = "Spring Boot {0}")
    @MethodSource("versions")
    void rolledBackTransactionalMethodEmitsNothing(String version) throws Exception {
        Run run = run(version);
        assertThat(run.appOutput()).contains("rolled back doomed");
        assertThat(run.board1()).noneMatch(e -> e.toString().contains("doomed"));
        assertThat(run.board2()).noneMatch(e -> e.toString().contains("doomed"));
    }

    @ParameterizedTest(name = "Spring Boot {0}")
    @MethodSource("versions")
    void dirtyCheckedUpdateCarriesItsChanges(String version) throws Exception {
        Run run = run(version);
        JsonNode update = run.board1().get(1).get("args").get(0);
        assertThat(update.get("operation").asText()).isEqualTo("update");
        assertThat(update.get("changes").toString()).isEqualTo("[\"title\"]");
        assertThat(update.get("data").get("title").asText()).isEqualTo("renamed");
        assertThat(update.get("id").asLong()).isEqualTo(run.board1().get(0).get("args").get(0).get("id").asLong());
    }

    @ParameterizedTest(name = "Spring Boot {0}")
    @MethodSource("versions")
    void pooledHibernateSqlIsNotReportedAgainByTheJdbcLayer(String version) throws Exception {
        Run run = run(version);
        List<JsonNode> jdbc = run.board1().stream().filter(e -> e.get("event").asText().equals("realtime:taskrows")).toList();
        assertThat(jdbc).hasSize(1);
        assertThat(jdbc.get(0).get("args").get(0).get("data").get("title").asText()).isEqualTo("by jdbc");
        assertThat(run.board2()).noneMatch(e -> e.get("event").asText().equals("realtime:taskrows"));
    }
}
