package dev.rowcast.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.server.testing.FailOnNettyLeak;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FailOnNettyLeak.class)
class CorsTest {

    @Test
    void withoutCorsNoCorsHeaderIsSent() {
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat())) {
            HttpResponse<String> response = engine.send(HttpRequest.newBuilder(engine.uri("EIO=4&transport=polling"))
                    .header("Origin", "http://app.test").GET());

            assertThat(response.headers().firstValue("access-control-allow-origin")).isEmpty();
        }
    }

    @Test
    void anyOriginPutsAStarOnEveryResponseIncludingErrors() {
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat().cors(Cors.anyOrigin()))) {
            HttpResponse<String> open = engine.send(HttpRequest.newBuilder(engine.uri("EIO=4&transport=polling"))
                    .header("Origin", "http://app.test").GET());
            String sid = TestEngine.openPacket(open.body()).get("sid").asText();
            HttpResponse<String> post = engine.send(HttpRequest.newBuilder(engine.uri("EIO=4&transport=polling&sid=" + sid))
                    .header("Origin", "http://app.test").POST(HttpRequest.BodyPublishers.ofString("4x")));
            HttpResponse<String> error = engine.send(HttpRequest.newBuilder(engine.uri("EIO=4&transport=nope"))
                    .header("Origin", "http://app.test").GET());

            assertThat(open.headers().firstValue("access-control-allow-origin")).hasValue("*");
            assertThat(post.headers().firstValue("access-control-allow-origin")).hasValue("*");
            assertThat(error.headers().firstValue("access-control-allow-origin")).hasValue("*");
            assertThat(open.headers().firstValue("access-control-allow-credentials")).isEmpty();
        }
    }

    @Test
    void aPreflightGets204WithMethodsAndTheRequestedHeadersEchoed() {
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat().cors(Cors.anyOrigin()))) {
            HttpResponse<String> response = engine.send(HttpRequest.newBuilder(engine.uri("EIO=4&transport=polling"))
                    .header("Origin", "http://app.test")
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "x-token,content-type")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

            assertThat(response.statusCode()).isEqualTo(204);
            assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("*");
            assertThat(response.headers().firstValue("access-control-allow-methods")).hasValue("GET,HEAD,PUT,PATCH,POST,DELETE");
            assertThat(response.headers().firstValue("access-control-allow-headers")).hasValue("x-token,content-type");
            assertThat(response.headers().firstValue("vary")).hasValue("Access-Control-Request-Headers");
        }
    }

    @Test
    void withCredentialsTheExactOriginIsEchoedWithAllowCredentialsAndVaryOrigin() {
        Cors cors = Cors.origins(List.of("http://app.test", "http://other.test")).withCredentials(true);
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat().cors(cors))) {
            HttpResponse<String> allowed = engine.send(HttpRequest.newBuilder(engine.uri("EIO=4&transport=polling"))
                    .header("Origin", "http://other.test").GET());
            HttpResponse<String> stranger = engine.send(HttpRequest.newBuilder(engine.uri("EIO=4&transport=polling"))
                    .header("Origin", "http://evil.test").GET());

            assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue("http://other.test");
            assertThat(allowed.headers().firstValue("access-control-allow-credentials")).hasValue("true");
            assertThat(allowed.headers().firstValue("vary")).hasValue("Origin");
            assertThat(stranger.headers().firstValue("access-control-allow-origin")).isEmpty();
            assertThat(stranger.headers().firstValue("access-control-allow-credentials")).isEmpty();
        }
    }

    /**
     * A browser applies no CORS to a WebSocket: a page of any origin could open one and read what
     * it carries. With a list of origins, an upgrade from another page's origin is refused; one
     * that names no origin (Node, a mobile app) is no browser page, and opens.
     */
    @Test
    void aListOfOriginsRefusesAWebSocketFromAnotherPagesOrigin() {
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat().cors(Cors.origins(List.of("http://app.test"))))) {
            assertThat(upgrade(engine, "Origin: http://evil.test\r\n")).startsWith("HTTP/1.1 400").contains("Forbidden");
            assertThat(upgrade(engine, "Origin: http://app.test\r\n")).startsWith("HTTP/1.1 101");
            assertThat(upgrade(engine, "")).startsWith("HTTP/1.1 101");
        }
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat().cors(Cors.anyOrigin()))) {
            assertThat(upgrade(engine, "Origin: http://evil.test\r\n")).startsWith("HTTP/1.1 101");
        }
    }

    private static String upgrade(TestEngine engine, String originHeader) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", engine.port)) {
            socket.setSoTimeout(3000);
            socket.getOutputStream().write(("GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n" + originHeader + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            byte[] buffer = new byte[512];
            int n = socket.getInputStream().read(buffer);
            return new String(buffer, 0, Math.max(n, 0), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anOriginWithControlCharactersIsABadRequest() {
        // The JDK client refuses such headers, so this goes through a raw socket.
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat());
             java.net.Socket socket = new java.net.Socket("127.0.0.1", engine.port)) {
            socket.setSoTimeout(3000);
            socket.getOutputStream().write(("GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n"
                    + "Origin: http://a\u0001b\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            byte[] buffer = new byte[512];
            int n = socket.getInputStream().read(buffer);
            String response = new String(buffer, 0, Math.max(n, 0), java.nio.charset.StandardCharsets.ISO_8859_1);

            assertThat(response).startsWith("HTTP/1.1 400").contains("{\"code\":3,\"message\":\"Bad request\"}");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
