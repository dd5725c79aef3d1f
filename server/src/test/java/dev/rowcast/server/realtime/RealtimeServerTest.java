package dev.rowcast.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.auth.AuthOptions;
import dev.rowcast.server.rooms.InMemoryAdapter;
import dev.rowcast.server.testing.FailOnNettyLeak;
import dev.rowcast.server.testing.LogCapture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The plugin client's calls and the holes it left, over a hand-written client that sees the exact packets. */
@ExtendWith(FailOnNettyLeak.class)
class RealtimeServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private RealtimeServer realtime;
    private int port;

    private void start(RealtimeOptions options) {
        realtime = new RealtimeServer(options);
        port = realtime.start();
    }

    private static RealtimeOptions withAuth(AuthOptions.Builder auth) {
        return RealtimeOptions.builder().auth(auth.secret(Tokens.SECRET).build()).build();
    }

    @AfterEach
    void stop() {
        if (realtime != null) realtime.stop();
    }

    private static JsonNode envelope(int id) throws Exception {
        return JSON.readTree("{\"operation\":\"create\",\"collection\":\"notifications\",\"data\":{\"id\":" + id + ",\"message\":\"hi\"}}");
    }

    @Test
    void thePluginClientsCallsBehaveAsWithThePlugin() throws Exception {
        start(RealtimeOptions.defaults());
        try (RawClient a = RawClient.connect(port); RawClient b = RawClient.connect(port)) {
            a.send("42[\"identify\",\"u1\"]");
            a.send("42[\"join\",\"room1\"]");
            assertThat(a.next()).isEqualTo("42[\"presence:join\",{\"room\":\"room1\",\"userId\":\"u1\"}]");
            a.send("42[\"join\",[\"room2\",\"room3\"]]");
            assertThat(a.next()).isEqualTo("42[\"presence:join\",{\"room\":\"room2\",\"userId\":\"u1\"}]");
            assertThat(a.next()).isEqualTo("42[\"presence:join\",{\"room\":\"room3\",\"userId\":\"u1\"}]");
            a.send("42[\"leave\",\"room3\"]");
            b.send("42[\"join\",\"room1\"]");
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    realtime.socket(a.sid).rooms().equals(Set.of(a.sid, "room1", "room2"))
                            && realtime.socket(b.sid).rooms().equals(Set.of(b.sid, "room1")));

            // the relay: roomId stripped, extra arguments dropped, the sender included
            a.send("42[\"chat\",{\"roomId\":\"room1\",\"x\":1},\"dropped\"]");
            assertThat(a.next()).isEqualTo("42[\"chat\",{\"x\":1}]");
            assertThat(b.next()).isEqualTo("42[\"chat\",{\"x\":1}]");
            b.send("42[\"chat\",{\"b\":1,\"roomId\":\"room1\",\"a\":{\"k\":[2]}}]");
            assertThat(a.next()).isEqualTo("42[\"chat\",{\"b\":1,\"a\":{\"k\":[2]}}]");
            assertThat(b.next()).isEqualTo("42[\"chat\",{\"b\":1,\"a\":{\"k\":[2]}}]");

            // onCollection: a server emit to a room; room3 was left, so its event does not arrive
            realtime.to("room3").emit("realtime:notifications", envelope(3));
            realtime.to("room2").emit("realtime:notifications", envelope(2));
            String expected = "42[\"realtime:notifications\",{\"operation\":\"create\",\"collection\":\"notifications\","
                    + "\"data\":{\"id\":2,\"message\":\"hi\"}}]";
            assertThat(a.next()).isEqualTo(expected);
        }
    }

    @Test
    void everyRefusalAnswersTheAckOrARowcastErrorAndTheServerStaysUp() {
        start(RealtimeOptions.defaults());
        try (RawClient c = RawClient.connect(port); RawClient other = RawClient.connect(port)) {
            assertThat(c.call("421[\"join\",5]")).isEqualTo(
                    "431[{\"ok\":false,\"error\":\"a room id must be a non-empty string, got a number\",\"joined\":[]}]");
            c.send("42[\"join\",\"\"]");
            assertThat(c.next()).isEqualTo("42[\"rowcast:error\",{\"event\":\"join\","
                    + "\"error\":\"a room id must be a non-empty string, got an empty string\"}]");
            assertThat(c.call("422[\"join\",[\"ok1\",7]]")).as("a partial join names what it joined").isEqualTo(
                    "432[{\"ok\":false,\"error\":\"a room id must be a non-empty string, got a number\",\"joined\":[\"ok1\"]}]");
            assertThat(realtime.socket(c.sid).rooms()).contains("ok1");
            assertThat(c.call("423[\"join\",\"" + other.sid + "\"]"))
                    .isEqualTo("433[{\"ok\":false,\"error\":\"room '" + other.sid + "' is another connection's own room\",\"joined\":[]}]");
            assertThat(c.call("424[\"join\",\"ok2\"]")).isEqualTo("434[{\"ok\":true}]");

            // what killed the plugin's process
            c.send("42[\"x\",null]");
            assertThat(c.next()).isEqualTo("42[\"rowcast:error\",{\"event\":\"x\",\"error\":\"a relayed event needs an object "
                    + "{\\\"roomId\\\": ..., ...} as its first argument, got null\"}]");
            c.send("42[\"x\"]");
            assertThat(c.next()).endsWith("as its first argument, got nothing\"}]");
            assertThat(c.call("425[\"x\",[1]]")).endsWith("as its first argument, got an array\"}]");
            assertThat(c.call("426[\"x\",{\"roomId\":5}]"))
                    .isEqualTo("436[{\"ok\":false,\"error\":\"roomId must be a non-empty string, got a number\"}]");
            assertThat(c.call("427[\"x\",{\"y\":1}]"))
                    .isEqualTo("437[{\"ok\":false,\"error\":\"roomId must be a non-empty string, got nothing\"}]");
            assertThat(c.call("428[\"x\",{\"roomId\":\"elsewhere\"}]")).isEqualTo(
                    "438[{\"ok\":false,\"error\":\"join room 'elsewhere' before emitting into it (relay.requireMembership)\"}]");
            for (String fake : List.of("realtime:notifications", "presence:join", "rowcast:error")) {
                String prefix = fake.substring(0, fake.indexOf(':') + 1);
                assertThat(c.call("429[\"" + fake + "\",{\"roomId\":\"ok1\",\"operation\":\"create\"}]")).isEqualTo(
                        "439[{\"ok\":false,\"error\":\"event names starting with '" + prefix + "' are sent by the server only\"}]");
            }
            assertThat(c.call("4210[\"identify\",{}]")).startsWith("4310[{\"ok\":false,\"error\":\"identify needs a user id");
            assertThat(c.call("4211[\"identify\"]")).startsWith("4311[{\"ok\":false,\"error\":\"identify needs a user id");
            assertThat(c.call("4212[\"leave\",null]"))
                    .isEqualTo("4312[{\"ok\":false,\"error\":\"a room id must be a non-empty string, got null\"}]");
            assertThat(c.call("4213[\"leave\",\"" + c.sid + "\"]"))
                    .isEqualTo("4313[{\"ok\":false,\"error\":\"a connection cannot leave its own room\"}]");
            assertThat(c.call("4214[\"presence:list\",{}]"))
                    .isEqualTo("4314[{\"ok\":false,\"error\":\"a room id must be a non-empty string, got an object\"}]");

            // still serving, and the relay still works for a well-formed event
            c.send("4215[\"x\",{\"roomId\":\"ok1\",\"y\":1}]");
            assertThat(c.next()).isEqualTo("42[\"x\",{\"y\":1}]");
            assertThat(c.next()).isEqualTo("4315[{\"ok\":true}]");
            assertThat(realtime.stats().refusals()).isEqualTo(18);
        }
    }

    @Test
    void aConnectionCannotGrowTheRoomIndexWithoutBound() throws Exception {
        start(RealtimeOptions.defaults());
        try (RawClient c = RawClient.connect(port)) {
            StringBuilder rooms = new StringBuilder("421[\"join\",[");
            for (int i = 0; i < 1_000; i++) rooms.append(i == 0 ? "" : ",").append("\"r").append(i).append('"');
            JsonNode ack = ackOf(c.call(rooms.append("]]").toString()));
            assertThat(ack.get("ok").booleanValue()).isFalse();
            assertThat(ack.get("error").textValue()).isEqualTo("this connection is in 1000 rooms already, its own included; leave some first");
            assertThat(ack.get("joined")).hasSize(999);
            assertThat(realtime.socket(c.sid).rooms()).hasSize(1_000).contains("r998").doesNotContain("r999");
            assertThat(c.call("422[\"join\",\"" + "n".repeat(513) + "\"]")).isEqualTo(
                    "432[{\"ok\":false,\"error\":\"a room id must be at most 512 characters, got 513\",\"joined\":[]}]");
        }
    }

    @Test
    void aPartialJoinSaysWhichRoomsItJoined() throws Exception {
        start(withAuth(AuthOptions.builder().required(true).rooms(List.of("user:{sub}", "chat:*"))));
        try (RawClient c = RawClient.connectWithToken(port, Tokens.valid("2"))) {
            assertThat(c.call("421[\"join\",\"chat:before\"]")).isEqualTo("431[{\"ok\":true}]");

            assertThat(c.call("422[\"join\",[\"chat:ok\",\"user:1\",\"chat:before\",\"chat:ok\"]]")).isEqualTo(
                    "432[{\"ok\":false,\"error\":\"room 'user:1' is not allowed for this connection (auth.rooms)\","
                            + "\"joined\":[\"chat:ok\",\"chat:before\"]}]");
            assertThat(realtime.socket(c.sid).rooms()).containsExactlyInAnyOrder(c.sid, "chat:before", "chat:ok");
        }
    }

    /** A refusal once per room made a 3,000-room join's ack 120 KB, and a 76,000-room one's outgrow the send queue. */
    @Test
    void theAckOfAHugeJoinStaysSmallAndTheConnectionStaysUp() throws Exception {
        start(withAuth(AuthOptions.builder().rooms(List.of("chat:*"))));
        try (RawClient c = RawClient.connect(port)) {
            StringBuilder rooms = new StringBuilder("421[\"join\",[\"chat:a\",5,\"x:1\",true,\"x:2\"");
            for (int i = 0; i < 76_000; i++) rooms.append(",\"chat:").append(i).append('"');
            assertThat(rooms.length()).as("within maxPayload").isLessThan(1_000_000);

            String reply = c.call(rooms.append("]]").toString());
            JsonNode ack = ackOf(reply);
            assertThat(ack.get("error").textValue()).isEqualTo("a room id must be a non-empty string, got a number; "
                    + "room 'x:1' is not allowed for this connection (auth.rooms); a room id must be a non-empty string, got a boolean"
                    + " (75006 of the 76005 rooms refused)");
            assertThat(ack.get("joined")).hasSize(999);
            assertThat(ack.get("joined").get(0).textValue()).isEqualTo("chat:a");
            assertThat(reply.length()).as("the ack: the rooms joined, and a few reasons").isLessThan(16_000);

            c.send("42[\"join\",[5,6,7,8]]");
            assertThat(c.next()).as("without an ack too").isEqualTo("42[\"rowcast:error\",{\"event\":\"join\",\"error\":"
                    + "\"a room id must be a non-empty string, got a number (4 of the 4 rooms refused)\"}]");
            assertThat(c.call("422[\"leave\",[5,6,7,8,9]]")).isEqualTo("432[{\"ok\":false,\"error\":"
                    + "\"a room id must be a non-empty string, got a number (5 of the 5 rooms refused)\"}]");
            assertThat(c.call("423[\"leave\",\"chat:a\"]")).as("still connected").isEqualTo("433[{\"ok\":true}]");
        }
    }

    /**
     * Connections opened in a loop, each joining 999 rooms of 512-character names, held 0.78 MB of heap
     * each, until the host app died of OutOfMemoryError: all connections' rooms together have a budget.
     */
    @Test
    void joinsPastTheServersRoomBudgetAreRefusedAndSaidOnceInTheLog() throws Exception {
        long budget = 1_000_000;
        // these clients have no token: no user's share holds them, the server's budget does
        start(RealtimeOptions.builder().maxRoomBytes(budget).build());
        var adapter = realtime.socketIo().sockets().adapter();
        try (LogCapture log = LogCapture.server()) {
            List<RawClient> clients = new java.util.ArrayList<>();
            try {
                int joinedInAll = 0;
                JsonNode last = null;
                for (int connection = 0; connection < 3; connection++) {
                    RawClient c = RawClient.connect(port);
                    clients.add(c);
                    StringBuilder rooms = new StringBuilder("421[\"join\",[");
                    for (int i = 0; i < 999; i++) {
                        String prefix = "chat:" + connection + "-" + i + "-";
                        rooms.append(i == 0 ? "" : ",").append('"').append(prefix).append("r".repeat(512 - prefix.length())).append('"');
                    }
                    last = ackOf(c.call(rooms.append("]]").toString()));
                    joinedInAll += last.get("joined").size();
                }
                long perRoom = dev.rowcast.server.rooms.InMemoryAdapter.roomBytes("r".repeat(512))
                        + dev.rowcast.server.rooms.InMemoryAdapter.MEMBERSHIP_BYTES;
                assertThat(joinedInAll).isEqualTo((int) (budget / perRoom));
                assertThat(adapter.estimatedBytes()).isLessThanOrEqualTo(budget);
                assertThat(last.get("ok").booleanValue()).isFalse();
                assertThat(last.get("joined")).isEmpty();
                assertThat(last.get("error").textValue()).isEqualTo(
                        "the server holds as many rooms as its memory allows; leave some, or try again later (999 of the 999 rooms refused)");
                assertThat(realtime.stats().refusals()).isEqualTo(3);

                List<String> said = log.lines().stream().filter(line -> line.contains("[rowcast] rooms:")).toList();
                assertThat(said).singleElement().satisfies(line -> assertThat(line).startsWith("WARNING [rowcast] rooms: refused ")
                        .contains("1.0 MB of the 1.0 MB they may"));

                // the server serves on, and a room let go is room for another
                RawClient first = clients.get(0);
                first.close();
                await().atMost(Duration.ofSeconds(5)).until(() -> adapter.estimatedBytes() < budget / 2);
                assertThat(clients.get(2).call("422[\"join\",\"chat:" + "r".repeat(500) + "\"]")).isEqualTo("432[{\"ok\":true}]");
            } finally {
                for (RawClient c : clients) c.close();
            }
        }
    }

    /**
     * One user whose connections filled the server's room budget held back every other user's joins
     * until it left: each user has a share of the budget, and only its own joins stop at it.
     */
    @Test
    void oneUserFillingItsShareOfTheRoomBudgetHoldsBackOnlyItsOwnJoins() throws Exception {
        long share = 100_000;
        start(RealtimeOptions.builder().auth(AuthOptions.builder().required(true).secret(Tokens.SECRET).build())
                .maxRoomBytes(1_000_000).maxRoomBytesPerUser(share).build());
        long perRoom = dev.rowcast.server.rooms.InMemoryAdapter.roomBytes("r".repeat(512))
                + dev.rowcast.server.rooms.InMemoryAdapter.MEMBERSHIP_BYTES;
        try (LogCapture log = LogCapture.server();
             RawClient tab1 = RawClient.connectWithToken(port, Tokens.valid("1"));
             RawClient tab2 = RawClient.connectWithToken(port, Tokens.valid("1"));
             RawClient other = RawClient.connectWithToken(port, Tokens.valid("2"))) {
            JsonNode first = ackOf(tab1.call(joinOfLongRooms(1, "a")));
            JsonNode second = ackOf(tab2.call(joinOfLongRooms(2, "b")));
            assertThat(first.get("joined").size() + second.get("joined").size()).as("both tabs together").isEqualTo((int) (share / perRoom));
            assertThat(second.get("error").textValue()).isEqualTo(
                    "this user's connections hold as many rooms as one user may; leave some first (999 of the 999 rooms refused)");
            assertThat(ackOf(other.call(joinOfLongRooms(3, "c"))).get("joined")).as("another user joins its own share").hasSize((int) (share / perRoom));
            assertThat(log.lines().stream().filter(line -> line.contains("[rowcast] rooms:"))).singleElement()
                    .satisfies(line -> assertThat(line).contains("the rooms of user 1's connections hold about 0.1 MB of the 0.1 MB one user may"));

            // a room left is room for another, and the accounting is the user's rooms exactly
            String left = first.get("joined").get(0).textValue();
            assertThat(tab1.call("425[\"leave\",\"" + left + "\"]")).isEqualTo("435[{\"ok\":true}]");
            assertThat(realtime.users().held("user 1")).containsExactly(2, (share / perRoom - 1) * perRoom);
            assertThat(tab2.call("426[\"join\",\"" + left + "\"]")).isEqualTo("436[{\"ok\":true}]");
            tab1.close();
            tab2.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> realtime.users().held("user 1")[0] == 0);
            assertThat(realtime.users().held("user 1")).containsExactly(0, 0);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> realtime.users().users() == 0);
    }

    /** {@code 42<ack>["join",[999 rooms of 512 characters]]}. */
    private static String joinOfLongRooms(int ack, String tag) {
        StringBuilder rooms = new StringBuilder("42" + ack + "[\"join\",[");
        for (int i = 0; i < 999; i++) {
            String prefix = "chat:" + tag + "-" + i + "-";
            rooms.append(i == 0 ? "" : ",").append('"').append(prefix).append("r".repeat(512 - prefix.length())).append('"');
        }
        return rooms.append("]]").toString();
    }

    @Test
    void aUserHasASixteenthOfTheRoomBudgetAndAHundredConnectionsUnlessSet() {
        RealtimeOptions defaults = RealtimeOptions.defaults();
        assertThat(defaults.maxRoomBytesPerUser()).isEqualTo(defaults.maxRoomBytes() / 16);
        assertThat(RealtimeOptions.builder().maxRoomBytes(1_600).build().maxRoomBytesPerUser()).isEqualTo(100);
        assertThat(defaults.maxConnectionsPerUser()).isEqualTo(100);
    }

    /** A flood of connections from one token took some 5 KB of heap each, without a limit. */
    @Test
    void aUserPastItsConnectionsIsRefusedOnceInTheLogWhileOthersConnect() {
        start(RealtimeOptions.builder().auth(AuthOptions.builder().required(true).secret(Tokens.SECRET).build())
                .maxConnectionsPerUser(2).build());
        String refusal = "44{\"message\":\"Too many connections: one user may have 2 at once; close some first\","
                + "\"data\":{\"reason\":\"connections\"}}";
        try (LogCapture log = LogCapture.server();
             RawClient tab1 = RawClient.connectWithToken(port, Tokens.valid("1"));
             RawClient tab2 = RawClient.connectWithToken(port, Tokens.valid("1"))) {
            for (int i = 0; i < 3; i++) {
                try (RawClient third = RawClient.open(port, "{\"token\":\"" + Tokens.valid("1") + "\"}")) {
                    assertThat(third.next()).isEqualTo(refusal);
                }
            }
            try (RawClient other = RawClient.connectWithToken(port, Tokens.valid("2"))) {
                assertThat(other.call("421[\"join\",\"r\"]")).isEqualTo("431[{\"ok\":true}]");
            }
            assertThat(realtime.stats().connectionsOverLimit()).isEqualTo(3);
            assertThat(log.lines().stream().filter(line -> line.contains("[rowcast] connections:"))).singleElement()
                    .satisfies(line -> assertThat(line).startsWith("WARNING [rowcast] connections: refused a connection of user 1,"
                            + " which has 2 open already (maxConnectionsPerUser)"));

            // a connection closed is a place for another
            tab1.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> realtime.users().held("user 1")[0] == 1);
            try (RawClient again = RawClient.connectWithToken(port, Tokens.valid("1"))) {
                assertThat(again.call("421[\"join\",\"r\"]")).isEqualTo("431[{\"ok\":true}]");
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> realtime.users().users() == 0);
    }

    /** Behind a proxy every client without a token has one address: they are not one user, and not counted as one. */
    @Test
    void connectionsWithoutATokenAreNoOnesShare() {
        start(RealtimeOptions.builder().maxConnectionsPerUser(1).maxRoomBytesPerUser(1).build());
        try (RawClient first = RawClient.connect(port); RawClient second = RawClient.connect(port)) {
            assertThat(second.call("421[\"join\",\"lobby\"]")).isEqualTo("431[{\"ok\":true}]");
            assertThat(realtime.users().users()).isZero();
        }
    }

    /**
     * A connection a later middleware refuses, or whose recovery falls back to a fresh CONNECT, gives its
     * place back: at one connection a user, the fresh CONNECT after a failed recovery is let in.
     */
    @Test
    void aRecoveryThatEndsAsAFreshConnectIsNotRefusedForItsOwnPlace() {
        start(RealtimeOptions.builder().server(ServerOptions.builder().recovery(Duration.ofMinutes(1)).build())
                .auth(AuthOptions.builder().required(true).secret(Tokens.SECRET).build())
                .outboundQueue(20, 4_000).maxConnectionsPerUser(1).build());
        realtime.socketIo().use((socket, next) -> {
            if (socket.handshake().auth().has("refuse")) next.refuse("no");
            else next.proceed();
        });
        try (RawClient refused = RawClient.open(port, "{\"refuse\":true,\"token\":\"" + Tokens.valid("1") + "\"}")) {
            assertThat(refused.next()).isEqualTo("44{\"message\":\"no\"}");
        }
        String back = awayFrom("many", Tokens.valid("1"));
        for (int i = 0; i < 30; i++) realtime.to("many").emit("missed", i); // more than the send queue takes at once
        String sid = back.substring(0, back.indexOf(' '));
        try (RawClient client = RawClient.open(port, back.substring(back.indexOf(' ') + 1))) {
            assertThat(client.next()).startsWith("40{\"sid\":\"").doesNotContain(sid);
            assertThat(realtime.users().held("user 1")).containsExactly(1, 0);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> realtime.users().users() == 0);
    }

    /** A client back through recovery, at one connection a user, gets its session and its rooms' bytes again. */
    @Test
    void aRecoveredConnectionIsLetInAndHoldsItsRoomsAgain() {
        start(RealtimeOptions.builder().server(ServerOptions.builder().recovery(Duration.ofMinutes(1)).build())
                .auth(AuthOptions.builder().required(true).secret(Tokens.SECRET).build())
                .maxConnectionsPerUser(1).build());
        String back = awayFrom("r", Tokens.valid("1"));
        assertThat(realtime.users().users()).isZero();
        String sid = back.substring(0, back.indexOf(' '));
        try (RawClient client = RawClient.open(port, back.substring(back.indexOf(' ') + 1))) {
            String reply;
            do reply = client.next(); while (!reply.startsWith("40{"));
            assertThat(reply).startsWith("40{\"sid\":\"" + sid + "\"");
            long roomBytes = InMemoryAdapter.roomBytes("r") + InMemoryAdapter.MEMBERSHIP_BYTES;
            await().atMost(Duration.ofSeconds(5)).until(() -> realtime.users().held("user 1")[1] == roomBytes);
            assertThat(realtime.users().held("user 1")).containsExactly(1, roomBytes);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> realtime.users().users() == 0);
    }

    @Test
    void theDefaultRoomBudgetIsAnEighthOfTheHeap() {
        assertThat(RealtimeOptions.defaults().maxRoomBytes()).isEqualTo(Runtime.getRuntime().maxMemory() / 8);
    }

    private static JsonNode ackOf(String packet) throws Exception {
        return JSON.readTree(packet.substring(packet.indexOf('['))).get(0);
    }

    @Test
    void anOutboundQueueLimitKeepsEveryOtherServerOption() {
        ServerOptions server = ServerOptions.builder().path("/rt").recovery(Duration.ofSeconds(30)).recoveryBuffer(7, 700)
                .recoverySessions(5, 500).cluster(dev.rowcast.server.cluster.ClusterOptions.builder("redis://127.0.0.1:1").build())
                .build();
        ServerOptions limited = RealtimeOptions.builder().server(server).outboundQueue(3, 3_000).build().server();
        assertThat(limited.engine().maxQueuedPackets()).isEqualTo(3);
        assertThat(limited.engine().maxQueuedBytes()).isEqualTo(3_000);
        assertThat(limited.path()).isEqualTo("/rt");
        assertThat(limited.recovery()).isEqualTo(Duration.ofSeconds(30));
        assertThat(limited.recoveryMaxPackets()).isEqualTo(7);
        assertThat(limited.recoveryMaxSessions()).isEqualTo(5);
        assertThat(limited.recoveryMaxRoomChars()).isEqualTo(500);
        assertThat(limited.cluster()).isSameAs(server.cluster());
    }

    /** In a cluster each join stores the socket's session with all its rooms: a join of many rooms must do it once. */
    @Test
    void aJoinOfManyRoomsJoinsThemAtOnce() {
        Map<String, Integer> joins = new java.util.concurrent.ConcurrentHashMap<>();
        start(RealtimeOptions.builder().server(ServerOptions.builder().adapterFactory(delivery ->
                new CountingAdapter(new dev.rowcast.server.rooms.InMemoryAdapter(delivery), joins)).build()).build());
        try (RawClient c = RawClient.connect(port)) {
            StringBuilder rooms = new StringBuilder("421[\"join\",[");
            for (int i = 0; i < 300; i++) rooms.append(i == 0 ? "" : ",").append("\"r").append(i).append('"');
            assertThat(c.call(rooms.append(",\"r0\"]]").toString())).isEqualTo("431[{\"ok\":true}]");
            assertThat(realtime.socket(c.sid).rooms()).hasSize(301);
            assertThat(joins.get(c.sid)).as("adapter joins: its own room, then the 300").isEqualTo(2);
        }
    }

    /** Counts each socket's joins, and passes everything on. */
    private record CountingAdapter(dev.rowcast.server.rooms.Adapter adapter, Map<String, Integer> joins)
            implements dev.rowcast.server.rooms.Adapter {
        @Override
        public void addAll(String socketId, Set<String> rooms) {
            joins.merge(socketId, 1, Integer::sum);
            adapter.addAll(socketId, rooms);
        }

        @Override
        public void remove(String socketId, String room) {
            adapter.remove(socketId, room);
        }

        @Override
        public void removeAll(String socketId) {
            adapter.removeAll(socketId);
        }

        @Override
        public Set<String> socketRooms(String socketId) {
            return adapter.socketRooms(socketId);
        }

        @Override
        public Set<String> sockets(Set<String> rooms) {
            return adapter.sockets(rooms);
        }

        @Override
        public Set<String> rooms() {
            return adapter.rooms();
        }

        @Override
        public int broadcast(dev.rowcast.server.protocol.Packet packet, Set<String> rooms, Set<String> exceptRooms) {
            return adapter.broadcast(packet, rooms, exceptRooms);
        }
    }

    @Test
    void launchOnAPortInUseFailsWithAClearErrorAndTheRunningServerIsUntouched() {
        start(RealtimeOptions.defaults());
        RealtimeOptions samePort = RealtimeOptions.builder().server(ServerOptions.builder()
                .engine(dev.rowcast.server.engine.EngineOptions.builder().port(port).build()).build()).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RealtimeServer.launch(samePort))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot listen on 127.0.0.1:" + port);
        try (RawClient c = RawClient.connect(port)) {
            assertThat(c.call("421[\"join\",\"room\"]")).isEqualTo("431[{\"ok\":true}]");
            // the agent's emit: a plain map keeps its key order on the wire
            Map<String, Object> envelope = new java.util.LinkedHashMap<>();
            envelope.put("operation", "update");
            envelope.put("collection", "posts");
            envelope.put("data", Map.of("id", 9));
            assertThat(realtime.to("room").emit("realtime:posts", envelope)).isEqualTo(1);
            assertThat(c.next()).isEqualTo("42[\"realtime:posts\",{\"operation\":\"update\",\"collection\":\"posts\",\"data\":{\"id\":9}}]");
        }
    }

    @Test
    void aDisabledRelayRefusesEveryRelayedEvent() {
        start(RealtimeOptions.builder().relay(false, true).build());
        try (RawClient c = RawClient.connect(port)) {
            assertThat(c.call("421[\"join\",\"room1\"]")).isEqualTo("431[{\"ok\":true}]");
            assertThat(c.call("422[\"chat\",{\"roomId\":\"room1\",\"x\":1}]")).isEqualTo(
                    "432[{\"ok\":false,\"error\":\"relaying client events is disabled on this server (relay.enabled)\"}]");
        }
    }

    /** A socket past its relay allowance is refused until its bucket fills again; another socket is not. */
    @Test
    void aSocketRelayingFasterThanItsLimitIsRefusedUntilItSlowsDown() {
        start(RealtimeOptions.builder().relay(true, true, 2, 3).build());
        try (RawClient flooder = RawClient.connect(port); RawClient other = RawClient.connect(port)) {
            assertThat(flooder.call("421[\"join\",\"room1\"]")).isEqualTo("431[{\"ok\":true}]");
            assertThat(other.call("421[\"join\",\"room1\"]")).isEqualTo("431[{\"ok\":true}]");
            for (int i = 2; i <= 4; i++) {
                assertThat(flooder.call("42" + i + "[\"chat\",{\"roomId\":\"room1\",\"n\":" + i + "}]"))
                        .isEqualTo("42[\"chat\",{\"n\":" + i + "}]");
                assertThat(flooder.next()).isEqualTo("43" + i + "[{\"ok\":true}]");
            }
            // a burst of 3 taken at once: the fourth is refused, and reaches nobody
            assertThat(flooder.call("425[\"chat\",{\"roomId\":\"room1\",\"n\":5}]")).isEqualTo("435[{\"ok\":false,\"error\":"
                    + "\"too many relayed events: at most 2 a second, 3 at once (relay.maxPerSecond, relay.burst)\"}]");
            assertThat(other.call("421[\"chat\",{\"roomId\":\"room1\",\"from\":\"other\"}]")).isEqualTo("42[\"chat\",{\"n\":2}]");
            assertThat(other.next()).isEqualTo("42[\"chat\",{\"n\":3}]");
            assertThat(other.next()).isEqualTo("42[\"chat\",{\"n\":4}]");
            assertThat(other.next()).isEqualTo("42[\"chat\",{\"from\":\"other\"}]");
            assertThat(other.next()).isEqualTo("431[{\"ok\":true}]");
            // half a second later the bucket holds a token again
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() ->
                    flooder.call("426[\"chat\",{\"roomId\":\"room1\",\"n\":6}]").startsWith("42[\"chat\""));
        }
    }

    @Test
    void aRelayBucketRefillsAtItsRateUpToItsSize() {
        Relay.Bucket bucket = new Relay.Bucket(10, 2);
        long t = System.nanoTime();
        assertThat(bucket.take(t)).isTrue();
        assertThat(bucket.take(t)).isTrue();
        assertThat(bucket.take(t)).isFalse();
        assertThat(bucket.take(t + 50_000_000)).isFalse(); // half a token
        assertThat(bucket.take(t + 100_000_000)).isTrue(); // one token after 100 ms
        assertThat(bucket.take(t + 10_000_000_000L)).isTrue(); // a long pause fills it to 2, no more
        assertThat(bucket.take(t + 10_000_000_000L)).isTrue();
        assertThat(bucket.take(t + 10_000_000_000L)).isFalse();
    }

    @Test
    void withoutRequiredMembershipAnyoneMayEmitIntoAnAllowedRoom() {
        start(RealtimeOptions.builder().relay(true, false).build());
        try (RawClient member = RawClient.connect(port); RawClient outsider = RawClient.connect(port)) {
            assertThat(member.call("421[\"join\",\"room1\"]")).isEqualTo("431[{\"ok\":true}]");
            assertThat(outsider.call("421[\"chat\",{\"roomId\":\"room1\",\"x\":1}]")).isEqualTo("431[{\"ok\":true}]");
            assertThat(member.next()).isEqualTo("42[\"chat\",{\"x\":1}]");
        }
    }

    /** auth.rooms reads a claim the tokens do not carry: the log says which, once, with the claims they have; the client learns no rule. */
    @Test
    void aRoomRefusedForWantOfAClaimIsExplainedInTheLogOnce() throws Exception {
        try (LogCapture log = LogCapture.server()) {
            start(withAuth(AuthOptions.builder().rooms(List.of("org:{org}:user:{userId}", "chat:*"))));
            try (RawClient withToken = RawClient.connectWithToken(port, Tokens.valid("1"));
                 RawClient without = RawClient.connect(port)) {
                String refused = "431[{\"ok\":false,\"error\":\"room 'org:7:user:1' is not allowed for this connection (auth.rooms)\",\"joined\":[]}]";
                assertThat(withToken.call("421[\"join\",\"org:7:user:1\"]")).isEqualTo(refused);
                assertThat(withToken.call("421[\"join\",\"org:7:user:1\"]")).isEqualTo(refused);
                assertThat(without.call("421[\"join\",\"org:7:user:1\"]")).isEqualTo(refused);
                // a room that parts from every pattern before a claim: nothing to explain
                assertThat(withToken.call("422[\"join\",\"other:1\"]")).startsWith("432[{\"ok\":false");
            }
            assertThat(log.lines()).filteredOn(line -> line.contains("auth.rooms")).singleElement().asString()
                    .startsWith("WARNING [rowcast] auth.rooms: 'org:{org}:user:{userId}' reads the token claim 'org', which a"
                            + " connection whose token has the claims ")
                    .contains("sub").contains("has no usable value for");
        }
    }

    @Test
    void oneUserCanNeitherReadNorWriteAnotherUsersRoom() throws Exception {
        start(withAuth(AuthOptions.builder().required(true).rooms(List.of("user:{sub}", "chat:*"))));
        try (RawClient u1 = RawClient.connectWithToken(port, Tokens.valid("1"));
             RawClient u2 = RawClient.connectWithToken(port, Tokens.valid("2"))) {
            assertThat(u1.call("421[\"join\",\"user:1\"]")).isEqualTo("431[{\"ok\":true}]");
            assertThat(u2.call("421[\"join\",\"user:1\"]")).isEqualTo(
                    "431[{\"ok\":false,\"error\":\"room 'user:1' is not allowed for this connection (auth.rooms)\",\"joined\":[]}]");
            assertThat(u2.call("422[\"join\",[\"user:2\",\"chat:lobby\"]]")).isEqualTo("432[{\"ok\":true}]");
            assertThat(u2.call("423[\"secret\",{\"roomId\":\"user:1\",\"x\":1}]")).isEqualTo(
                    "433[{\"ok\":false,\"error\":\"room 'user:1' is not allowed for this connection (auth.rooms)\"}]");
            assertThat(u2.call("424[\"realtime:notifications\",{\"roomId\":\"user:2\",\"operation\":\"create\"}]"))
                    .isEqualTo("434[{\"ok\":false,\"error\":\"event names starting with 'realtime:' are sent by the server only\"}]");
            assertThat(u2.call("425[\"identify\",\"1\"]")).isEqualTo(
                    "435[{\"ok\":false,\"error\":\"user id '1' is not the user of this connection's token\"}]");
            // identified after joining: announced in the rooms it is already in, then the ack
            assertThat(u2.call("426[\"identify\",2]")).isEqualTo("42[\"presence:join\",{\"room\":\"chat:lobby\",\"userId\":\"2\"}]");
            assertThat(u2.next()).isEqualTo("42[\"presence:join\",{\"room\":\"user:2\",\"userId\":\"2\"}]");
            assertThat(u2.next()).isEqualTo("436[{\"ok\":true}]");
            u2.send("42[\"x\",null]");
            assertThat(u2.next()).startsWith("42[\"rowcast:error\",{\"event\":\"x\"");
            u2.send("42[\"x\"]");
            assertThat(u2.next()).startsWith("42[\"rowcast:error\",{\"event\":\"x\"");

            realtime.to("user:1").emit("realtime:notifications", envelope(1));
            realtime.to("user:2").emit("sentinel", "after user 1's event");
            assertThat(u1.next()).isEqualTo("42[\"realtime:notifications\",{\"operation\":\"create\","
                    + "\"collection\":\"notifications\",\"data\":{\"id\":1,\"message\":\"hi\"}}]");
            assertThat(u2.next()).as("user 2's next packet").isEqualTo("42[\"sentinel\",\"after user 1's event\"]");

            @SuppressWarnings("unchecked")
            Map<String, Object> claims = (Map<String, Object>) realtime.socket(u1.sid).data().get(SocketData.CLAIMS);
            assertThat(claims).containsEntry("sub", "1");
            assertThat(realtime.socket(u2.sid).data()).containsEntry(SocketData.TOKEN_USER, "2").containsEntry(SocketData.USER_ID, "2");
        }
    }

    @Test
    void refusedTokensGetThePluginsConnectErrors() {
        start(withAuth(AuthOptions.builder().required(true)));
        try (RawClient none = RawClient.open(port, null);
             RawClient empty = RawClient.open(port, "{\"token\":\"\"}");
             RawClient expired = RawClient.open(port, "{\"token\":\"" + Tokens.hs256(Tokens.SECRET, "1", Instant.now().minusSeconds(3600)) + "\"}");
             RawClient forged = RawClient.open(port, "{\"token\":\"" + Tokens.hs256(Tokens.OTHER_SECRET, "1", null) + "\"}");
             RawClient garbage = RawClient.open(port, "{\"token\":\"not.a.jwt\"}")) {
            assertThat(none.next()).isEqualTo("44{\"message\":\"Missing token\",\"data\":{\"reason\":\"missing\"}}");
            assertThat(empty.next()).isEqualTo("44{\"message\":\"Missing token\",\"data\":{\"reason\":\"missing\"}}");
            assertThat(expired.next()).isEqualTo("44{\"message\":\"Invalid token\",\"data\":{\"reason\":\"expired\"}}");
            assertThat(forged.next()).isEqualTo("44{\"message\":\"Invalid token\",\"data\":{\"reason\":\"signature\"}}");
            assertThat(garbage.next()).isEqualTo("44{\"message\":\"Invalid token\",\"data\":{\"reason\":\"malformed\"}}");
        }
        try (RawClient valid = RawClient.connectWithToken(port, Tokens.valid("7"))) {
            assertThat(realtime.socket(valid.sid).data()).containsEntry(SocketData.TOKEN_USER, "7");
        }
    }

    @Test
    void withAKeyButNoRequirementATokenIsOptionalButNeverIgnoredWhenBad() {
        start(withAuth(AuthOptions.builder().required(false).rooms(List.of("user:{sub}", "chat:*"))));
        try (RawClient anonymous = RawClient.connect(port);
             RawClient forged = RawClient.open(port, "{\"token\":\"" + Tokens.hs256(Tokens.OTHER_SECRET, "1", null) + "\"}");
             RawClient user = RawClient.connectWithToken(port, Tokens.valid("1"))) {
            assertThat(forged.next()).isEqualTo("44{\"message\":\"Invalid token\",\"data\":{\"reason\":\"signature\"}}");
            assertThat(anonymous.call("421[\"join\",\"chat:lobby\"]")).isEqualTo("431[{\"ok\":true}]");
            assertThat(anonymous.call("422[\"join\",\"user:1\"]")).startsWith("432[{\"ok\":false");
            assertThat(user.call("421[\"join\",\"user:1\"]")).isEqualTo("431[{\"ok\":true}]");
        }
    }

    @Test
    void aConnectionIsClosedWhenItsTokenExpires() throws Exception {
        start(withAuth(AuthOptions.builder().required(true).clockSkew(Duration.ZERO)));
        String token = Tokens.hs256(Tokens.SECRET, "1", Instant.now().plusSeconds(2));
        try (RawClient c = RawClient.connectWithToken(port, token)) {
            assertThat(c.call("421[\"join\",\"room\"]")).isEqualTo("431[{\"ok\":true}]");
            assertThat(c.next()).isEqualTo("42[\"rowcast:error\",{\"event\":\"auth\",\"error\":\"Token expired\"}]");
            assertThat(c.next()).isEqualTo("41");
            await().atMost(Duration.ofSeconds(2)).until(() -> realtime.socket(c.sid) == null);
        }
    }

    @Test
    void presenceCountsSeveralTabsOfOneUserOnce() {
        start(RealtimeOptions.defaults());
        try (RawClient a1 = RawClient.connect(port); RawClient a2 = RawClient.connect(port); RawClient b = RawClient.connect(port)) {
            a1.send("42[\"identify\",\"a\"]");
            a1.send("42[\"join\",\"r\"]");
            assertThat(a1.next()).isEqualTo("42[\"presence:join\",{\"room\":\"r\",\"userId\":\"a\"}]");
            a2.send("42[\"identify\",\"a\"]");
            assertThat(a2.call("421[\"join\",\"r\"]")).as("a second tab is no news").isEqualTo("431[{\"ok\":true}]");

            // b joins before it identifies: it is announced when it does
            assertThat(b.call("421[\"join\",\"r\"]")).isEqualTo("431[{\"ok\":true}]");
            assertThat(b.call("422[\"identify\",\"b\"]")).isEqualTo("42[\"presence:join\",{\"room\":\"r\",\"userId\":\"b\"}]");
            assertThat(b.next()).isEqualTo("432[{\"ok\":true}]");
            assertThat(a1.next()).isEqualTo("42[\"presence:join\",{\"room\":\"r\",\"userId\":\"b\"}]");
            assertThat(a2.next()).isEqualTo("42[\"presence:join\",{\"room\":\"r\",\"userId\":\"b\"}]");
            assertThat(b.call("423[\"presence:list\",\"r\"]")).isEqualTo("433[{\"ok\":true,\"users\":[\"a\",\"b\"]}]");

            // a's first tab leaves: a is still there through the second
            a1.send("42[\"leave\",\"r\"]");
            assertThat(a1.call("421[\"presence:list\",\"r\"]")).isEqualTo("431[{\"ok\":true,\"users\":[\"a\",\"b\"]}]");
            // a's last tab goes away: b hears it
            a2.close();
            assertThat(b.next()).isEqualTo("42[\"presence:leave\",{\"room\":\"r\",\"userId\":\"a\"}]");
            assertThat(b.call("424[\"presence:list\",\"r\"]")).isEqualTo("434[{\"ok\":true,\"users\":[\"b\"]}]");
            b.send("42[\"presence:list\",\"r\"]");
            assertThat(b.next()).isEqualTo("42[\"rowcast:error\",{\"event\":\"presence:list\","
                    + "\"error\":\"presence:list answers through its ack: emit it with a callback\"}]");
            assertThat(realtime.stats().presenceRooms()).isEqualTo(1);
        }
    }

    @Test
    void aRecoveredConnectionKeepsItsIdentityAndIsAnnouncedAgain() {
        start(RealtimeOptions.builder().server(ServerOptions.builder().recovery(Duration.ofMinutes(1)).build()).build());
        try (RawClient b = RawClient.connect(port); RawClient a = RawClient.connect(port)) {
            assertThat(b.call("421[\"identify\",\"b\"]")).isEqualTo("431[{\"ok\":true}]");
            assertThat(b.call("422[\"join\",\"r\"]")).startsWith("42[\"presence:join\",{\"room\":\"r\",\"userId\":\"b\"},\"");
            assertThat(b.next()).isEqualTo("432[{\"ok\":true}]");
            assertThat(a.call("421[\"identify\",\"a\"]")).isEqualTo("431[{\"ok\":true}]");
            String joined = a.call("422[\"join\",\"r\"]");
            assertThat(joined).startsWith("42[\"presence:join\",{\"room\":\"r\",\"userId\":\"a\"},\"");
            assertThat(b.next()).isEqualTo(joined);
            String offset = joined.substring(joined.lastIndexOf(",\"") + 2, joined.length() - 2);
            String pid = pidOf(a);

            a.close(); // the transport drops
            assertThat(b.next()).startsWith("42[\"presence:leave\",{\"room\":\"r\",\"userId\":\"a\"},\"");
            try (RawClient back = RawClient.open(port, "{\"pid\":\"" + pid + "\",\"offset\":\"" + offset + "\"}")) {
                String reply;
                do reply = back.next(); while (!reply.startsWith("40{"));
                assertThat(reply).startsWith("40{\"sid\":\"" + a.sid + "\"");
                assertThat(b.next()).startsWith("42[\"presence:join\",{\"room\":\"r\",\"userId\":\"a\"},\"");
                assertThat(b.call("423[\"presence:list\",\"r\"]")).isEqualTo("433[{\"ok\":true,\"users\":[\"b\",\"a\"]}]");
                assertThat(realtime.socket(a.sid).data()).containsEntry(SocketData.USER_ID, "a");
            }
        }
    }

    @Test
    void aConnectionComingBackShowsItsTokenAsAFreshOneAndKeepsOnlyTheRoomsThatTokenAllows() {
        start(RealtimeOptions.builder().server(ServerOptions.builder().recovery(Duration.ofMinutes(1)).build())
                .auth(AuthOptions.builder().required(true).secret(Tokens.SECRET).rooms(List.of("user:{sub}", "chat:*")).build())
                .build());
        String sid;
        String back;
        try (RawClient u1 = RawClient.connectWithToken(port, Tokens.valid("1"))) {
            assertThat(u1.call("421[\"join\",[\"user:1\",\"chat:a\"]]")).isEqualTo("431[{\"ok\":true}]");
            realtime.to("chat:a").emit("seen", 0);
            String seen = u1.next();
            sid = u1.sid;
            back = ",\"pid\":\"" + pidOf(u1) + "\",\"offset\":\"" + seen.substring(seen.lastIndexOf(",\"") + 2, seen.length() - 2) + "\"}";
        } // the transport drops
        await().atMost(Duration.ofSeconds(5)).until(() -> realtime.socket(sid) == null);
        realtime.to("user:1").emit("private", 1);
        realtime.to("chat:a").emit("public", 2);

        try (RawClient none = RawClient.open(port, "{" + back.substring(1))) {
            assertThat(none.next()).isEqualTo("44{\"message\":\"Missing token\",\"data\":{\"reason\":\"missing\"}}");
        }
        try (RawClient garbage = RawClient.open(port, "{\"token\":\"not.a.jwt\"" + back)) {
            assertThat(garbage.next()).isEqualTo("44{\"message\":\"Invalid token\",\"data\":{\"reason\":\"malformed\"}}");
        }
        // the session waited for a CONNECT that proves itself; user 2's token may not read user:1
        try (RawClient user2 = RawClient.open(port, "{\"token\":\"" + Tokens.valid("2") + "\"" + back)) {
            assertThat(user2.next()).startsWith("42[\"public\",2,\"");
            assertThat(user2.next()).startsWith("40{\"sid\":\"" + sid + "\"");
            assertThat(realtime.socket(sid).recovered()).isTrue();
            assertThat(realtime.socket(sid).rooms()).containsExactlyInAnyOrder(sid, "chat:a");
            assertThat(realtime.socket(sid).data()).containsEntry(SocketData.TOKEN_USER, "2");
        }
    }

    @Test
    void oneClientsRefusedEmitsLeaveAnotherClientsRecoveryIntact() {
        start(RealtimeOptions.builder().server(ServerOptions.builder().recovery(Duration.ofMinutes(1))
                .recoveryBuffer(50, 1L << 20).build()).build());
        String sid;
        String back;
        try (RawClient victim = RawClient.connect(port)) {
            assertThat(victim.call("421[\"join\",\"r\"]")).isEqualTo("431[{\"ok\":true}]");
            realtime.to("r").emit("seen", 0);
            String seen = victim.next();
            sid = victim.sid;
            back = "{\"pid\":\"" + pidOf(victim) + "\",\"offset\":\"" + seen.substring(seen.lastIndexOf(",\"") + 2, seen.length() - 2) + "\"}";
        } // the transport drops
        await().atMost(Duration.ofSeconds(5)).until(() -> realtime.socket(sid) == null);
        realtime.to("r").emit("missed", 1);

        try (RawClient flooder = RawClient.connect(port)) {
            for (int i = 0; i < 100; i++) flooder.send("42[\"x\"]");
            for (int i = 0; i < 100; i++) {
                // each refusal ends with an offset, as every event does with recovery on
                assertThat(flooder.next()).matches("42\\[\"rowcast:error\",\\{\"event\":\"x\",\"error\":\".+\"},\"[A-Za-z0-9_-]+\"]");
            }
        }
        try (RawClient victim = RawClient.open(port, back)) {
            assertThat(victim.next()).startsWith("42[\"missed\",1,\"");
            assertThat(victim.next()).startsWith("40{\"sid\":\"" + sid + "\"");
        }
    }

    @Test
    void aRefusalEchoesOnlyTheStartOfALongEventName() {
        start(RealtimeOptions.defaults());
        try (RawClient c = RawClient.connect(port)) {
            c.send("42[\"" + "e".repeat(100_000) + "\"]");
            String refusal = c.next();
            assertThat(refusal).startsWith("42[\"rowcast:error\",{\"event\":\"eeee").hasSizeLessThan(300);
        }
    }

    @Test
    void aReplayLargerThanTheSendQueueIsNotAttemptedAndTheClientStartsAfresh() {
        start(RealtimeOptions.builder().server(ServerOptions.builder().recovery(Duration.ofMinutes(1)).build())
                .outboundQueue(20, 4_000).build());
        String manyBack = awayFrom("many");
        String bigBack = awayFrom("big");
        for (int i = 0; i < 30; i++) realtime.to("many").emit("missed", i); // more packets than the queue holds
        for (int i = 0; i < 3; i++) realtime.to("big").emit("missed", "b".repeat(2_000)); // more bytes
        realtime.to("many").emit("fits", 0);

        for (String back : List.of(manyBack, bigBack)) {
            String sid = back.substring(0, back.indexOf(' '));
            try (RawClient client = RawClient.open(port, back.substring(back.indexOf(' ') + 1))) {
                String reply = client.next();
                assertThat(reply).as("the first packet back").startsWith("40{\"sid\":\"").doesNotContain(sid);
                assertThat(client.call("421[\"join\",\"elsewhere\"]")).as("the session lives on").isEqualTo("431[{\"ok\":true}]");
            }
        }
        assertThat(realtime.stats().slowClientsDisconnected()).isZero();
    }

    /** A client joins the room, gets an event, and drops its transport; returns its sid, a space, and its recovering CONNECT. */
    private String awayFrom(String room) {
        return awayFrom(room, null);
    }

    /** As {@link #awayFrom(String)}, for a client signed in with {@code token} (null: none). */
    private String awayFrom(String room, String token) {
        try (RawClient c = RawClient.connect(port, token == null ? null : "{\"token\":\"" + token + "\"}")) {
            assertThat(c.call("421[\"join\",\"" + room + "\"]")).isEqualTo("431[{\"ok\":true}]");
            realtime.to(room).emit("seen", 0);
            String seen = c.next();
            String offset = seen.substring(seen.lastIndexOf(",\"") + 2, seen.length() - 2);
            String sid = c.sid;
            String back = sid + " {\"pid\":\"" + pidOf(c) + "\",\"offset\":\"" + offset + "\""
                    + (token == null ? "" : ",\"token\":\"" + token + "\"") + "}";
            c.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> realtime.socket(sid) == null);
            return back;
        }
    }

    private static String pidOf(RawClient client) {
        return client.connectReply.substring(client.connectReply.indexOf("\"pid\":\"") + 7, client.connectReply.lastIndexOf('"'));
    }
}
