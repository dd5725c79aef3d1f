package dev.rowcast.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.testing.FailOnNettyLeak;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FailOnNettyLeak.class)
class HandshakeTest {
    static TestEngine engine;

    @BeforeAll
    static void start() {
        engine = new TestEngine(TestEngine.quietHeartbeat().allowRequest(h -> !"blocked".equals(h.queryParam("user"))));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void pollingHandshakeAnswersTheOpenPacketWithAllFiveKeysInOrder() {
        HttpResponse<String> response = engine.get("EIO=4&transport=polling");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; charset=UTF-8");
        JsonNode open = TestEngine.openPacket(response.body());
        List<String> keys = new ArrayList<>();
        open.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
        assertThat(open.get("upgrades").toString()).isEqualTo("[\"websocket\"]");
        assertThat(open.get("pingInterval").asLong()).isEqualTo(30_000);
        assertThat(open.get("pingTimeout").asLong()).isEqualTo(20_000);
        assertThat(open.get("maxPayload").asLong()).isEqualTo(1_000_000);
    }

    @Test
    void sessionIdsAreUrlSafeAndDistinct() {
        String a = engine.openPolling();
        String b = engine.openPolling();

        assertThat(a).matches("[A-Za-z0-9_-]{20}");
        assertThat(b).isNotEqualTo(a);
    }

    @Test
    void pathIsAcceptedWithAndWithoutTrailingSlashAndOtherPathsAre404() {
        HttpResponse<String> noSlash = engine.send(HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + engine.port + "/engine.io?EIO=4&transport=polling")).GET());
        HttpResponse<String> other = engine.send(HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + engine.port + "/other/?EIO=4&transport=polling")).GET());

        assertThat(noSlash.statusCode()).isEqualTo(200);
        assertThat(noSlash.body()).startsWith("0{\"sid\":");
        assertThat(other.statusCode()).isEqualTo(404);
    }

    @Test
    void webSocketHandshakeSendsTheOpenPacketWithNoUpgradesFirst() {
        try (WsTestClient ws = WsTestClient.connect(engine.wsUri("EIO=4&transport=websocket"))) {
            JsonNode open = TestEngine.openPacket(ws.nextText());

            assertThat(open.get("upgrades").toString()).isEqualTo("[]");
            assertThat(open.get("maxPayload").asLong()).isEqualTo(1_000_000);
            assertThat(engine.listener.socket(open.get("sid").asText()).transport()).isEqualTo("websocket");
        }
    }

    @Test
    void everyRequestErrorHasTheReferenceStatusCodeAndMessage() {
        assertError(engine.get("EIO=4"), 400, 0, "Transport unknown");
        assertError(engine.get("EIO=4&transport=abc"), 400, 0, "Transport unknown");
        assertError(engine.get("EIO=4&transport=polling&sid=nope"), 400, 1, "Session ID unknown");
        assertError(engine.post("EIO=4&transport=polling", "4hi"), 400, 2, "Bad handshake method");
        assertError(engine.send(HttpRequest.newBuilder(engine.uri("EIO=4&transport=polling"))
                .PUT(HttpRequest.BodyPublishers.ofString("x"))), 400, 2, "Bad handshake method");
        assertError(engine.get("EIO=4&transport=websocket"), 400, 3, "Bad request");
        assertError(engine.get("EIO=4&transport=polling&user=blocked"), 403, 4, "Forbidden");
        assertError(engine.get("transport=polling"), 400, 5, "Unsupported protocol version");
        assertError(engine.get("EIO=3&transport=polling"), 400, 5, "Unsupported protocol version");
        assertError(engine.get("EIO=abc&transport=polling"), 400, 5, "Unsupported protocol version");
    }

    @Test
    void aPollWithTheWrongTransportForItsSessionIsABadRequest() {
        String sid = engine.openPolling();

        assertError(engine.get("EIO=4&transport=websocket&sid=" + sid), 400, 3, "Bad request");
    }

    @Test
    void refusedWebSocketUpgradesGetARawBadRequest() throws Exception {
        assertThat(rawUpgrade("/engine.io/?EIO=4&transport=websocket&sid=unknown")).startsWith("HTTP/1.1 400 Bad Request");
        assertThat(rawUpgrade("/engine.io/?EIO=abc&transport=websocket")).startsWith("HTTP/1.1 400 Bad Request");
        assertThat(rawUpgrade("/engine.io/?EIO=4&transport=abc")).startsWith("HTTP/1.1 400 Bad Request");
        assertThat(rawUpgrade("/engine.io/?EIO=4&transport=websocket")).startsWith("HTTP/1.1 101");
    }

    @Test
    void keepAliveConnectionsServeSeveralRequests() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", engine.port)) {
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String request = "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: localhost\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String first = readResponse(in);
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String second = readResponse(in);

            assertThat(first).startsWith("HTTP/1.1 200").contains("0{\"sid\":");
            assertThat(second).startsWith("HTTP/1.1 200").contains("0{\"sid\":");
        }
    }

    private static String rawUpgrade(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", engine.port)) {
            socket.setSoTimeout(3000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            byte[] buffer = new byte[512];
            int n = socket.getInputStream().read(buffer);
            return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.US_ASCII);
        }
    }

    /** Reads one response with a Content-Length body. */
    private static String readResponse(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new AssertionError("connection closed after " + head);
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
        }
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.UTF_8);
    }

    static void assertError(HttpResponse<String> response, int status, int code, String message) {
        assertThat(response.statusCode()).as("status of %s", response.uri()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"code\":" + code + ",\"message\":\"" + message + "\"}");
    }
}
