package dev.rowcast.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.SocketIoServer;
import dev.rowcast.server.engine.EngineOptions;
import dev.rowcast.server.testing.FailOnNettyLeak;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** socket.io-client@4.8.4 loses its transport and comes back as itself (connection state recovery). */
@ExtendWith(FailOnNettyLeak.class)
class ConnectionStateRecoveryInteropTest {
    private static SocketIoServer io;
    private static String url;
    private static final ScheduledExecutorService streamer = Executors.newSingleThreadScheduledExecutor();
    /** Events of the stream emitted while no socket was in its room, i.e. while the transport was cut. */
    private static final AtomicInteger emittedWhileNobodyListened = new AtomicInteger();

    @BeforeAll
    static void start() {
        io = new SocketIoServer(ServerOptions.builder().recovery(Duration.ofMinutes(2)).build());
        io.onConnection(socket -> {
            socket.emit("auth", socket.handshake().auth());
            socket.on("join-room", (args, ack) -> {
                socket.join(args.get(0).asText());
                ack.send();
            });
            socket.on("start-stream", (args, ack) -> {
                startStream(args.get(0).asInt());
                ack.send();
            });
            socket.on("emit-when-gone", (args, ack) -> {
                socket.onDisconnect(reason -> io.to("room1").emit("missed", reason));
                ack.send();
            });
        });
        url = "http://127.0.0.1:" + io.start();
    }

    /** Emits 0..count-1 to room "stream", one every 5 ms from a thread of its own, then "stream-end". */
    private static void startStream(int count) {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        task.set(streamer.scheduleAtFixedRate(() -> {
            int n = next.getAndIncrement();
            if (n < count) {
                if (io.to("stream").socketIds().isEmpty()) emittedWhileNobodyListened.incrementAndGet();
                io.to("stream").emit("n", n);
            } else if (n == count) {
                io.to("stream").emit("stream-end", count);
                task.get().cancel(false);
            }
        }, 0, 5, TimeUnit.MILLISECONDS));
    }

    @AfterAll
    static void stop() {
        streamer.shutdownNow();
        if (io != null) io.stop();
    }

    @Test
    void clientThatLostItsTransportComesBackWithItsIdRoomsAndMissedEvents() throws Exception {
        JsonNode result = NodeClient.run(url, "recovery", null, Map.of());
        assertThat(result.get("firstRecovered").asBoolean()).isFalse();
        assertThat(result.get("recovered").asBoolean()).isTrue();
        assertThat(result.get("sameId").asBoolean()).isTrue();
        assertThat(result.get("reason").asText()).isEqualTo("transport close");
    }

    @Test
    void everyEventEmittedWhileTheTransportWasCutArrivesOnceInOrder() throws Exception {
        int count = 400;
        emittedWhileNobodyListened.set(0);
        JsonNode result = NodeClient.run(url, "recoveryStream", String.valueOf(count), Map.of());
        assertThat(result.get("recovered").asBoolean()).isTrue();
        assertThat(result.get("reconnects").asInt()).isEqualTo(1);
        assertThat(result.get("sameId").asBoolean()).isTrue();
        assertThat(result.get("total").asInt()).isEqualTo(count);
        // the cut fell mid-stream: some events were emitted while nobody was in the room
        assertThat(result.get("cutAfter").asInt()).isBetween(0, count - 2);
        assertThat(emittedWhileNobodyListened.get()).isPositive();
        List<Integer> received = new ArrayList<>();
        result.get("received").forEach(n -> received.add(n.asInt()));
        assertThat(received).containsExactlyElementsOf(IntStream.range(0, count).boxed().toList());
    }

    /** A replay that would overflow the session's send queue is not attempted: the client starts afresh, once. */
    @Test
    void aReplayLargerThanTheSendQueueGivesACleanNewSessionNotALoop() throws Exception {
        SocketIoServer smallQueue = new SocketIoServer(ServerOptions.builder().recovery(Duration.ofMinutes(2))
                .engine(EngineOptions.builder().maxQueuedPackets(50).build()).build());
        try {
            smallQueue.onConnection(socket -> {
                socket.emit("auth", socket.handshake().auth());
                socket.on("join-room", (args, ack) -> {
                    socket.join(args.get(0).asText());
                    ack.send();
                });
                socket.on("flood-when-gone", (args, ack) -> {
                    int count = args.get(0).asInt();
                    socket.onDisconnect(reason -> {
                        for (int n = 0; n < count; n++) smallQueue.to("room1").emit("missed", n);
                    });
                    ack.send();
                });
            });
            String smallUrl = "http://127.0.0.1:" + smallQueue.start();
            JsonNode result = NodeClient.run(smallUrl, "recoveryTooLarge", "200", Map.of());
            assertThat(result.get("recovered").asBoolean()).isFalse();
            assertThat(result.get("sameId").asBoolean()).isFalse();
            assertThat(result.get("missed").asInt()).isZero();
            assertThat(result.get("connects").asInt()).isEqualTo(1);
            assertThat(result.get("disconnects").toString()).as("the cut only").isEqualTo("[\"forced close\"]");
            assertThat(result.get("connected").asBoolean()).isTrue();
        } finally {
            smallQueue.stop();
        }
    }

    @Test
    void beyondMaxDisconnectionTheClientGetsACleanNewSession() throws Exception {
        SocketIoServer shortWindow = new SocketIoServer(ServerOptions.builder().recovery(Duration.ofSeconds(1)).build());
        try {
            shortWindow.onConnection(socket -> socket.emit("auth", socket.handshake().auth()));
            String shortUrl = "http://127.0.0.1:" + shortWindow.start();
            JsonNode result = NodeClient.run(shortUrl, "recoveryExpired", "1500", Map.of());
            // control: within the window the same client does come back as itself
            assertThat(result.get("shortCut").get("recovered").asBoolean()).isTrue();
            assertThat(result.get("shortCut").get("sameId").asBoolean()).isTrue();
            assertThat(result.get("awayMs").asLong()).isGreaterThan(1000);
            assertThat(result.get("recovered").asBoolean()).isFalse();
            assertThat(result.get("sameId").asBoolean()).isFalse();
        } finally {
            shortWindow.stop();
        }
    }
}
