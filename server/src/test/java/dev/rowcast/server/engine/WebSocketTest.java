package dev.rowcast.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.server.testing.FailOnNettyLeak;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FailOnNettyLeak.class)
class WebSocketTest {
    static TestEngine engine;

    @BeforeAll
    static void start() {
        engine = new TestEngine(TestEngine.quietHeartbeat().maxPayload(1000));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static WsTestClient open() {
        WsTestClient ws = WsTestClient.connect(engine.wsUri("EIO=4&transport=websocket"));
        assertThat(ws.nextText()).startsWith("0{\"sid\":");
        return ws;
    }

    private static String sidOf(String openPacket) {
        return TestEngine.openPacket(openPacket).get("sid").asText();
    }

    @Test
    void aTextPacketIsEchoedInOneFrame() {
        try (WsTestClient ws = open()) {
            ws.sendText("4hello");

            assertThat(ws.nextText()).isEqualTo("4hello");
        }
    }

    @Test
    void aBinaryFrameIsEchoedAsRawBytesWithoutPrefix() {
        try (WsTestClient ws = open()) {
            ws.sendBinary(new byte[] {1, 2, 3, 4});

            assertThat(ws.nextBinary()).containsExactly(1, 2, 3, 4);
        }
    }

    @Test
    void anInvalidPacketClosesTheSession() {
        try (WsTestClient ws = WsTestClient.connect(engine.wsUri("EIO=4&transport=websocket"))) {
            String sid = sidOf(ws.nextText());

            ws.sendText("abc");

            ws.awaitClose();
            assertThat(engine.listener.awaitCloseReason(sid)).isEqualTo("parse error");
        }
    }

    @Test
    void aClientClosePacketClosesAtOnce() {
        try (WsTestClient ws = WsTestClient.connect(engine.wsUri("EIO=4&transport=websocket"))) {
            String sid = sidOf(ws.nextText());

            ws.sendText("1");

            ws.awaitClose();
            assertThat(engine.listener.awaitCloseReason(sid)).isEqualTo("transport close");
        }
    }

    @Test
    void aServerCloseFlushesQueuedMessagesThenSendsACloseFrameNotAClosePacket() {
        try (WsTestClient ws = WsTestClient.connect(engine.wsUri("EIO=4&transport=websocket"))) {
            String sid = sidOf(ws.nextText());
            EngineSocket socket = engine.listener.socket(sid);

            socket.send(EngineMessage.text("last words"));
            socket.close();

            assertThat(ws.nextText()).isEqualTo("4last words");
            assertThat(ws.awaitClose()).isEqualTo(1000);
            assertThat(ws.messages).isEmpty();
            assertThat(engine.listener.awaitCloseReason(sid)).isEqualTo("forced close");
        }
    }

    @Test
    void aFrameOverMaxPayloadClosesWith1009() {
        try (WsTestClient ws = open()) {
            ws.sendText("4" + "x".repeat(1000));

            assertThat(ws.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    void aFrameOfExactlyMaxPayloadIsAccepted() {
        try (WsTestClient ws = open()) {
            String big = "4" + "x".repeat(999);
            ws.sendText(big);

            assertThat(ws.nextText()).isEqualTo(big);
        }
    }

    @Test
    void aClientPingClosesTheSession() {
        try (WsTestClient ws = open()) {
            ws.sendText("2");

            ws.awaitClose();
        }
    }

    @Test
    void multiByteTextSurvivesTheRoundTrip() {
        try (WsTestClient ws = open()) {
            ws.sendText("4héllo €𝄞");

            assertThat(ws.nextText()).isEqualTo("4héllo €𝄞");
        }
    }

    @Test
    void aMessageSentInFragmentsArrivesWholeAndLaterMessagesStillDo() {
        try (WsTestClient ws = open()) {
            ws.sendTextInFragments("4hel", "lo ", "world");
            assertThat(ws.nextText()).isEqualTo("4hello world");

            ws.sendTextInFragments("4again", "!");
            ws.sendText("4single");
            assertThat(ws.nextText()).isEqualTo("4again!");
            assertThat(ws.nextText()).isEqualTo("4single");
        }
    }

    @Test
    void fragmentsAddingUpToMoreThanMaxPayloadCloseWith1009() {
        try (WsTestClient ws = open()) {
            ws.sendTextInFragments("4" + "x".repeat(600), "x".repeat(600));

            assertThat(ws.awaitClose()).isEqualTo(1009);
        }
    }
}
