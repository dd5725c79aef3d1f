package dev.rowcast.server.engine;

import static dev.rowcast.server.testing.RawTcp.readUntilClosed;
import static dev.rowcast.server.testing.RawTcp.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.server.testing.FailOnNettyLeak;
import dev.rowcast.server.testing.LogCapture;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests no real client sends get an answer and leave at most one line in the log, never a
 * stack trace. Two I/O threads, so that consecutive connections land on different ones.
 */
@ExtendWith(FailOnNettyLeak.class)
class BadClientsTest {
    private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    private static final String VERSION = "Sec-WebSocket-Version: 13\r\n";

    static TestEngine engine;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeAll
    static void start() {
        engine = new TestEngine(TestEngine.quietHeartbeat().ioThreads(2));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @AfterEach
    void closeSockets() throws IOException {
        for (Socket socket : sockets) socket.close();
    }

    /**
     * {@code fillers}: connections opened between the session's and the upgrade's. With none the
     * upgrade lands on the other I/O thread and is moved to the session's first; with one it is
     * already there.
     */
    @ParameterizedTest(name = "{0} connection(s) between")
    @ValueSource(ints = {0, 1})
    void anUpgradeOfASessionWithoutItsKeyGets400AndIsClosed(int fillers) throws Exception {
        String sid = openPollingOnItsOwnConnection();
        for (int i = 0; i < fillers; i++) connect();

        try (LogCapture log = LogCapture.server()) {
            String answer = exchange(upgrade("sid=" + sid, VERSION));

            assertThat(answer).startsWith("HTTP/1.1 400 Bad Request");
            assertNoStackTrace(log);
        }
        assertThat(engine.listener.closeReason(sid)).as("the session lives on").isNull();
        assertThat(engine.listener.socket(sid).transport()).isEqualTo("polling");
    }

    @Test
    void aNewWebSocketWithoutItsKeyGets400AndIsClosed() throws Exception {
        try (LogCapture log = LogCapture.server()) {
            assertThat(exchange(upgrade("", VERSION))).startsWith("HTTP/1.1 400 Bad Request");
            assertNoStackTrace(log);
        }
    }

    @Test
    void aWebSocketWithoutVersionOrOriginGets400AndIsClosed() throws Exception {
        try (LogCapture log = LogCapture.server()) {
            assertThat(exchange(upgrade("", KEY))).startsWith("HTTP/1.1 400 Bad Request");
            assertNoStackTrace(log);
        }
    }

    @Test
    void aWebSocketOfAVersionOtherThan13Or8Gets400AndIsClosed() throws Exception {
        try (LogCapture log = LogCapture.server()) {
            assertThat(exchange(upgrade("", KEY + "Sec-WebSocket-Version: 7\r\n"))).startsWith("HTTP/1.1 400 Bad Request");
            assertNoStackTrace(log);
        }
    }

    @Test
    void aRequestWithABrokenPercentEscapeGets400() throws Exception {
        try (LogCapture log = LogCapture.server()) {
            String answer = exchange("GET /engine.io/?EIO=4&transport=polling&t=%zz HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n");

            assertThat(answer).startsWith("HTTP/1.1 400 Bad Request").endsWith("{\"code\":3,\"message\":\"Bad request\"}");
            assertNoStackTrace(log);
        }
    }

    @Test
    void aClientGoneMidBodyLeavesNoStackTrace() throws Exception {
        String sid = engine.openPolling();
        try (LogCapture log = LogCapture.server()) {
            Socket socket = connect();
            send(socket, "POST /engine.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 100000\r\n\r\n4hel");
            socket.close();

            // Nothing tells when the server has seen the close; it takes microseconds.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertNoStackTrace(log));
        }
        assertThat(engine.listener.closeReason(sid)).isNull();
    }

    private static void assertNoStackTrace(LogCapture log) {
        assertThat(log.records()).as("log: %s", log.lines())
                .allSatisfy(r -> {
                    assertThat(r.getThrown()).isNull();
                    assertThat(r.getMessage()).doesNotContain("\n");
                });
    }

    private static String upgrade(String query, String headers) {
        return "GET /engine.io/?EIO=4&transport=websocket" + (query.isEmpty() ? "" : "&" + query) + " HTTP/1.1\r\n"
                + "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + headers + "\r\n";
    }

    /** The polling handshake on a connection of its own, kept open, so the next one lands on the other I/O thread. */
    private String openPollingOnItsOwnConnection() throws IOException {
        Socket socket = connect();
        send(socket, "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: localhost\r\n\r\n");
        InputStream in = socket.getInputStream();
        StringBuilder answer = new StringBuilder();
        while (answer.indexOf("\"sid\":\"") < 0 || answer.indexOf("\"", answer.indexOf("\"sid\":\"") + 7) < 0) {
            int b = in.read();
            if (b < 0) throw new AssertionError("connection closed after " + answer);
            answer.append((char) b);
        }
        int start = answer.indexOf("\"sid\":\"") + 7;
        return answer.substring(start, answer.indexOf("\"", start));
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", engine.port);
        socket.setSoTimeout(2000);
        sockets.add(socket);
        return socket;
    }

    /** Sends the request on a new connection and returns all the server sent before it closed the connection. */
    private String exchange(String request) throws IOException {
        Socket socket = connect();
        send(socket, request);
        return readUntilClosed(socket);
    }
}
