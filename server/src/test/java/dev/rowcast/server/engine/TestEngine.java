package dev.rowcast.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A started server with an echo endpoint at /engine.io/ and a raw HTTP client for it. */
final class TestEngine implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    static {
        json("{}"); // Jackson's first parse costs ~200 ms: pay it before any timed exchange
    }

    final EngineServer server;
    final EchoListener listener = new EchoListener();
    final int port;
    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    TestEngine(EngineOptions.Builder options) {
        server = new EngineServer(options.host("127.0.0.1").port(0).build(), Map.of("/engine.io/", listener));
        port = server.start();
    }

    /** The suites' timings: ping every 300 ms, 200 ms to answer. */
    static EngineOptions.Builder fastHeartbeat() {
        return EngineOptions.builder().pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200));
    }

    /** Heartbeats far away, so they never land in a test's payloads. */
    static EngineOptions.Builder quietHeartbeat() {
        return EngineOptions.builder().pingInterval(Duration.ofSeconds(30)).pingTimeout(Duration.ofSeconds(20));
    }

    URI uri(String query) {
        return URI.create("http://127.0.0.1:" + port + "/engine.io/?" + query);
    }

    URI wsUri(String query) {
        return URI.create("ws://127.0.0.1:" + port + "/engine.io/?" + query);
    }

    HttpResponse<String> get(String query) {
        return send(HttpRequest.newBuilder(uri(query)).GET());
    }

    CompletableFuture<HttpResponse<String>> getAsync(String query) {
        return http.sendAsync(HttpRequest.newBuilder(uri(query)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String query, String body) {
        return send(HttpRequest.newBuilder(uri(query))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("request failed: " + e, e);
        }
    }

    /** Opens a polling session and returns its sid. */
    String openPolling() {
        HttpResponse<String> response = get("EIO=4&transport=polling");
        assertThat(response.statusCode()).isEqualTo(200);
        return openPacket(response.body()).get("sid").asText();
    }

    String poll(String sid) {
        HttpResponse<String> response = get("EIO=4&transport=polling&sid=" + sid);
        assertThat(response.statusCode()).as("poll status, body %s", response.body()).isEqualTo(200);
        return response.body();
    }

    void push(String sid, String payload) {
        HttpResponse<String> response = post("EIO=4&transport=polling&sid=" + sid, payload);
        assertThat(response.statusCode()).as("push status, body %s", response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
    }

    static JsonNode openPacket(String body) {
        assertThat(body).startsWith("0");
        try {
            return JSON.readTree(body.substring(1));
        } catch (Exception e) {
            throw new AssertionError("open packet is not JSON: " + body, e);
        }
    }

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
