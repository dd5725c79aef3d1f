package dev.rowcast.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.server.testing.FailOnNettyLeak;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pings every 300 ms as in the official suites; the pong window is 600 ms (suites: 200 ms) so a
 * busy CI machine cannot make a healthy client look dead. One test uses the suites' exact timing.
 */
@ExtendWith(FailOnNettyLeak.class)
class HeartbeatTest {
    static TestEngine engine;

    @BeforeAll
    static void start() {
        engine = new TestEngine(TestEngine.fastHeartbeat().pingTimeout(Duration.ofMillis(600)));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void theFirstPollReturnsExactlyAPingAfterThePingInterval() {
        long start = System.nanoTime();
        String sid = engine.openPolling();

        String body = engine.poll(sid);

        assertThat(body).isEqualTo("2");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void pollingPingsKeepComingWhileTheClientAnswersPong() {
        String sid = engine.openPolling();

        for (int i = 0; i < 3; i++) {
            assertThat(engine.poll(sid)).isEqualTo("2");
            engine.push(sid, "3");
        }
        assertThat(engine.listener.closeReason(sid)).isNull();
    }

    @Test
    void anUnansweredPingClosesAPollingSessionWithPingTimeout() {
        String sid = engine.openPolling();

        assertThat(engine.listener.awaitCloseReason(sid)).isEqualTo("ping timeout");
        assertThat(engine.get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
    }

    @Test
    void aPollJustAfterTheDeadlineIsRefusedEvenIfTheTimerIsLate() throws Exception {
        try (TestEngine suiteTiming = new TestEngine(TestEngine.fastHeartbeat())) {
            String sid = suiteTiming.openPolling();
            Thread.sleep(500); // the suite's exact sequence: wait pingInterval + pingTimeout, then poll

            assertThat(suiteTiming.get("EIO=4&transport=polling&sid=" + sid).statusCode()).isEqualTo(400);
        }
    }

    @Test
    void webSocketPingsKeepComingWhileTheClientAnswersPong() {
        try (WsTestClient ws = WsTestClient.connect(engine.wsUri("EIO=4&transport=websocket"))) {
            ws.nextText();
            for (int i = 0; i < 3; i++) {
                assertThat(ws.nextText()).isEqualTo("2");
                ws.sendText("3");
            }
        }
    }

    @Test
    void anUnansweredPingClosesAWebSocketSession() {
        try (WsTestClient ws = WsTestClient.connect(engine.wsUri("EIO=4&transport=websocket"))) {
            String sid = TestEngine.openPacket(ws.nextText()).get("sid").asText();

            assertThat(ws.nextText()).isEqualTo("2");
            ws.awaitClose();
            assertThat(engine.listener.awaitCloseReason(sid)).isEqualTo("ping timeout");
        }
    }
}
