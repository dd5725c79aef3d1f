package dev.rowcast.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.server.testing.FailOnNettyLeak;
import dev.rowcast.server.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FailOnNettyLeak.class)
class BackpressureTest {

    @Test
    void aSessionWhoseQueueOverflowsIsClosedAndSendReturnsFalse() {
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat().maxQueuedPackets(5))) {
            String sid = engine.openPolling();
            EngineSocket socket = engine.listener.socket(sid);

            for (int i = 0; i < 5; i++) assertThat(socket.send(EngineMessage.text("m" + i))).isTrue();
            boolean sixth = socket.send(EngineMessage.text("m5"));

            assertThat(sixth).isFalse();
            assertThat(engine.listener.awaitCloseReason(sid)).isEqualTo("transport error");
        }
    }

    @Test
    void manySlowClientsClosedAtOnceAreOneLineInTheLog() {
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat().maxQueuedPackets(1));
             LogCapture log = LogCapture.server()) {
            List<String> sids = new ArrayList<>();
            for (int i = 0; i < 20; i++) sids.add(engine.openPolling());

            for (String sid : sids) {
                EngineSocket socket = engine.listener.socket(sid);
                assertThat(socket.send(EngineMessage.text("fits"))).isTrue();
                assertThat(socket.send(EngineMessage.text("overflows"))).isFalse();
            }
            for (String sid : sids) assertThat(engine.listener.awaitCloseReason(sid)).isEqualTo("transport error");

            assertThat(engine.server.stats().slowSessionsClosed()).isEqualTo(20);
            List<String> lines = log.lines().stream().filter(line -> line.contains("outbound queue full")).toList();
            assertThat(lines).singleElement().satisfies(line -> assertThat(line)
                    .startsWith("WARNING [rowcast] engine session ")
                    .contains("the limits are 1 packets and 4194304 bytes, the server's EngineOptions maxQueuedPackets"
                            + " and maxQueuedBytes, not rowcast.yml keys")
                    .doesNotContain("raise maxQueuedPackets"));
        }
    }

    @Test
    void aByteLimitCountsTheEncodedSize() {
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat().maxQueuedBytes(100))) {
            String sid = engine.openPolling();
            EngineSocket socket = engine.listener.socket(sid);

            assertThat(socket.send(EngineMessage.text("x".repeat(90)))).isTrue();
            assertThat(socket.send(EngineMessage.binary(new byte[20]))).isFalse();
        }
    }

    @Test
    void drainedMessagesFreeTheirPlaceInTheQueue() {
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat().maxQueuedPackets(3))) {
            String sid = engine.openPolling();
            EngineSocket socket = engine.listener.socket(sid);

            assertThat(socket.send(List.of(EngineMessage.text("a"), EngineMessage.text("b"), EngineMessage.text("c")))).isTrue();
            assertThat(engine.poll(sid)).isEqualTo("4a\u001e4b\u001e4c");

            assertThat(socket.send(List.of(EngineMessage.text("d"), EngineMessage.text("e"), EngineMessage.text("f")))).isTrue();
            assertThat(engine.poll(sid)).isEqualTo("4d\u001e4e\u001e4f");
        }
    }

    @Test
    void aSlowWebSocketReaderIsClosedInsteadOfGrowingMemory() {
        try (TestEngine engine = new TestEngine(TestEngine.quietHeartbeat().maxQueuedBytes(256 * 1024))) {
            RawWebSocket reader = RawWebSocket.connectWithoutReading(engine.port);
            await().atMost(Duration.ofSeconds(2)).until(() -> engine.server.stats().openSessions() == 1);
            EngineSocket socket = engine.listener.sockets().iterator().next();
            EngineMessage chunk = EngineMessage.binary(new byte[16 * 1024]);

            // The client never reads: socket buffers fill, the channel turns unwritable, the queue grows.
            boolean refused = false;
            for (int i = 0; i < 20_000 && !refused; i++) {
                refused = !socket.send(chunk);
                if (i % 64 == 63) Thread.yield(); // let the event loop write between bursts
            }

            assertThat(refused).as("send refused once the queue passed 256 KiB").isTrue();

            assertThat(engine.listener.awaitCloseReason(socket.id())).isEqualTo("transport error");
            reader.close();
        }
    }
}
