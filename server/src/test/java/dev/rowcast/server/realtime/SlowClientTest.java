package dev.rowcast.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rowcast.server.testing.FailOnNettyLeak;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A client that stops reading costs the server a bounded queue, then its connection; the others get everything. */
@ExtendWith(FailOnNettyLeak.class)
class SlowClientTest {
    private static final int EVENT_CHARS = 64 * 1024;
    private static final int EVENTS = 800; // 800 x 64 KiB = 50 MiB through the room
    private static final long QUEUE_BYTES = 2L * 1024 * 1024;

    @Test
    void aClientThatStopsReadingIsCutWhileAReaderGetsEveryEvent() throws Exception {
        RealtimeOptions options = RealtimeOptions.builder().outboundQueue(10_000, QUEUE_BYTES).build();
        assertThat(options.server().engine().maxQueuedBytes()).as("the limit reaches the engine").isEqualTo(QUEUE_BYTES);
        try (RealtimeServer realtime = new RealtimeServer(options)) {
            int port = realtime.start();
            try (StalledClient stalled = StalledClient.joinThenStall(port, "big");
                 CountingClient reader = CountingClient.joinAndCount(port, "big", "big")) {
                long heapBefore = usedHeapAfterGc();
                String chunk = "x".repeat(EVENT_CHARS);
                reader.received.release(8); // at most 8 events (512 KiB) in flight to the reader
                for (int i = 0; i < EVENTS; i++) {
                    assertThat(reader.received.tryAcquire(10, TimeUnit.SECONDS)).as("reader got event " + (i - 8)).isTrue();
                    realtime.to("big").emit("big", i, chunk);
                }

                await().atMost(Duration.ofSeconds(10)).until(() -> reader.counted() == EVENTS);
                await().atMost(Duration.ofSeconds(5)).until(() -> realtime.stats().slowClientsDisconnected() == 1);
                assertThat(realtime.socketIo().sockets().sockets()).hasSize(1);
                long growth = usedHeapAfterGc() - heapBefore;
                // the stalled client's queue alone would hold the whole 50 MiB if it were unbounded
                assertThat(growth).as("heap growth in bytes").isLessThan(32L * 1024 * 1024);
                System.out.printf("[rowcast] slow client test: %d MiB emitted, heap growth %.1f MiB, slow clients cut %d%n",
                        (long) EVENTS * EVENT_CHARS >> 20, growth / 1048576.0, realtime.stats().slowClientsDisconnected());
            }
        }
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
