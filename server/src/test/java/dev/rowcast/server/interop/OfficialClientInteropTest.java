package dev.rowcast.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.Namespace;
import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.ServerStats;
import dev.rowcast.server.SocketIoServer;
import dev.rowcast.server.engine.EngineOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import dev.rowcast.server.testing.FailOnNettyLeak;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The official socket.io-client@4.8.4 (Node) against the Java server, over real sockets. */
@ExtendWith(FailOnNettyLeak.class)
class OfficialClientInteropTest {
    private static final int MAX_PAYLOAD = 100_000;
    private static final List<String> disconnectReasons = new CopyOnWriteArrayList<>();
    private static SocketIoServer io;
    private static String url;

    @BeforeAll
    static void start() {
        io = new SocketIoServer(ServerOptions.builder()
                .engine(EngineOptions.builder().maxPayload(MAX_PAYLOAD).build())
                .build());
        handlers(io.sockets());
        handlers(io.of("/custom"));
        url = "http://127.0.0.1:" + io.start();
    }

    private static void handlers(Namespace namespace) {
        namespace.onConnection(socket -> {
            socket.emit("auth", socket.handshake().auth());
            socket.onDisconnect(disconnectReasons::add);
            socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
            socket.on("message-with-ack", (args, ack) -> ack.send(args.toArray()));
            socket.on("send-bytes", (args, ack) -> socket.emit("bytes", (Object) new byte[] {9, 8, 7, (byte) 255}));
            socket.on("please-disconnect", (args, ack) -> socket.disconnect());
            socket.on("ask-me", (args, ack) -> socket.emitWithAck("question", Duration.ofSeconds(5),
                    (error, answer) -> socket.emit("answer-received",
                            error == null ? answer : List.of("error: " + error.getMessage())),
                    args.get(0)));
        });
    }

    @AfterAll
    static void stop() {
        if (io != null) io.stop();
    }

    private static JsonNode node(String scenario, String arg) throws Exception {
        return NodeClient.run(url, scenario, arg, Map.of());
    }

    @Test
    void defaultTransportsStartWithPollingAndUpgradeToWebSocket() throws Exception {
        JsonNode result = node("transports", "default");
        assertThat(result.get("first").asText()).isEqualTo("polling");
        assertThat(result.get("transport").asText()).isEqualTo("websocket");
        assertThat(result.get("auth").toString()).isEqualTo("{}");
        assertThat(result.get("echoed").toString()).isEqualTo("[1,\"2\",{\"3\":[true]}]");
    }

    @ParameterizedTest(name = "{0} only")
    @CsvSource({"websocket", "polling"})
    void singleTransportClientsStayOnTheirTransport(String transport) throws Exception {
        JsonNode result = node("transports", transport);
        assertThat(result.get("first").asText()).isEqualTo(transport);
        assertThat(result.get("transport").asText()).isEqualTo(transport);
        assertThat(result.get("echoed").toString()).isEqualTo("[1,\"2\",{\"3\":[true]}]");
    }

    @ParameterizedTest(name = "over {0}")
    @CsvSource({"websocket", "polling"})
    void acksWorkBothWays(String transport) throws Exception {
        JsonNode result = node("acks", transport);
        assertThat(result.get("clientAck").toString()).isEqualTo("[1,\"2\",{\"3\":[true]}]");
        assertThat(result.get("serverSaw").toString()).isEqualTo("[42,\"from-client\"]");
    }

    @ParameterizedTest(name = "over {0}")
    @CsvSource({"websocket", "polling"})
    void binaryTravelsBothWaysAsBuffersAndByteArrays(String transport) throws Exception {
        JsonNode result = node("binary", transport);
        assertThat(result.get("echoed").toString()).isEqualTo("[1,2,3]");
        assertThat(result.get("nested").toString()).isEqualTo("[250,0,7]");
        assertThat(result.get("nestedText").asText()).isEqualTo("t");
        assertThat(result.get("acked").asText()).isEqualTo("hello");
        assertThat(result.get("fromServer").toString()).isEqualTo("[9,8,7,255]");
        assertThat(result.get("fromServerIsBuffer").asBoolean()).isTrue();
    }

    @ParameterizedTest(name = "over {0}")
    @CsvSource({"websocket", "polling"})
    void anObjectShapedLikeAPlaceholderInAPlainEventIsData(String transport) throws Exception {
        JsonNode result = node("placeholderLookalike", transport);
        assertThat(result.has("disconnect")).as("disconnected: %s", result.get("disconnect")).isFalse();
        assertThat(result.get("back").toString()).isEqualTo("{\"p\":{\"_placeholder\":true,\"num\":0}}");
    }

    @Test
    void customNamespaceGetsItsAuthAndEvents() throws Exception {
        JsonNode result = node("namespace", null);
        assertThat(result.get("auth").toString()).isEqualTo("{\"token\":\"abc\"}");
        assertThat(result.get("back").asText()).isEqualTo("in-custom");
        assertThat(result.get("nsp").asText()).isEqualTo("/custom");
    }

    @Test
    void unknownNamespaceIsRefusedAsInvalid() throws Exception {
        JsonNode result = node("unknownNamespace", null);
        assertThat(result.get("message").asText()).isEqualTo("Invalid namespace");
        assertThat(result.get("active").asBoolean()).isFalse();
    }

    @ParameterizedTest(name = "over {0}")
    @CsvSource({"websocket, transport close", "polling, transport error"})
    void messageOverMaxPayloadDisconnectsOnlyItsSender(String transport, String clientReason) throws Exception {
        JsonNode result = NodeClient.run(url, "maxPayload", transport, Map.of("ROWCAST_BIG", String.valueOf(2 * MAX_PAYLOAD)));
        assertThat(result.get("reason").asText()).isEqualTo(clientReason);
        assertThat(result.get("stillWorks").asText()).isEqualTo("still-alive");
    }

    @Test
    void serverDisconnectIsFinalForTheClient() throws Exception {
        JsonNode result = node("serverDisconnect", null);
        assertThat(result.get("reason").asText()).isEqualTo("io server disconnect");
        assertThat(result.get("active").asBoolean()).isFalse();
        assertThat(result.get("connects").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> disconnectReasons.contains("server namespace disconnect"));
    }

    @Test
    void statsCountWhatAClientExchanged() throws Exception {
        ServerStats before = io.stats();
        long sessionsBefore = before.engine().sessionsTotal(); // the engine's counters are live, not a snapshot
        node("namespace", null);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            ServerStats after = io.stats();
            // in: CONNECT and "message" (the client exits right after its DISCONNECT, which may
            // never be written); out: CONNECT reply, "auth", "message-back", all seen by the client
            assertThat(after.packetsIn() - before.packetsIn()).isGreaterThanOrEqualTo(2);
            assertThat(after.packetsOut() - before.packetsOut()).isGreaterThanOrEqualTo(3);
            assertThat(after.bytesIn()).isGreaterThan(before.bytesIn());
            assertThat(after.bytesOut()).isGreaterThan(before.bytesOut());
            assertThat(after.engine().sessionsTotal()).isGreaterThan(sessionsBefore);
            assertThat(after.engine().bytesOut()).isGreaterThan(after.bytesOut());
        });
    }

}
