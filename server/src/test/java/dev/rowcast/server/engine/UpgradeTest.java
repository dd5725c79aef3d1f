package dev.rowcast.server.engine;

import static dev.rowcast.server.engine.HandshakeTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.server.testing.FailOnNettyLeak;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FailOnNettyLeak.class)
class UpgradeTest {
    static TestEngine engine;

    @BeforeAll
    static void start() {
        engine = new TestEngine(TestEngine.quietHeartbeat().upgradeTimeout(Duration.ofMillis(300)));
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    private static WsTestClient probe(String sid) {
        return WsTestClient.connect(engine.wsUri("EIO=4&transport=websocket&sid=" + sid));
    }

    @Test
    void upgradeGoesProbeNoopUpgradeThenFlushesBufferedPacketsOverWebSocket() {
        String sid = engine.openPolling();
        EngineSocket socket = engine.listener.socket(sid);
        CompletableFuture<HttpResponse<String>> held = engine.getAsync("EIO=4&transport=polling&sid=" + sid);
        await().atMost(Duration.ofSeconds(2)).until(() -> heldGet(socket));
        long upgradesBefore = engine.server.stats().upgrades();

        try (WsTestClient ws = probe(sid)) {
            ws.sendText("2probe");
            assertThat(ws.nextText()).isEqualTo("3probe");
            assertThat(held.join().body()).isEqualTo("6");
            socket.send(EngineMessage.text("buffered-1"));
            socket.send(EngineMessage.binary(new byte[] {9}));
            assertThat(engine.poll(sid)).as("a GET during the upgrade is released with noop").isEqualTo("6");

            ws.sendText("5");

            assertThat(ws.nextText()).isEqualTo("4buffered-1");
            assertThat(ws.nextBinary()).containsExactly(9);
            ws.sendText("4hello");
            assertThat(ws.nextText()).isEqualTo("4hello");
            assertThat(socket.transport()).isEqualTo("websocket");
            assertThat(engine.server.stats().upgrades()).isEqualTo(upgradesBefore + 1);
        }
    }

    @Test
    void pollsWithTheSidAfterTheUpgradeAreBadRequests() {
        String sid = engine.openPolling();
        try (WsTestClient ws = probe(sid)) {
            ws.sendText("2probe");
            ws.sendText("5");
            assertThat(ws.nextText()).isEqualTo("3probe");
            await().atMost(Duration.ofSeconds(1)).until(() -> "websocket".equals(engine.listener.socket(sid).transport()));

            assertError(engine.get("EIO=4&transport=polling&sid=" + sid), 400, 3, "Bad request");
            ws.sendText("4hello");
            assertThat(ws.nextText()).isEqualTo("4hello");
        }
    }

    @Test
    void aSecondWebSocketForAnUpgradedSessionIsClosedAndTheFirstLivesOn() {
        String sid = engine.openPolling();
        try (WsTestClient ws = probe(sid)) {
            ws.sendText("2probe");
            ws.sendText("5");
            assertThat(ws.nextText()).isEqualTo("3probe");

            try (WsTestClient second = probe(sid)) {
                second.awaitClose();
            }

            ws.sendText("4hello");
            assertThat(ws.nextText()).isEqualTo("4hello");
        }
    }

    @Test
    void anUnfinishedProbeIsClosedAfterUpgradeTimeoutAndPollingGoesOn() {
        String sid = engine.openPolling();
        try (WsTestClient ws = probe(sid)) {
            ws.sendText("2probe");
            assertThat(ws.nextText()).isEqualTo("3probe");

            ws.awaitClose();

            engine.push(sid, "4after");
            assertThat(engine.poll(sid)).isEqualTo("4after");
            assertThat(engine.listener.socket(sid).transport()).isEqualTo("polling");
        }
    }

    @Test
    void messagesQueuedDuringTheProbeGoOverPollingIfTheUpgradeFails() {
        String sid = engine.openPolling();
        EngineSocket socket = engine.listener.socket(sid);
        try (WsTestClient ws = probe(sid)) {
            ws.sendText("2probe");
            assertThat(ws.nextText()).isEqualTo("3probe");
            socket.send(EngineMessage.text("kept"));

            ws.sendText("4not-an-upgrade");

            ws.awaitClose();
            assertThat(engine.poll(sid)).isEqualTo("4kept");
        }
    }

    private static boolean heldGet(EngineSocket socket) {
        CompletableFuture<Boolean> held = new CompletableFuture<>();
        socket.executor().execute(() -> held.complete(((EngineSession) socket).hasPendingPoll()));
        return held.join();
    }
}
