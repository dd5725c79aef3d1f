package dev.rowcast.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.auth.AuthOptions;
import dev.rowcast.server.realtime.RealtimeOptions;
import dev.rowcast.server.realtime.RealtimeServer;
import dev.rowcast.server.realtime.Tokens;
import dev.rowcast.server.testing.FailOnNettyLeak;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's client snippet (socket.io-client@4.8.4) through a TCP connection that a proxy cuts for a moment. */
@ExtendWith(FailOnNettyLeak.class)
class NetworkBlipInteropTest {

    @Test
    void aClientThatGotNoEventYetKeepsItsRoomAndGetsEveryNotificationAcrossANetworkBlip() throws Exception {
        RealtimeServer realtime = RealtimeServer.launch(RealtimeOptions.builder()
                .server(ServerOptions.builder().recovery(Duration.ofMinutes(2)).build())
                .auth(AuthOptions.builder().required(true).secret(Tokens.SECRET).rooms(java.util.List.of("user:{sub}")).build())
                .build());
        AtomicInteger connections = new AtomicInteger();
        realtime.socketIo().onConnection(socket -> connections.incrementAndGet());
        try (TcpProxy proxy = new TcpProxy(realtime.port())) {
            String token = Tokens.hs256(Tokens.SECRET, "2", Instant.now().plusSeconds(600));
            CompletableFuture<JsonNode> client = CompletableFuture.supplyAsync(() -> {
                try {
                    return NodeClient.run("realtime.mjs", "http://127.0.0.1:" + proxy.port(), "blip", null,
                            Map.of("TOKEN", token, "EXPECT", "2"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // joined, and upgraded: the cut then drops one connection the server sees close
            await().atMost(20, TimeUnit.SECONDS).until(() -> realtime.to("user:2").socketIds().stream()
                    .map(realtime::socket).anyMatch(s -> s != null && "websocket".equals(s.transport())));

            proxy.cut();
            await().atMost(10, TimeUnit.SECONDS).until(() -> realtime.socketIo().sockets().sockets().isEmpty());
            realtime.to("user:2").emit("realtime:notifications", Map.of("id", 1)); // committed during the blip
            Thread.sleep(1_500); // the blip itself: the client's reconnection attempts are refused meanwhile
            proxy.restore();
            await().atMost(10, TimeUnit.SECONDS).until(() -> connections.get() == 2);
            realtime.to("user:2").emit("realtime:notifications", Map.of("id", 2)); // committed once it is back

            JsonNode result = client.get(30, TimeUnit.SECONDS);
            assertThat(result.get("connects").toString()).isEqualTo("[false,true]");
            assertThat(result.get("sameId").asBoolean()).isTrue();
            assertThat(result.get("notifications").toString()).isEqualTo("[1,2]");
        } finally {
            realtime.stop();
        }
    }
}
