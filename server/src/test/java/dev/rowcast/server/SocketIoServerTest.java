package dev.rowcast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.engine.EngineMessage;
import dev.rowcast.server.protocol.PacketJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Socket.IO layer driven through fake Engine.IO sessions, no network. */
class SocketIoServerTest {
    private final SocketIoServer io = new SocketIoServer(ServerOptions.builder()
            .connectTimeout(Duration.ofSeconds(2)) // long enough for a loaded machine to load Jackson first
            .ackTimeout(Duration.ofMillis(200))
            .build());

    @AfterEach
    void stop() {
        io.stop();
    }

    private FakeEngineSocket session() {
        return new FakeEngineSocket(io.engineListener());
    }

    private static String sidOf(String connectReply) throws Exception {
        String json = connectReply.substring(connectReply.indexOf('{'));
        return PacketJson.MAPPER.readTree(json).get("sid").asText();
    }

    @Test
    void connectGetsANewSidAndTheConnectionHandlerRunsAfterTheReply() throws Exception {
        List<String> sentBeforeHandler = new CopyOnWriteArrayList<>();
        AtomicReference<Socket> connected = new AtomicReference<>();
        FakeEngineSocket[] engine = new FakeEngineSocket[1];
        io.onConnection(socket -> {
            sentBeforeHandler.addAll(engine[0].sentTexts());
            connected.set(socket);
            socket.emit("auth", socket.handshake().auth());
        });
        engine[0] = session();
        engine[0].receive("0{\"token\":\"123\"}");

        List<String> sent = engine[0].sentTexts();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0)).matches("0\\{\"sid\":\"[A-Za-z0-9_-]{20}\"}");
        assertThat(sent.get(1)).isEqualTo("2[\"auth\",{\"token\":\"123\"}]");
        assertThat(sentBeforeHandler).containsExactly(sent.get(0));
        Socket socket = connected.get();
        assertThat(socket.id()).isEqualTo(sidOf(sent.get(0))).isNotEqualTo(engine[0].id());
        assertThat(socket.rooms()).containsExactly(socket.id());
        assertThat(socket.handshake().remoteAddress().getPort()).isEqualTo(40000);
    }

    @Test
    void connectWithoutAuthGivesAnEmptyAuthObject() {
        AtomicReference<JsonNode> auth = new AtomicReference<>();
        io.onConnection(socket -> auth.set(socket.handshake().auth()));
        session().receive("0");
        assertThat(auth.get()).isEqualTo(PacketJson.NODES.objectNode());
    }

    @Test
    void customNamespaceRepliesWithItsNameAndUnknownOneIsRefusedExactly() {
        io.of("/custom");
        FakeEngineSocket engine = session().receive("0/custom,{}").receive("0/random,{}");
        assertThat(engine.sentTexts().get(0)).startsWith("0/custom,{\"sid\":\"");
        assertThat(engine.sentTexts().get(1)).isEqualTo("4/random,{\"message\":\"Invalid namespace\"}");
        assertThat(engine.isOpen()).isTrue();
    }

    @Test
    void middlewareRefusalBecomesConnectErrorWithData() {
        io.use((socket, next) -> next.refuse("Invalid token", Map.of("reason", "expired")));
        List<Socket> connected = new CopyOnWriteArrayList<>();
        io.onConnection(connected::add);
        FakeEngineSocket engine = session().receive("0{\"token\":\"x\"}");
        assertThat(engine.sentTexts()).containsExactly("4{\"message\":\"Invalid token\",\"data\":{\"reason\":\"expired\"}}");
        assertThat(connected).isEmpty();
        assertThat(io.sockets().sockets()).isEmpty();
    }

    @Test
    void middlewareMayAnswerLaterFromAnotherThread() {
        io.use((socket, next) -> CompletableFuture.runAsync(() -> {
            if (socket.handshake().auth().path("token").asText().equals("good")) next.proceed();
            else next.refuse("Missing token");
        }));
        io.use((socket, next) -> {
            socket.data().put("user", "u1");
            next.proceed();
        });
        List<Socket> connected = new CopyOnWriteArrayList<>();
        io.onConnection(connected::add);
        FakeEngineSocket good = session().receive("0{\"token\":\"good\"}");
        FakeEngineSocket bad = session().receive("0{}");
        await().atMost(Duration.ofSeconds(5)).until(() -> connected.size() == 1 && bad.sentTexts().size() == 1);
        assertThat(good.sentTexts().get(0)).startsWith("0{\"sid\"");
        assertThat(connected.get(0).data()).containsEntry("user", "u1");
        assertThat(bad.sentTexts()).containsExactly("4{\"message\":\"Missing token\"}");
    }

    @Test
    void roomsJoinedInAMiddlewareAreKeptOnAdmitAndDroppedOnRefusal() {
        io.use((socket, next) -> {
            socket.join("user:" + socket.handshake().auth().path("user").asText());
            if (socket.handshake().auth().has("token")) next.proceed();
            else next.refuse("Missing token");
        });
        FakeEngineSocket admitted = session().receive("0{\"user\":\"a\",\"token\":\"t\"}");
        session().receive("0{\"user\":\"b\"}");
        assertThat(io.sockets().adapter().rooms()).contains("user:a").doesNotContain("user:b");
        assertThat(io.to("user:a").emit("hello")).isEqualTo(1);
        assertThat(admitted.sentTexts()).last().isEqualTo("2[\"hello\"]");
    }

    @Test
    void eventsReachHandlersAndAnAckAnswersWithTheSameArgs() {
        List<String> any = new CopyOnWriteArrayList<>();
        io.onConnection(socket -> {
            socket.onAny((event, args, ack) -> any.add(event + args));
            socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
            socket.on("message-with-ack", (args, ack) -> ack.send(args.toArray()));
        });
        FakeEngineSocket engine = session().receive("0")
                .receive("2[\"message\",1,\"2\",{\"3\":[true]}]")
                .receive("2456[\"message-with-ack\",1,\"2\",{\"3\":[true]}]");
        assertThat(engine.sentTexts()).containsSubsequence(
                "2[\"message-back\",1,\"2\",{\"3\":[true]}]", "3456[1,\"2\",{\"3\":[true]}]");
        assertThat(any).containsExactly("message[1, \"2\", {\"3\":[true]}]", "message-with-ack[1, \"2\", {\"3\":[true]}]");
    }

    @Test
    void binaryArgumentsArriveAsBytesAndGoBackAsAttachments() throws Exception {
        io.onConnection(socket -> {
            socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
            socket.on("message-with-ack", (args, ack) -> ack.send(args.toArray()));
        });
        FakeEngineSocket engine = session().receive("0")
                .receive("52-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]")
                .receiveBinary(new byte[] {1, 2, 3}).receiveBinary(new byte[] {4, 5, 6})
                .receive("61-/x,1[]".replace("/x,", "")) // a binary ack for an unknown id: ignored
                .receiveBinary(new byte[] {9})
                .receive("52-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]")
                .receiveBinary(new byte[] {1}).receiveBinary(new byte[] {2});
        List<List<EngineMessage>> units = engine.sentUnits();
        assertThat(units).hasSize(3);
        assertThat(units.get(1).get(0).text()).isEqualTo(
                "52-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        assertThat(units.get(1).get(1).binary()).containsExactly(1, 2, 3);
        assertThat(units.get(1).get(2).binary()).containsExactly(4, 5, 6);
        assertThat(units.get(2).get(0).text()).isEqualTo(
                "62-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
        assertThat(engine.isOpen()).isTrue();
    }

    @Test
    void emitWithAckDeliversTheClientsAnswerOrTimesOut() {
        AtomicReference<Socket> socketRef = new AtomicReference<>();
        io.onConnection(socketRef::set);
        FakeEngineSocket engine = session().receive("0");
        Socket socket = socketRef.get();
        CompletableFuture<List<JsonNode>> answered = new CompletableFuture<>();
        CompletableFuture<Throwable> timedOut = new CompletableFuture<>();
        socket.emitWithAck("question", Duration.ofSeconds(5), (error, args) -> answered.complete(args), 1, new byte[] {7});
        socket.emitWithAck("ignored", Duration.ofMillis(100), (error, args) -> timedOut.complete(error));
        assertThat(engine.sentTexts()).contains("51-0[\"question\",1,{\"_placeholder\":true,\"num\":0}]", "21[\"ignored\"]");
        engine.receive("30[\"yes\",2]");
        assertThat(answered.join()).hasToString("[\"yes\", 2]");
        assertThat(timedOut.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join()).isInstanceOf(TimeoutException.class);
    }

    @Test
    void pendingAckFailsWhenTheSocketGoesAway() {
        AtomicReference<Socket> socketRef = new AtomicReference<>();
        io.onConnection(socketRef::set);
        FakeEngineSocket engine = session().receive("0");
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        socketRef.get().emitWithAck("q", Duration.ofSeconds(30), (error, args) -> failed.complete(error));
        engine.drop("transport close");
        assertThat(failed.join()).isInstanceOf(IllegalStateException.class).hasMessageContaining("transport close");
    }

    @Test
    void clientDisconnectLeavesTheNamespaceButNotTheSession() {
        io.of("/custom");
        List<String> reasons = new CopyOnWriteArrayList<>();
        io.of("/custom").onConnection(socket -> socket.onDisconnect(reasons::add));
        FakeEngineSocket engine = session().receive("0/custom,").receive("1/custom,");
        assertThat(reasons).containsExactly("client namespace disconnect");
        assertThat(engine.isOpen()).isTrue();
        assertThat(io.of("/custom").sockets()).isEmpty();
        engine.receive("0/custom,");
        assertThat(io.of("/custom").sockets()).hasSize(1);
    }

    @Test
    void serverDisconnectSendsDisconnectAndKeepsTheSession() {
        List<String> reasons = new CopyOnWriteArrayList<>();
        io.of("/custom").onConnection(socket -> {
            socket.onDisconnect(reasons::add);
            socket.disconnect();
        });
        FakeEngineSocket engine = session().receive("0/custom");
        assertThat(engine.sentTexts()).last().isEqualTo("1/custom,");
        assertThat(reasons).containsExactly("server namespace disconnect");
        assertThat(engine.isOpen()).isTrue();
    }

    @Test
    void disconnectWithCloseEndsTheSession() {
        io.onConnection(socket -> socket.disconnect(true));
        FakeEngineSocket engine = session().receive("0");
        assertThat(engine.isOpen()).isFalse();
    }

    @Test
    void protocolViolationClosesOnlyThatSession() {
        List<String> reasons = new CopyOnWriteArrayList<>();
        io.onConnection(socket -> socket.onDisconnect(reasons::add));
        FakeEngineSocket good = session().receive("0");
        for (String bad : List.of("2{}", "2abc[\"a\"]", "9", "2[\"disconnect\"]", "0", "2/other,[\"a\"]")) {
            FakeEngineSocket engine = session().receive("0").receive(bad);
            assertThat(engine.isOpen()).as(bad).isFalse();
        }
        FakeEngineSocket pending = session().receive("0").receive("51-[\"a\",{\"_placeholder\":true,\"num\":0}]").receive("2[\"b\"]");
        assertThat(pending.isOpen()).isFalse();
        assertThat(good.isOpen()).isTrue();
        assertThat(reasons).hasSize(7).containsOnly("parse error");
        assertThat(io.sockets().sockets()).hasSize(1);
        assertThat(io.emit("still-here")).isEqualTo(1);
        assertThat(good.sentTexts()).last().isEqualTo("2[\"still-here\"]");
    }

    @Test
    void sessionThatJoinsNoNamespaceIsClosedAfterConnectTimeout() {
        FakeEngineSocket idle = session();
        FakeEngineSocket joined = session().receive("0");
        await().atMost(Duration.ofSeconds(15)).until(() -> !idle.isOpen());
        assertThat(joined.isOpen()).isTrue();
    }

    @Test
    void broadcastsReachRoomsExceptExcludedAndEncodeOnce() {
        List<Socket> sockets = new CopyOnWriteArrayList<>();
        io.onConnection(sockets::add);
        FakeEngineSocket a = session().receive("0");
        FakeEngineSocket b = session().receive("0");
        FakeEngineSocket c = session().receive("0");
        sockets.get(0).join("r1");
        sockets.get(1).join("r1", "r2");
        sockets.get(2).join("r2");

        assertThat(io.to("r1").emit("one")).isEqualTo(2);
        assertThat(io.to("r1").except(sockets.get(0).id()).emit("two")).isEqualTo(1);
        assertThat(io.to("r1", "r2").emit("three")).isEqualTo(3);
        assertThat(sockets.get(1).to("r2").emit("four")).isEqualTo(1);
        assertThat(io.except("r2").emit("five")).isEqualTo(1);
        assertThat(io.to(sockets.get(2).id()).emit("six")).isEqualTo(1);
        sockets.get(1).leave("r1");
        assertThat(io.to("r1").emit("seven")).isEqualTo(1);

        assertThat(a.sentTexts()).containsExactly(a.sentTexts().get(0), "2[\"one\"]", "2[\"three\"]", "2[\"five\"]", "2[\"seven\"]");
        assertThat(b.sentTexts()).containsExactly(b.sentTexts().get(0), "2[\"one\"]", "2[\"two\"]", "2[\"three\"]");
        assertThat(c.sentTexts()).containsExactly(c.sentTexts().get(0), "2[\"three\"]", "2[\"four\"]", "2[\"six\"]");
        // one encoding shared by every recipient
        assertThat(a.sentUnits().get(2).get(0)).isSameAs(b.sentUnits().get(3).get(0)).isSameAs(c.sentUnits().get(1).get(0));
    }

    @Test
    void disconnectedSocketLeavesItsRooms() {
        List<Socket> sockets = new CopyOnWriteArrayList<>();
        io.onConnection(sockets::add);
        FakeEngineSocket a = session().receive("0");
        sockets.get(0).join("r");
        assertThat(io.sockets().adapter().rooms()).contains("r");
        a.drop("transport close");
        assertThat(io.sockets().adapter().rooms()).isEmpty();
        assertThat(io.stats().connections()).isZero();
    }

    @Test
    void statsCountConnectionsSocketsPacketsAndBytes() {
        io.of("/custom");
        FakeEngineSocket one = session().receive("0").receive("0/custom,");
        session().receive("0");
        io.emit("x");
        ServerStats stats = io.stats();
        assertThat(stats.connections()).isEqualTo(2);
        assertThat(stats.socketsByNamespace()).containsEntry("/", 2).containsEntry("/custom", 1);
        assertThat(stats.packetsIn()).isEqualTo(3);
        assertThat(stats.packetsOut()).isEqualTo(5); // 3 CONNECT replies + 2 events
        assertThat(stats.bytesIn()).isEqualTo("40".length() * 2 + "40/custom,".length());
        assertThat(stats.bytesOut()).isGreaterThan(5 * 2);
        assertThat(one.isOpen()).isTrue();
    }

    @Test
    void aFailingHandlerDoesNotCloseTheConnection() {
        io.onConnection(socket -> socket.on("boom", (args, ack) -> {
            throw new IllegalStateException("handler bug");
        }).on("boom", (args, ack) -> ack.send("second handler ran")));
        FakeEngineSocket engine = session().receive("0").receive("21[\"boom\"]");
        assertThat(engine.isOpen()).isTrue();
        assertThat(engine.sentTexts()).last().isEqualTo("31[\"second handler ran\"]");
    }

    @Test
    void reservedEventNamesCannotBeEmitted() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.emit("disconnect"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
    }
}
