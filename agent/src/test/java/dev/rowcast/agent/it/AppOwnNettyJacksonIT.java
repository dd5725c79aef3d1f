package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * An app that brings its own Netty 4.1 and Jackson 2.17 (src/it/apps/netty) and serves JSON over
 * HTTP with them: with the agent, whose Netty 4.2 and Jackson 2.21 are relocated copies, the app
 * answers as before, sees only its own versions, and Rowcast serves its rows on its own port meanwhile.
 */
class AppOwnNettyJacksonIT {

    // what src/it/classpath-netty-jackson.xml resolves
    private static final String APP_NETTY = "4.1.118.Final";
    private static final String APP_JACKSON = "2.17.2";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEP = Duration.ofSeconds(30);
    private static Run run;

    record Run(String output, int exitCode, int appPort, int rowcastPort, HttpResponse<String> versions,
               HttpResponse<String> created, HttpResponse<String> listed, List<JsonNode> events, List<String> tempFiles) {}

    /** One session: the app with the agent, a socket.io-client in room board:1, and HTTP calls to the app. */
    static synchronized Run run() throws Exception {
        if (run != null) {
            return run;
        }
        String classpath = TestApps.compile("netty", TestApps.libraries("netty-jackson"), "netty-4.1", UnaryOperator.identity());
        int rowcastPort = LiveProcess.freePort();
        Path dir = TestApps.workDir("app-own-netty-jackson");
        Path temp = Files.createDirectory(dir.resolve("tmp"));
        Path config = Files.writeString(dir.resolve("rowcast.yml"), """
                server: { host: 127.0.0.1, port: %d }
                collections:
                  notes: { table: notes, room: "board:{board}" }
                """.formatted(rowcastPort));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(STEP).build();
        try (LiveProcess app = LiveProcess.javaWithAgent("netty-app", dir, config,
                List.of("-Djava.io.tmpdir=" + temp, "-cp", classpath, "app.NettyJacksonApp"))) {
            app.awaitLine(Duration.ofSeconds(60), l -> l.startsWith("listening "));
            app.awaitLine(STEP, l -> l.contains("[rowcast] Socket.IO server listening on 127.0.0.1:" + rowcastPort));
            int appPort = Integer.parseInt(app.lines().stream().filter(l -> l.startsWith("listening "))
                    .findFirst().orElseThrow().substring("listening ".length()));
            String base = "http://127.0.0.1:" + appPort;
            HttpResponse<String> versions = http.send(HttpRequest.newBuilder(URI.create(base + "/versions")).timeout(STEP).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> created;
            HttpResponse<String> listed;
            List<JsonNode> events;
            try (LiveProcess client = LiveProcess.socketIoClient("board-1", rowcastPort, "board:1")) {
                client.awaitLine(STEP, "{\"ready\":true}"::equals);
                created = post(http, base, "{\"board\":1,\"text\":\"hello from netty\"}");
                listed = http.send(HttpRequest.newBuilder(URI.create(base + "/notes")).timeout(STEP).build(),
                        HttpResponse.BodyHandlers.ofString());
                post(http, base, "{\"board\":2,\"text\":\"elsewhere\"}");
                // events leave in commit order: once this one is in, a copy of the first or board 2's note would be too
                post(http, base, "{\"board\":1,\"text\":\"last\"}");
                client.awaitLine(STEP, l -> l.contains("\"text\":\"last\""));
                events = client.events();
            }
            List<String> tempFiles;
            try (var files = Files.list(temp)) {
                tempFiles = files.map(f -> f.getFileName().toString()).toList();
            }
            app.send("exit");
            int exitCode = app.waitForExit(STEP);
            run = new Run(app.output(), exitCode, appPort, rowcastPort, versions, created, listed, events, tempFiles);
        }
        return run;
    }

    private static HttpResponse<String> post(HttpClient http, String base, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/notes")).timeout(STEP)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void appAnswersItsHttpRequestsAsWithoutTheAgent() throws Exception {
        Run run = run();
        assertThat(run.created().statusCode()).as(run.output()).isEqualTo(201);
        assertThat(run.created().body()).isEqualTo("{\"id\":1,\"board\":1,\"text\":\"hello from netty\"}");
        assertThat(run.created().headers().firstValue("content-type")).hasValue("application/json");
        assertThat(run.listed().statusCode()).isEqualTo(200);
        assertThat(run.listed().body()).isEqualTo("[{\"id\":1,\"board\":1,\"text\":\"hello from netty\"}]");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("stopped");
    }

    @Test
    void appSeesItsOwnNettyAndJacksonVersions() throws Exception {
        Run run = run();
        assertThat(run.versions().statusCode()).isEqualTo(200);
        JsonNode seen = JSON.readTree(run.versions().body());
        assertThat(seen.get("netty").size()).as(run.versions().body()).isGreaterThanOrEqualTo(6);
        seen.get("netty").fields().forEachRemaining(artifact ->
                assertThat(artifact.getValue().asText()).as("%s as the app sees it: %s", artifact.getKey(), run.versions().body())
                        .isEqualTo(APP_NETTY));
        assertThat(seen.get("jacksonDatabind").asText()).isEqualTo(APP_JACKSON);
        assertThat(seen.get("jacksonCore").asText()).isEqualTo(APP_JACKSON);
    }

    @Test
    void rowcastServesTheAppsRowOnItsOwnPortMeanwhile() throws Exception {
        Run run = run();
        assertThat(run.rowcastPort()).isNotEqualTo(run.appPort());
        assertThat(run.events()).as(run.output()).extracting(e -> e.get("args").get(0).get("data").get("text").asText())
                .containsExactly("hello from netty", "last");
        assertThat(run.events().get(0).toString()).startsWith("{\"event\":\"realtime:notes\",\"args\":[{\"operation\":\"create\","
                + "\"collection\":\"notes\",\"data\":{\"id\":1,\"board\":1,\"text\":\"hello from netty\"},\"id\":1,\"ts\":");
    }

    /** A killed app leaves nothing behind: the bridge's jar is gone from the temporary directory while the app runs. */
    @Test
    void agentKeepsNoFileInTheTemporaryDirectoryWhileServing() throws Exception {
        Run run = run();
        assertThat(run.events()).as(run.output()).isNotEmpty();
        assertThat(run.tempFiles()).as(run.output()).noneMatch(name -> name.startsWith("rowcast"));
    }

    @Test
    void agentLogsNoFaultForTheAppsOptionalClasses() throws Exception {
        assertThat(run().output()).doesNotContain("cannot instrument");
    }
}
