package dev.rowcast.server.engine;

import static dev.rowcast.server.testing.RawTcp.readUntilClosed;
import static dev.rowcast.server.testing.RawTcp.send;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.server.testing.FailOnNettyLeak;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Connections that stall are closed, with the timeouts shortened to 200 ms; clients that follow
 * the protocol are not, though a long poll is held and a WebSocket is silent for longer than that.
 */
@ExtendWith(FailOnNettyLeak.class)
class HttpTimeoutsTest {
    private static final Duration TIMEOUT = Duration.ofMillis(200);
    /** Three times the timeouts: a held poll and a quiet WebSocket outlast them. */
    private static final Duration PING_INTERVAL = Duration.ofMillis(600);
    /** How long a stalled connection may take to be closed, timer and a busy machine included. */
    private static final int CLOSED_WITHIN_MILLIS = 2000;

    static TestEngine engine;

    @BeforeAll
    static void start() {
        engine = new TestEngine(EngineOptions.builder()
                .pingInterval(PING_INTERVAL)
                .pingTimeout(Duration.ofSeconds(1))
                .idleTimeout(TIMEOUT)
                .requestTimeout(TIMEOUT));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void aConnectionThatNeverSendsARequestIsClosed() throws Exception {
        try (Socket socket = connect()) {
            assertThat(readUntilClosed(socket)).isEmpty();
        }
    }

    @Test
    void aConnectionThatSendsHalfARequestLineIsClosed() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET /engine.io/?EIO=4&transp");

            assertThat(readUntilClosed(socket)).isEmpty();
        }
    }

    @Test
    void aPostThatStopsMidBodyGets408AndItsConnectionIsClosed() throws Exception {
        String sid = engine.openPolling();
        try (Socket socket = connect()) {
            send(socket, "POST /engine.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 100000\r\n\r\n4hel");

            assertThat(readUntilClosed(socket)).startsWith("HTTP/1.1 408 Request Timeout");
        }
        assertThat(engine.listener.closeReason(sid)).as("the session itself lives on").isNull();
    }

    @Test
    void aKeepAliveConnectionIdleAfterItsAnswerIsClosed() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: localhost\r\n\r\n");

            assertThat(readUntilClosed(socket)).startsWith("HTTP/1.1 200").contains("0{\"sid\":");
        }
    }

    @Test
    void aLongPollHeldPastTheTimeoutsIsAnsweredAndPollingGoesOn() {
        String sid = engine.openPolling();

        for (int ping = 0; ping < 3; ping++) {
            long start = System.nanoTime();
            assertThat(engine.poll(sid)).isEqualTo("2");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the poll was held").isGreaterThan(TIMEOUT);
            engine.push(sid, "3");
        }
        engine.push(sid, "4still-here");
        assertThat(engine.poll(sid)).isEqualTo("4still-here");
        assertThat(engine.listener.closeReason(sid)).isNull();
    }

    @Test
    void aWebSocketQuietPastTheTimeoutsLivesOnItsHeartbeat() {
        try (WsTestClient ws = WsTestClient.connect(engine.wsUri("EIO=4&transport=websocket"))) {
            String sid = TestEngine.openPacket(ws.nextText()).get("sid").asText();

            answerThreePings(ws);

            assertThat(engine.listener.closeReason(sid)).isNull();
        }
    }

    @Test
    void aWebSocketUpgradedFromPollingLivesOnItsHeartbeat() {
        String sid = engine.openPolling();
        try (WsTestClient ws = WsTestClient.connect(engine.wsUri("EIO=4&transport=websocket&sid=" + sid))) {
            ws.sendText("2probe");
            assertThat(ws.nextText()).isEqualTo("3probe");
            ws.sendText("5");

            answerThreePings(ws);

            assertThat(engine.listener.socket(sid).transport()).isEqualTo("websocket");
        }
    }

    private static void answerThreePings(WsTestClient ws) {
        for (int ping = 0; ping < 3; ping++) {
            assertThat(ws.nextText()).isEqualTo("2");
            ws.sendText("3");
        }
        ws.sendText("4still-here");
        assertThat(ws.nextText()).isEqualTo("4still-here");
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", engine.port);
        socket.setSoTimeout(CLOSED_WITHIN_MILLIS);
        return socket;
    }
}
