package dev.rowcast.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.SocketIoServer;
import dev.rowcast.server.testing.FailOnNettyLeak;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** socket.io-client@4.8.4 loses its transport and comes back as itself (connection state recovery). */
@ExtendWith(FailOnNettyLeak.class)
class ConnectionStateRecoveryInteropTest {
    private static SocketIoServer io;
    private static String url;

    @BeforeAll
    static void start() {
        io = new SocketIoServer(ServerOptions.builder().recovery(Duration.ofMinutes(2)).build());
        io.onConnection(socket -> {
            socket.emit("auth", socket.handshake().auth());
            socket.on("join-room", (args, ack) -> {
                socket.join(args.get(0).asText());
                ack.send();
            });
            socket.on("emit-when-gone", (args, ack) -> {
                socket.onDisconnect(reason -> io.to("room1").emit("missed", reason));
                ack.send();
            });
        });
        url = "http://127.0.0.1:" + io.start();
    }

    @AfterAll
    static void stop() {
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
}
