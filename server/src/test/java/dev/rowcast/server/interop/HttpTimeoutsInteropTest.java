package dev.rowcast.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.SocketIoServer;
import dev.rowcast.server.engine.EngineOptions;
import dev.rowcast.server.testing.FailOnNettyLeak;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The official client stays connected through several heartbeats while the server's HTTP
 * timeouts are far shorter than its ping interval: a held poll and a quiet WebSocket are never cut.
 */
@ExtendWith(FailOnNettyLeak.class)
class HttpTimeoutsInteropTest {
    private static final Duration PING_INTERVAL = Duration.ofMillis(500);
    private static SocketIoServer io;
    private static String url;

    @BeforeAll
    static void start() {
        io = new SocketIoServer(ServerOptions.builder()
                .engine(EngineOptions.builder()
                        .pingInterval(PING_INTERVAL)
                        .pingTimeout(Duration.ofSeconds(1))
                        .idleTimeout(Duration.ofMillis(200))
                        .requestTimeout(Duration.ofMillis(200))
                        .build())
                .build());
        io.onConnection(socket -> socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray())));
        url = "http://127.0.0.1:" + io.start();
    }

    @AfterAll
    static void stop() {
        if (io != null) io.stop();
    }

    @ParameterizedTest(name = "{0} transports")
    @CsvSource({"default, websocket", "websocket, websocket", "polling, polling"})
    void aClientStaysConnectedThroughSeveralPingsUnderShortHttpTimeouts(String transports, String endsOn) throws Exception {
        JsonNode result = NodeClient.run(url, "stayConnected", transports,
                Map.of("ROWCAST_STAY_MS", String.valueOf(6 * PING_INTERVAL.toMillis())));

        assertThat(result.get("disconnect").isNull()).as("disconnected: %s", result.get("disconnect")).isTrue();
        assertThat(result.get("pings").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(result.get("transport").asText()).isEqualTo(endsOn);
        assertThat(result.get("back").asText()).isEqualTo("still-here");
    }
}
