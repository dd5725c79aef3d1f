package dev.rowcast.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rowcast.server.Socket;
import dev.rowcast.server.auth.AuthOptions;
import dev.rowcast.server.realtime.RealtimeOptions;
import dev.rowcast.server.realtime.RealtimeServer;
import dev.rowcast.server.realtime.Tokens;
import dev.rowcast.server.testing.FailOnNettyLeak;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The plugin's client calls, made by the official socket.io-client@4.8.4, against the realtime server. */
@ExtendWith(FailOnNettyLeak.class)
class PluginClientInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode node(int port, String scenario, Map<String, String> env) throws Exception {
        return NodeClient.run("realtime.mjs", "http://127.0.0.1:" + port, scenario, null, env);
    }

    @Test
    void thePluginClientsCallsProduceThePluginsPackets() throws Exception {
        try (RealtimeServer realtime = new RealtimeServer(RealtimeOptions.defaults())) {
            int port = realtime.start();
            CompletableFuture<JsonNode> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return node(port, "pluginClient", Map.of());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // the collection event goes out once the client's joins and leave have landed
            await().atMost(Duration.ofSeconds(20)).until(() -> realtime.socketIo().sockets().sockets().stream()
                    .map(Socket::rooms).anyMatch(rooms -> rooms.size() == 3 && rooms.containsAll(Set.of("room1", "room2"))));
            JsonNode envelope = JSON.readTree("{\"operation\":\"create\",\"collection\":\"notifications\",\"data\":{\"id\":2}}");
            realtime.to("room3").emit("realtime:notifications", JSON.readTree("{\"operation\":\"create\",\"data\":{\"id\":3}}"));
            realtime.to("room2").emit("realtime:notifications", envelope);
            JsonNode result = run.get(30, TimeUnit.SECONDS);

            List<String> raw = new ArrayList<>();
            result.get("raw").forEach(packet -> raw.add(packet.asText()));
            assertThat(raw.get(0)).startsWith("40{\"sid\":");
            assertThat(raw.subList(1, 4)).containsExactly(
                    "42[\"presence:join\",{\"room\":\"room1\",\"userId\":\"u1\"}]",
                    "42[\"presence:join\",{\"room\":\"room2\",\"userId\":\"u1\"}]",
                    "42[\"presence:join\",{\"room\":\"room3\",\"userId\":\"u1\"}]");
            assertThat(raw.subList(4, 6)).containsExactlyInAnyOrder(
                    "42[\"chat\",{\"x\":1}]",
                    "42[\"realtime:notifications\",{\"operation\":\"create\",\"collection\":\"notifications\",\"data\":{\"id\":2}}]");
            assertThat(result.get("chatData").toString()).isEqualTo("{\"x\":1}");
            assertThat(result.get("notificationData")).isEqualTo(envelope);

            assertThat(result.get("noArgument").toString()).isEqualTo("{\"event\":\"x\",\"error\":\"a relayed event needs an object "
                    + "{\\\"roomId\\\": ..., ...} as its first argument, got nothing\"}");
            assertThat(result.get("nullAck").get("ok").asBoolean()).isFalse();
            assertThat(result.get("nullAck").get("error").asText()).endsWith("got null");
            assertThat(result.get("fakeAck").toString()).isEqualTo(
                    "{\"ok\":false,\"error\":\"event names starting with 'realtime:' are sent by the server only\"}");
            assertThat(result.get("stillServing").toString()).isEqualTo("{\"ok\":true}");
            assertThat(result.get("transport").asText()).isEqualTo("websocket");
        }
    }

    @Test
    void presenceCountsTwoTabsOfOneUserOnce() throws Exception {
        try (RealtimeServer realtime = RealtimeServer.launch(RealtimeOptions.defaults())) {
            JsonNode result = node(realtime.port(), "presence", Map.of());

            assertThat(result.get("both").toString()).isEqualTo("{\"ok\":true,\"users\":[\"a\",\"b\"]}");
            assertThat(result.get("afterOneTab").toString()).isEqualTo("{\"ok\":true,\"users\":[\"a\",\"b\"]}");
            assertThat(result.get("afterLastTab").toString()).isEqualTo("{\"ok\":true,\"users\":[\"b\"]}");
            assertThat(result.get("seen").get("a1").toString()).isEqualTo(
                    "[[\"presence:join\",{\"room\":\"r\",\"userId\":\"a\"}],[\"presence:join\",{\"room\":\"r\",\"userId\":\"b\"}]]");
            assertThat(result.get("seen").get("b").toString()).isEqualTo(
                    "[[\"presence:join\",{\"room\":\"r\",\"userId\":\"b\"}],[\"presence:leave\",{\"room\":\"r\",\"userId\":\"a\"}]]");
        }
    }

    @Test
    void tokensAreCheckedAtConnectWithThePluginsMessages() throws Exception {
        AuthOptions auth = AuthOptions.builder().required(true).secret(Tokens.SECRET).build();
        try (RealtimeServer realtime = new RealtimeServer(RealtimeOptions.builder().auth(auth).build())) {
            int port = realtime.start();
            Map<String, String> tokens = new LinkedHashMap<>();
            tokens.put("valid", Tokens.valid("1"));
            tokens.put("missing", null);
            tokens.put("expired", Tokens.hs256(Tokens.SECRET, "1", Instant.now().minusSeconds(3600)));
            tokens.put("badSignature", Tokens.hs256(Tokens.OTHER_SECRET, "1", null));
            JsonNode result = node(port, "tokens", Map.of("TOKENS", JSON.writeValueAsString(tokens)));

            assertThat(result.get("valid").toString()).isEqualTo("{\"connected\":true}");
            assertThat(result.get("missing").toString())
                    .isEqualTo("{\"message\":\"Missing token\",\"data\":{\"reason\":\"missing\"},\"active\":false}");
            assertThat(result.get("expired").toString())
                    .isEqualTo("{\"message\":\"Invalid token\",\"data\":{\"reason\":\"expired\"},\"active\":false}");
            assertThat(result.get("badSignature").toString())
                    .isEqualTo("{\"message\":\"Invalid token\",\"data\":{\"reason\":\"signature\"},\"active\":false}");
        }
    }

    @Test
    void aClientIsDisconnectedWhenItsTokenExpires() throws Exception {
        AuthOptions auth = AuthOptions.builder().required(true).secret(Tokens.SECRET).clockSkew(Duration.ZERO)
                .rooms(List.of("user:{sub}")).build();
        try (RealtimeServer realtime = new RealtimeServer(RealtimeOptions.builder().auth(auth).build())) {
            int port = realtime.start();
            // long enough for node to start, connect and join on a loaded machine (exp is in whole seconds)
            String token = Tokens.hs256(Tokens.SECRET, "1", Instant.now().plusSeconds(6));
            JsonNode result = node(port, "expiry", Map.of("TOKEN", token));

            assertThat(result.get("joined").toString()).isEqualTo("{\"ok\":true}");
            assertThat(result.get("why").toString()).isEqualTo("{\"event\":\"auth\",\"error\":\"Token expired\"}");
            assertThat(result.get("reason").asText()).isEqualTo("io server disconnect");
            assertThat(result.get("active").asBoolean()).as("the client does not reconnect by itself").isFalse();
        }
    }
}
