package dev.rowcast.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.protocol.PacketJson;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connection state recovery on the wire, driven through fake Engine.IO sessions. */
class ConnectionStateRecoveryTest {
    private final SocketIoServer io = new SocketIoServer(ServerOptions.builder()
            .connectTimeout(Duration.ofSeconds(5))
            .recovery(Duration.ofMinutes(2))
            .build());
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    ConnectionStateRecoveryTest() {
        io.onConnection(sockets::add);
    }

    @AfterEach
    void stop() {
        io.stop();
    }

    private static JsonNode json(String packet) throws Exception {
        return PacketJson.MAPPER.readTree(packet.substring(packet.indexOf(packet.charAt(1) == '{' ? '{' : '[')));
    }

    private static String lastOffset(FakeEngineSocket engine) throws Exception {
        List<String> sent = engine.sentTexts();
        JsonNode event = json(sent.get(sent.size() - 1));
        return event.get(event.size() - 1).asText();
    }

    @Test
    void connectReplyCarriesAPidAndPlainEventsAnOffset() throws Exception {
        FakeEngineSocket engine = new FakeEngineSocket(io.engineListener()).receive("0");
        JsonNode reply = json(engine.sentTexts().get(0));
        assertThat(reply.get("sid").asText()).isEqualTo(sockets.get(0).id());
        assertThat(reply.get("pid").asText()).hasSizeGreaterThanOrEqualTo(20);
        sockets.get(0).emit("tick", 1);
        io.emit("tock", 2);
        sockets.get(0).emitWithAck("question", (error, args) -> { });
        List<String> sent = engine.sentTexts();
        assertThat(sent.get(1)).matches("2\\[\"tick\",1,\"[A-Za-z0-9_-]+\"]");
        assertThat(sent.get(2)).matches("2\\[\"tock\",2,\"[A-Za-z0-9_-]+\"]");
        assertThat(sent.get(3)).as("events with an ack get no offset").isEqualTo("20[\"question\"]");
    }

    @Test
    void lostTransportRecoversIdRoomsDataAndOnlyTheEventsMeantForIt() throws Exception {
        FakeEngineSocket first = new FakeEngineSocket(io.engineListener()).receive("0");
        Socket socket = sockets.get(0);
        String pid = json(first.sentTexts().get(0)).get("pid").asText();
        socket.join("room1");
        socket.data().put("user", "u1");
        io.to("room1").emit("seen");
        String offset = lastOffset(first);
        first.drop("transport close");

        io.to("room1").emit("missed", 1);
        io.to("other").emit("not-mine");
        io.except("room1").emit("excluded");
        io.emit("everyone");

        FakeEngineSocket second = new FakeEngineSocket(io.engineListener())
                .receive("0{\"pid\":\"" + pid + "\",\"offset\":\"" + offset + "\"}");
        List<String> sent = second.sentTexts();
        assertThat(sent).hasSize(3);
        assertThat(sent.get(0)).startsWith("2[\"missed\",1,\"");
        assertThat(sent.get(1)).startsWith("2[\"everyone\",\"");
        assertThat(json(sent.get(2)).get("sid").asText()).isEqualTo(socket.id());
        assertThat(json(sent.get(2)).get("pid").asText()).isEqualTo(pid);
        Socket back = sockets.get(1);
        assertThat(back.recovered()).isTrue();
        assertThat(back.id()).isEqualTo(socket.id());
        assertThat(back.rooms()).containsExactlyInAnyOrder(socket.id(), "room1");
        assertThat(back.data()).containsEntry("user", "u1");
    }

    @Test
    void anEventToOneSocketRepeatsItsLastOffsetAndIsNotKept() throws Exception {
        Recovery recovery = io.sockets().recovery();
        FakeEngineSocket first = new FakeEngineSocket(io.engineListener()).receive("0");
        Socket socket = sockets.get(0);
        String pid = json(first.sentTexts().get(0)).get("pid").asText();
        socket.emit("before-any", 0);
        String start = lastOffset(first);
        socket.join("room1");
        io.to("room1").emit("seen");
        String seen = lastOffset(first);
        for (int i = 0; i < 10; i++) socket.emit("direct", i);
        assertThat(lastOffset(first)).as("the client's point of return does not move").isEqualTo(seen).isNotEqualTo(start);
        assertThat(recovery.retainedPackets()).as("only the broadcast is kept").isEqualTo(1);
        first.drop("transport close");
        socket.emit("while away");
        io.to("room1").emit("missed");

        FakeEngineSocket second = new FakeEngineSocket(io.engineListener())
                .receive("0{\"pid\":\"" + pid + "\",\"offset\":\"" + seen + "\"}");
        List<String> sent = second.sentTexts();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0)).startsWith("2[\"missed\",\"");
        assertThat(json(sent.get(1)).get("sid").asText()).isEqualTo(socket.id());
        assertThat(recovery.retainedPackets()).isEqualTo(2);
    }

    @Test
    void explicitDisconnectIsNotRecoverable() throws Exception {
        FakeEngineSocket first = new FakeEngineSocket(io.engineListener()).receive("0");
        String pid = json(first.sentTexts().get(0)).get("pid").asText();
        sockets.get(0).emit("x");
        String offset = lastOffset(first);
        first.receive("1");
        FakeEngineSocket second = new FakeEngineSocket(io.engineListener())
                .receive("0{\"pid\":\"" + pid + "\",\"offset\":\"" + offset + "\"}");
        assertThat(json(second.sentTexts().get(0)).get("sid").asText()).isNotEqualTo(sockets.get(0).id());
        assertThat(sockets.get(1).recovered()).isFalse();
    }

    @Test
    void unknownOffsetOrPidGetsANewSession() throws Exception {
        FakeEngineSocket first = new FakeEngineSocket(io.engineListener()).receive("0");
        String pid = json(first.sentTexts().get(0)).get("pid").asText();
        first.drop("ping timeout");
        FakeEngineSocket second = new FakeEngineSocket(io.engineListener())
                .receive("0{\"pid\":\"" + pid + "\",\"offset\":\"nope\"}");
        JsonNode reply = json(second.sentTexts().get(0));
        assertThat(reply.get("sid").asText()).isNotEqualTo(sockets.get(0).id());
        assertThat(reply.get("pid").asText()).isNotEqualTo(pid);
        FakeEngineSocket third = new FakeEngineSocket(io.engineListener()).receive("0{\"pid\":\"unknown\",\"offset\":\"x\"}");
        assertThat(sockets.get(2).recovered()).isFalse();
        assertThat(third.isOpen()).isTrue();
    }

    @Test
    void keptEventsStayWithinTheBufferBoundsOldestDroppedFirst() {
        SocketIoServer bounded = new SocketIoServer(ServerOptions.builder()
                .recovery(Duration.ofMinutes(2)).recoveryBuffer(5, 1_000).build());
        try {
            Recovery recovery = bounded.sockets().recovery();
            new FakeEngineSocket(bounded.engineListener()).receive("0"); // someone to receive them
            String text = "x".repeat(150);
            for (int i = 0; i < 50; i++) {
                bounded.emit("big", text, i);
                assertThat(recovery.retainedBytes()).isLessThanOrEqualTo(1_000);
                assertThat(recovery.retainedPackets()).isLessThanOrEqualTo(5);
            }
            assertThat(recovery.retainedPackets()).as("as many of the newest as fit in 1,000 bytes").isBetween(4, 5);
            for (int i = 0; i < 50; i++) bounded.emit("small", i);
            assertThat(recovery.retainedPackets()).isEqualTo(5);
        } finally {
            bounded.stop();
        }
    }

    /** The attack: connect, join as many long rooms as allowed, drop; again and again, within maxDisconnection. */
    @Test
    void savedSessionsStayWithinTheirDefaultBudgetOldestDroppedFirst() throws Exception {
        List<String> rooms = new java.util.ArrayList<>();
        for (int r = 0; r < 998; r++) rooms.add(String.format("%0512d", r));
        List<String> comeBack = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            FakeEngineSocket engine = new FakeEngineSocket(io.engineListener()).receive("0");
            Socket socket = sockets.get(i);
            socket.join(rooms.toArray(new String[0]));
            socket.emit("hello");
            comeBack.add("0{\"pid\":\"" + json(engine.sentTexts().get(0)).get("pid").asText()
                    + "\",\"offset\":\"" + lastOffset(engine) + "\"}");
            engine.drop("transport close");
        }
        FakeEngineSocket first = new FakeEngineSocket(io.engineListener()).receive(comeBack.get(0));
        assertThat(json(first.sentTexts().get(0)).get("sid").asText()).as("the oldest session was dropped")
                .isNotEqualTo(sockets.get(0).id());
        FakeEngineSocket last = new FakeEngineSocket(io.engineListener()).receive(comeBack.get(39));
        assertThat(json(last.sentTexts().get(0)).get("sid").asText()).isEqualTo(sockets.get(39).id());
        assertThat(sockets.get(41).rooms()).hasSize(999);
    }

    @Test
    void savedSessionsStayWithinTheirCountAndRoomBudgets() throws Exception {
        SocketIoServer bounded = new SocketIoServer(ServerOptions.builder()
                .recovery(Duration.ofMinutes(2)).recoverySessions(3, 100_000).build());
        List<Socket> joined = new CopyOnWriteArrayList<>();
        bounded.onConnection(joined::add);
        try {
            Recovery recovery = bounded.sockets().recovery();
            List<String> comeBack = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                FakeEngineSocket engine = new FakeEngineSocket(bounded.engineListener()).receive("0");
                joined.get(i).emit("hello");
                comeBack.add("0{\"pid\":\"" + json(engine.sentTexts().get(0)).get("pid").asText()
                        + "\",\"offset\":\"" + lastOffset(engine) + "\"}");
                engine.drop("transport close");
                assertThat(recovery.savedSessions()).isLessThanOrEqualTo(3);
            }
            // one session of 250 rooms of about 400 characters: over the budget alone, so every session goes
            FakeEngineSocket big = new FakeEngineSocket(bounded.engineListener()).receive("0");
            Socket socket = joined.get(5);
            for (int r = 0; r < 250; r++) socket.join("r".repeat(400) + r);
            big.drop("transport close");
            assertThat(recovery.savedRoomChars()).isLessThanOrEqualTo(100_000);
            assertThat(recovery.savedSessions()).isZero();

            for (int i = 0; i < 5; i++) {
                FakeEngineSocket back = new FakeEngineSocket(bounded.engineListener()).receive(comeBack.get(i));
                assertThat(json(back.sentTexts().get(0)).get("sid").asText()).isNotEqualTo(joined.get(i).id());
            }
        } finally {
            bounded.stop();
        }
    }

    @Test
    void anEventNobodyCanReceiveNowOrOnReturnIsNeitherSentNorKept() throws Exception {
        Recovery recovery = io.sockets().recovery();
        assertThat(io.to("room1").hasAudience()).isFalse();
        assertThat(io.emit("into the void")).isZero();
        assertThat(recovery.retainedPackets()).isZero();

        FakeEngineSocket engine = new FakeEngineSocket(io.engineListener()).receive("0");
        Socket socket = sockets.get(0);
        socket.join("room1");
        assertThat(io.to("room2").hasAudience()).isFalse();
        assertThat(io.to("room1").except("room1").hasAudience()).isFalse();
        assertThat(io.to("room1").hasAudience()).isTrue();
        assertThat(io.to().hasAudience()).as("everyone").isTrue();
        assertThat(io.hasAudience(List.of())).as("everyone, asked with the rooms alone").isTrue();
        assertThat(io.hasAudience(List.of("room2", "room1"))).isTrue();
        io.to("room2").emit("not for anyone here");
        assertThat(recovery.retainedPackets()).isZero();
        io.to("room1").emit("heard");
        assertThat(recovery.retainedPackets()).isEqualTo(1);

        engine.drop("transport close");
        assertThat(io.to("room1").hasAudience()).as("the socket away may come back for it").isTrue();
        assertThat(io.to("room2").hasAudience()).isFalse();
        assertThat(io.to("room1").except("room1").hasAudience()).isFalse();
        assertThat(io.hasAudience(List.of("room1"))).as("asked with the rooms alone").isTrue();
        assertThat(io.hasAudience(List.of("room2"))).isFalse();
        assertThat(io.hasAudience(List.of("room2", "room1", "room1"))).as("any of them").isTrue();
        assertThat(io.hasAudience(List.of())).as("everyone, one of them away").isTrue();
        io.to("room1").emit("kept for its return");
        io.to("room2").emit("still nobody's");
        assertThat(recovery.retainedPackets()).isEqualTo(2);
    }

    @Test
    void anAudienceAskedForWhileASessionIsRestoredIsAnsweredOnceTheSocketIsBackInItsRooms() throws Exception {
        Recovery recovery = io.sockets().recovery();
        FakeEngineSocket engine = new FakeEngineSocket(io.engineListener()).receive("0");
        Socket socket = sockets.get(0);
        socket.join("room1");
        engine.drop("transport close");
        assertThat(io.hasAudience(List.of("room1"))).as("away").isTrue();

        String position = recovery.position();
        CompletableFuture<Boolean> asked;
        var restoring = recovery.restoring();
        restoring.lock();
        try {
            assertThat(recovery.claim(socket.pid(), position)).isNotNull();
            assertThat(recovery.restore(socket.pid(), position, room -> true)).isNotNull();
            assertThat(recovery.savedSessions()).as("no longer away").isZero();
            // neither away nor in its room yet: a "nobody" now would lose the row for it
            asked = CompletableFuture.supplyAsync(() -> io.hasAudience(List.of("room1")));
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !asked.isDone());
            io.sockets().adapter().addAll(socket.id(), Set.of("room1"));
        } finally {
            restoring.unlock();
        }
        assertThat(asked.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(io.hasAudience(List.of("room2"))).as("nobody away, nobody in it").isFalse();
    }

    @Test
    void offsetDroppedFromTheBufferGetsANewSessionWhileOneStillKeptGetsEveryMissedEventOnceInOrder() throws Exception {
        SocketIoServer bounded = new SocketIoServer(ServerOptions.builder()
                .recovery(Duration.ofMinutes(2)).recoveryBuffer(5, 1_000_000).build());
        List<Socket> joined = new CopyOnWriteArrayList<>();
        bounded.onConnection(joined::add);
        try {
            FakeEngineSocket early = new FakeEngineSocket(bounded.engineListener()).receive("0");
            FakeEngineSocket late = new FakeEngineSocket(bounded.engineListener()).receive("0");
            String earlyPid = json(early.sentTexts().get(0)).get("pid").asText();
            String latePid = json(late.sentTexts().get(0)).get("pid").asText();
            bounded.emit("e", 0);
            String earlyOffset = lastOffset(early);
            for (int i = 1; i <= 3; i++) bounded.emit("e", i);
            String lateOffset = lastOffset(late);
            early.drop("transport close");
            late.drop("transport close");
            // e0 .. e6 is seven events for a buffer of five: e0 and e1 are dropped.
            for (int i = 4; i <= 6; i++) bounded.emit("e", i);

            FakeEngineSocket earlyBack = new FakeEngineSocket(bounded.engineListener())
                    .receive("0{\"pid\":\"" + earlyPid + "\",\"offset\":\"" + earlyOffset + "\"}");
            assertThat(earlyBack.sentTexts()).hasSize(1);
            JsonNode fresh = json(earlyBack.sentTexts().get(0));
            assertThat(fresh.get("sid").asText()).isNotEqualTo(joined.get(0).id());
            assertThat(fresh.get("pid").asText()).isNotEqualTo(earlyPid);
            assertThat(joined.get(2).recovered()).isFalse();

            FakeEngineSocket lateBack = new FakeEngineSocket(bounded.engineListener())
                    .receive("0{\"pid\":\"" + latePid + "\",\"offset\":\"" + lateOffset + "\"}");
            List<String> sent = lateBack.sentTexts();
            assertThat(sent).hasSize(4);
            assertThat(sent.get(0)).startsWith("2[\"e\",4,\"");
            assertThat(sent.get(1)).startsWith("2[\"e\",5,\"");
            assertThat(sent.get(2)).startsWith("2[\"e\",6,\"");
            assertThat(json(sent.get(3)).get("sid").asText()).isEqualTo(joined.get(1).id());
            assertThat(joined.get(3).recovered()).isTrue();
        } finally {
            bounded.stop();
        }
    }

    /** socket.io-client sends its pid without an offset until it got an event: it missed all the session had. */
    @Test
    void aClientThatGotNoEventComesBackWithItsPidAloneAndGetsEveryEventOfItsSession() throws Exception {
        FakeEngineSocket first = new FakeEngineSocket(io.engineListener()).receive("0");
        Socket socket = sockets.get(0);
        String pid = json(first.sentTexts().get(0)).get("pid").asText();
        socket.join("room1");
        io.to("room1").emit("sent-but-not-received", 1); // lost with the transport, before the client read it
        first.drop("transport close");
        io.to("room1").emit("missed", 2);
        io.to("other").emit("not-mine");

        FakeEngineSocket second = new FakeEngineSocket(io.engineListener()).receive("0{\"pid\":\"" + pid + "\"}");
        List<String> sent = second.sentTexts();
        assertThat(sent).hasSize(3);
        assertThat(sent.get(0)).startsWith("2[\"sent-but-not-received\",1,\"");
        assertThat(sent.get(1)).startsWith("2[\"missed\",2,\"");
        assertThat(json(sent.get(2)).get("sid").asText()).isEqualTo(socket.id());
        assertThat(json(sent.get(2)).get("pid").asText()).isEqualTo(pid);
        Socket back = sockets.get(1);
        assertThat(back.recovered()).isTrue();
        assertThat(back.rooms()).containsExactlyInAnyOrder(socket.id(), "room1");

        FakeEngineSocket stranger = new FakeEngineSocket(io.engineListener()).receive("0{\"pid\":\"unknown\"}");
        assertThat(json(stranger.sentTexts().get(0)).get("sid").asText()).isNotEqualTo(socket.id());
        assertThat(sockets.get(2).recovered()).isFalse();
    }

    /**
     * A quiet client, whose last event (or whose session's start) aged out of the buffer while other rooms' events
     * came and went, missed none of those: it comes back, with an offset or without one.
     */
    @Test
    void aQuietClientRecoversAfterOtherRoomsEventsAgedOutOfTheBuffer() throws Exception {
        SocketIoServer bounded = new SocketIoServer(ServerOptions.builder()
                .recovery(Duration.ofMinutes(2)).recoveryBuffer(5, 1_000_000).build());
        List<Socket> joined = new CopyOnWriteArrayList<>();
        bounded.onConnection(joined::add);
        try {
            FakeEngineSocket withOffset = new FakeEngineSocket(bounded.engineListener()).receive("0");
            FakeEngineSocket without = new FakeEngineSocket(bounded.engineListener()).receive("0");
            FakeEngineSocket busy = new FakeEngineSocket(bounded.engineListener()).receive("0");
            joined.get(0).join("quiet1");
            joined.get(1).join("quiet2");
            joined.get(2).join("busy");
            bounded.to("quiet1").emit("seen");
            String offset = lastOffset(withOffset);
            for (int i = 0; i < 20; i++) bounded.to("busy").emit("e", i);
            withOffset.drop("transport close");
            without.drop("transport close");
            bounded.to("quiet1", "quiet2").emit("missed");

            String pid1 = json(withOffset.sentTexts().get(0)).get("pid").asText();
            FakeEngineSocket back1 = new FakeEngineSocket(bounded.engineListener())
                    .receive("0{\"pid\":\"" + pid1 + "\",\"offset\":\"" + offset + "\"}");
            String pid2 = json(without.sentTexts().get(0)).get("pid").asText();
            FakeEngineSocket back2 = new FakeEngineSocket(bounded.engineListener()).receive("0{\"pid\":\"" + pid2 + "\"}");
            for (FakeEngineSocket back : List.of(back1, back2)) {
                assertThat(back.sentTexts()).hasSize(2);
                assertThat(back.sentTexts().get(0)).startsWith("2[\"missed\",\"");
            }
            assertThat(joined.get(3).recovered()).isTrue();
            assertThat(joined.get(4).recovered()).isTrue();
        } finally {
            bounded.stop();
        }
    }

    /** socket.io-client keeps its last offset across a new session: the events before that session began are not its. */
    @Test
    void anOffsetFromAnEarlierSessionReplaysOnlyWhatCameSinceThisOneBegan() throws Exception {
        FakeEngineSocket bystander = new FakeEngineSocket(io.engineListener()).receive("0");
        sockets.get(0).join("room1");
        FakeEngineSocket first = new FakeEngineSocket(io.engineListener()).receive("0");
        sockets.get(1).join("room1");
        io.to("room1").emit("seen");
        String oldOffset = lastOffset(first);
        first.receive("1"); // a session that cannot be recovered: the client starts a new one
        io.to("room1").emit("before-the-new-session");
        FakeEngineSocket second = new FakeEngineSocket(io.engineListener()).receive("0");
        Socket socket = sockets.get(2);
        String pid = json(second.sentTexts().get(0)).get("pid").asText();
        socket.join("room1");
        second.drop("transport close");
        io.to("room1").emit("missed");

        FakeEngineSocket back = new FakeEngineSocket(io.engineListener())
                .receive("0{\"pid\":\"" + pid + "\",\"offset\":\"" + oldOffset + "\"}");
        List<String> sent = back.sentTexts();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0)).startsWith("2[\"missed\",\"");
        assertThat(json(sent.get(1)).get("sid").asText()).isEqualTo(socket.id());
        assertThat(bystander.isOpen()).isTrue();
    }

    /** A disconnect the client is meant to answer (an expired login): it comes back to its session. */
    @Test
    void aSessionDisconnectedKeepingItIsRecoveredWhileAPlainDisconnectIsNot() throws Exception {
        FakeEngineSocket first = new FakeEngineSocket(io.engineListener()).receive("0");
        Socket socket = sockets.get(0);
        String pid = json(first.sentTexts().get(0)).get("pid").asText();
        socket.join("room1");
        socket.emit("bye");
        String offset = lastOffset(first);
        socket.disconnectKeepingSession();
        await().atMost(5, TimeUnit.SECONDS).until(() -> !socket.connected());
        assertThat(first.sentTexts().get(first.sentTexts().size() - 1)).isEqualTo("1");
        io.to("room1").emit("missed");

        first.receive("0{\"pid\":\"" + pid + "\",\"offset\":\"" + offset + "\"}");
        await().atMost(5, TimeUnit.SECONDS).until(() -> sockets.size() == 2);
        assertThat(sockets.get(1).recovered()).isTrue();
        assertThat(sockets.get(1).id()).isEqualTo(socket.id());
        List<String> sent = first.sentTexts();
        assertThat(sent.get(sent.size() - 2)).startsWith("2[\"missed\",\"");

        FakeEngineSocket other = new FakeEngineSocket(io.engineListener()).receive("0");
        Socket plain = sockets.get(2);
        String otherPid = json(other.sentTexts().get(0)).get("pid").asText();
        plain.disconnect();
        await().atMost(5, TimeUnit.SECONDS).until(() -> !plain.connected());
        other.receive("0{\"pid\":\"" + otherPid + "\"}");
        await().atMost(5, TimeUnit.SECONDS).until(() -> sockets.size() == 4);
        assertThat(sockets.get(3).recovered()).isFalse();
        assertThat(sockets.get(3).id()).isNotEqualTo(plain.id());
    }

    /** Offsets compare by their number: the socket's last routed offset only moves forward, whichever emit sets it last. */
    @Test
    void anOffsetIsLaterByItsNumberNotItsText() {
        assertThat(Socket.later("abcdefgha", "abcdefgh9")).isTrue();
        assertThat(Socket.later("abcdefgh10", "abcdefghz")).isTrue();
        assertThat(Socket.later("abcdefghz", "abcdefgh10")).isFalse();
        assertThat(Socket.later("abcdefgh5", "abcdefgh5")).isFalse();
    }
}
