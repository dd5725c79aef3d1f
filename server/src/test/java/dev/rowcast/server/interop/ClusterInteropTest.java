package dev.rowcast.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.auth.AuthOptions;
import dev.rowcast.server.cluster.ClusterLink;
import dev.rowcast.server.cluster.ClusterOptions;
import dev.rowcast.server.realtime.RealtimeOptions;
import dev.rowcast.server.realtime.RealtimeServer;
import dev.rowcast.server.realtime.Tokens;
import dev.rowcast.server.testing.FailOnNettyLeak;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three realtime nodes in this JVM sharing one real redis-server, driven by the official
 * socket.io-client: what one node emits reaches clients of the others, presence and the relay
 * span nodes, a client whose node dies recovers on another without a gap, and a Redis outage
 * leaves each node delivering locally until Redis is back.
 */
@ExtendWith(FailOnNettyLeak.class)
class ClusterInteropTest {
    private static RedisProcess redis;
    private final List<RealtimeServer> nodes = new ArrayList<>();
    private int prefixes;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) redis.stop();
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(RealtimeServer::stop);
        nodes.clear();
    }

    /** A node of one cluster (one key prefix per test); nodes die quickly here so the test need not wait. */
    private RealtimeServer node(String id, String prefix) {
        ClusterOptions cluster = ClusterOptions.builder(redis.uri()).keyPrefix(prefix).nodeId(id)
                .nodeTimeout(Duration.ofMillis(900)).build();
        RealtimeServer node = RealtimeServer.launch(RealtimeOptions.builder()
                .server(ServerOptions.builder().recovery(Duration.ofSeconds(30)).cluster(cluster).build()).build());
        nodes.add(node);
        return node;
    }

    /**
     * Until its first Redis connection a node answers for itself (presence included), so the cluster
     * scenarios start once every node is connected: a cold JVM takes a while to open the first one.
     */
    private static void connected(RealtimeServer... nodes) {
        await().atMost(Duration.ofSeconds(10)).until(() -> Arrays.stream(nodes).allMatch(n -> n.socketIo().cluster().connected()));
    }

    private String prefix() {
        return "test" + System.nanoTime() + "-" + prefixes++;
    }

    private static String url(RealtimeServer node) {
        return "http://127.0.0.1:" + node.port();
    }

    /** Counts down when a client of that node emits "test:ready" (the clients say when they are set up). */
    private static CountDownLatch readyOn(RealtimeServer node) {
        CountDownLatch ready = new CountDownLatch(1);
        node.socketIo().onConnection(socket -> socket.on("test:ready", (args, ack) -> ready.countDown()));
        return ready;
    }

    private static CompletableFuture<JsonNode> client(String scenario, String url, Map<String, String> env) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return NodeClient.run("cluster.mjs", url, scenario, null, env);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void ready(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(20, TimeUnit.SECONDS)).as("the client got ready").isTrue();
    }

    @Test
    void eventsPresenceAndRelaySpanNodes() throws Exception {
        String prefix = prefix();
        RealtimeServer a = node("a", prefix);
        RealtimeServer b = node("b", prefix);
        RealtimeServer c = node("c", prefix);
        connected(a, b, c);
        CountDownLatch ready = readyOn(b);
        CompletableFuture<JsonNode> seen = client("acrossNodes", url(b),
                Map.of("A", url(a), "B", url(b), "C", url(c)));
        ready(ready);
        a.to("room1").emit("realtime:posts", Map.of("operation", "create", "id", 7));

        JsonNode result = seen.get(30, TimeUnit.SECONDS);
        assertThat(result.get("presenceJoin").toString()).isEqualTo("{\"room\":\"room1\",\"userId\":\"u2\"}");
        assertThat(result.get("list").get("users").toString()).isEqualTo("[\"u1\",\"u2\"]");
        assertThat(result.get("chat").toString()).isEqualTo("{\"text\":\"from C\"}");
        assertThat(result.get("post").get("operation").asText()).isEqualTo("create");
        assertThat(result.get("post").get("id").asInt()).isEqualTo(7);
        assertThat(result.get("presenceLeave").toString()).isEqualTo("{\"room\":\"room1\",\"userId\":\"u2\"}");
    }

    @Test
    void deadNodesUsersLeavePresence() throws Exception {
        String prefix = prefix();
        RealtimeServer a = node("a", prefix);
        RealtimeServer b = node("b", prefix);
        connected(a, b);
        CountDownLatch ready = readyOn(b);
        CompletableFuture<JsonNode> seen = client("nodeLoss", url(b), Map.of("A", url(a), "B", url(b)));
        ready(ready);
        a.socketIo().cluster().abort(); // as a crash: no word to the cluster
        a.stop();

        JsonNode result = seen.get(30, TimeUnit.SECONDS);
        assertThat(result.get("before").get("users").toString()).isEqualTo("[\"watcher\",\"doomed\"]");
        assertThat(result.get("presenceLeave").get("userId").asText()).isEqualTo("doomed");
        assertThat(result.get("after").get("users").toString()).isEqualTo("[\"watcher\"]");
    }

    /**
     * A node that dies before its first heartbeat: the users it already put in presence leave all the same.
     * Its heartbeat comes every timeout/3, so with 3 s the node (its classes loaded by the survivor's
     * connection) connects and joins well before the first one; this once left the user present for good.
     */
    @Test
    void usersOfANodeThatDiesBeforeItsFirstHeartbeatLeave() throws Exception {
        String prefix = prefix();
        List<ClusterLink.Departure> departures = new CopyOnWriteArrayList<>();
        ClusterLink.Receiver ignore = (namespace, data, rooms, except, offset) -> { };
        try (ClusterLink survivor = link(prefix, "b", Duration.ofMillis(900), ignore)) {
            survivor.onNodeDeparture(departures::addAll);
            await().atMost(Duration.ofSeconds(10)).until(survivor::connected);
            try (ClusterLink doomed = link(prefix, "a", Duration.ofSeconds(3), ignore)) {
                await().atMost(Duration.ofSeconds(10)).until(doomed::connected);
                CountDownLatch joined = new CountDownLatch(1);
                doomed.presenceJoined("room3", "early", joined::countDown);
                assertThat(joined.await(5, TimeUnit.SECONDS)).as("the join reached Redis").isTrue();
                doomed.abort(); // before its first heartbeat
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> !departures.isEmpty());
            assertThat(departures).containsExactly(new ClusterLink.Departure("room3", "early"));
            assertThat(survivor.presence("room3").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEmpty();
        }
    }

    /** A departure listener that throws costs neither the other listeners their call nor the reaper its next beats. */
    @Test
    void aFailingDepartureListenerStopsNeitherTheOthersNorTheReaper() throws Exception {
        String prefix = prefix();
        List<ClusterLink.Departure> departures = new CopyOnWriteArrayList<>();
        try (ClusterLink survivor = link(prefix, "b", Duration.ofMillis(900), (namespace, data, rooms, except, offset) -> { })) {
            survivor.onNodeDeparture(gone -> {
                throw new IllegalStateException("a listener's bug");
            });
            survivor.onNodeDeparture(departures::addAll);
            // one after the other, so that the survivor is the only node left to reap each
            crash(prefix, "a1", "one");
            await().atMost(Duration.ofSeconds(10)).until(() -> departures.size() == 1);
            crash(prefix, "a2", "two");
            await().atMost(Duration.ofSeconds(10)).until(() -> departures.size() == 2);

            assertThat(departures).containsExactly(new ClusterLink.Departure("room4", "one"), new ClusterLink.Departure("room4", "two"));
            assertThat(survivor.connected()).as("a listener's exception is no Redis outage").isTrue();
        }
    }

    /** A node whose user joined room4, then dies without a word. */
    private static void crash(String prefix, String id, String userId) throws InterruptedException {
        try (ClusterLink node = link(prefix, id, Duration.ofMillis(900), (namespace, data, rooms, except, offset) -> { })) {
            await().atMost(Duration.ofSeconds(10)).until(node::connected);
            CountDownLatch joined = new CountDownLatch(1);
            node.presenceJoined("room4", userId, joined::countDown);
            assertThat(joined.await(5, TimeUnit.SECONDS)).as("the join reached Redis").isTrue();
            node.abort();
        }
    }

    private static ClusterLink link(String prefix, String id, Duration nodeTimeout, ClusterLink.Receiver receiver) {
        return ClusterLink.open(ClusterOptions.builder(redis.uri()).keyPrefix(prefix).nodeId(id).nodeTimeout(nodeTimeout).build(), receiver);
    }

    /**
     * The sessions a cluster keeps in Redis for clients that went away are bounded as a lone node's
     * are: clients that leave in a flood cannot grow Redis without end. Over the count or the rooms'
     * characters the session kept longest goes first; a session taken back out frees its place; the
     * sessions of connected clients, stored in case their node dies, do not count.
     */
    @Test
    void keptSessionsStayWithinTheCountAndRoomBoundsLongestKeptFirst() throws Exception {
        String prefix = prefix();
        long oneRoom = 1 + ServerOptions.ROOM_OVERHEAD_CHARS;
        try (ClusterLink link = link(prefix, "a", Duration.ofSeconds(20), (namespace, event, rooms, except, offset) -> { });
             RedisClient client = RedisClient.create(redis.uri());
             StatefulRedisConnection<String, String> redisCommands = client.connect()) {
            await().atMost(Duration.ofSeconds(10)).until(link::connected);
            for (int i = 1; i <= 4; i++) {
                link.saveSession("/", stored("connected" + i, Set.of("a")), 60_000);
            }
            // kept in this order, names against it: the order of keeping decides, not the pid
            for (String pid : List.of("p5", "p4", "p3", "p2", "p1")) {
                link.keepSession("/", stored(pid, Set.of("a")), 60_000, 3, 1_000_000);
            }
            awaitStored(link, "p1");
            assertThat(storedPids(link, "p5", "p4", "p3", "p2", "p1")).containsExactly("p3", "p2", "p1");
            assertThat(storedPids(link, "connected1", "connected2", "connected3", "connected4")).hasSize(4);
            assertThat(redisCommands.sync().keys(prefix + ":session:*")).hasSize(7);

            // two rooms' worth more than the bound: the two kept longest go
            link.keepSession("/", stored("p6", Set.of("a", "b")), 60_000, 100, 3 * oneRoom);
            awaitStored(link, "p6");
            assertThat(storedPids(link, "p3", "p2", "p1", "p6")).containsExactly("p1", "p6");

            // a session taken out frees its place: the next one fits beside the others
            link.forgetSession("/", "p1");
            link.keepSession("/", stored("p7", Set.of("c")), 60_000, 100, 3 * oneRoom);
            awaitStored(link, "p7");
            assertThat(storedPids(link, "p1", "p6", "p7")).containsExactly("p6", "p7");

            // one whose rooms alone exceed the bound is not kept, and pushes nobody out
            link.keepSession("/", stored("p8", Set.of("a", "b", "c", "d")), 60_000, 100, 3 * oneRoom);
            link.keepSession("/", stored("p9", Set.of()), 60_000, 100, 3 * oneRoom);
            awaitStored(link, "p9");
            assertThat(storedPids(link, "p6", "p7", "p8", "p9")).containsExactly("p6", "p7", "p9");
            assertThat(redisCommands.sync().keys(prefix + ":session:*")).hasSize(7);
        }
    }

    private static ClusterLink.StoredSession stored(String pid, Set<String> rooms) {
        return new ClusterLink.StoredSession("sid-" + pid, pid, rooms, Map.of());
    }

    private static void awaitStored(ClusterLink link, String pid) {
        await().atMost(Duration.ofSeconds(10)).until(() -> link.session("/", pid).toCompletableFuture().get() != null);
    }

    /** Of {@code pids}, those stored now, in their order. */
    private static List<String> storedPids(ClusterLink link, String... pids) throws Exception {
        List<String> stored = new ArrayList<>();
        for (String pid : pids) {
            if (link.session("/", pid).toCompletableFuture().get(5, TimeUnit.SECONDS) != null) stored.add(pid);
        }
        return stored;
    }

    @Test
    void clientOfDeadNodeRecoversOnAnotherWithEveryEventOnce() throws Exception {
        String prefix = prefix();
        RealtimeServer a = node("a", prefix);
        RealtimeServer b = node("b", prefix);
        RealtimeServer c = node("c", prefix);
        connected(a, b, c);
        int total = 300;
        try (TcpProxy balancer = new TcpProxy(a.port())) {
            CountDownLatch ready = readyOn(a);
            CompletableFuture<JsonNode> seen = client("recoverAcrossNodes", "http://127.0.0.1:" + balancer.port(),
                    Map.of("N", Integer.toString(total)));
            ready(ready);
            for (int n = 0; n < total; n++) {
                c.to("feed").emit("n", n);
                if (n == total / 3) {
                    a.socketIo().cluster().abort(); // node A dies mid-stream
                    balancer.retarget(b.port());
                    balancer.dropConnections();
                    a.stop();
                }
                Thread.sleep(2); // a steady stream, so that events keep coming while the client is away
            }
            JsonNode result = seen.get(30, TimeUnit.SECONDS);
            List<Integer> received = new ArrayList<>();
            result.get("received").forEach(n -> received.add(n.asInt()));
            assertThat(received).containsExactlyElementsOf(IntStream.range(0, total).boxed().toList());
            assertThat(result.get("connects").toString()).isEqualTo("[{\"recovered\":false},{\"recovered\":true}]");
            assertThat(result.get("sameId").asBoolean()).isTrue();
        }
    }

    /**
     * A node's own clients get its broadcasts back through Redis: one that stops right after
     * broadcasting (an app exits as its last rows commit) still hands them the last ones first.
     */
    @Test
    void aStoppingNodeGivesItsOwnClientsItsLastBroadcastsFirst() throws Exception {
        RealtimeServer a = node("a", prefix());
        connected(a);
        JsonNode result = emitFiftyThenStop(a);
        assertThat(result.get("reason").asText()).isEqualTo("transport close"); // as a stopping reference server gives
    }

    /** The same on a lone server: what waits for its coalesced flush at the stop goes out before the close. */
    @Test
    void aStoppingLoneServerGivesItsClientsWhatItEmittedLast() throws Exception {
        RealtimeServer lone = RealtimeServer.launch(RealtimeOptions.builder().build());
        nodes.add(lone);
        emitFiftyThenStop(lone);
    }

    /** A client in "feed" gets 0..49 emitted right before the server stops, in order; returns what it saw. */
    private static JsonNode emitFiftyThenStop(RealtimeServer server) throws Exception {
        CountDownLatch ready = readyOn(server);
        CompletableFuture<JsonNode> seen = client("untilClosed", url(server), Map.of());
        ready(ready);
        int total = 50;
        for (int n = 0; n < total; n++) {
            server.to("feed").emit("n", n);
        }
        server.stop();

        JsonNode result = seen.get(30, TimeUnit.SECONDS);
        List<Integer> received = new ArrayList<>();
        result.get("received").forEach(n -> received.add(n.asInt()));
        assertThat(received).containsExactlyElementsOf(IntStream.range(0, total).boxed().toList());
        return result;
    }

    /** As on a lone node (RecoveryTokenInteropTest): the session in Redis is taken only for a CONNECT whose token passes. */
    @Test
    void aClientComingBackToTheClusterShowsAValidTokenFirst() throws Exception {
        ClusterOptions cluster = ClusterOptions.builder(redis.uri()).keyPrefix(prefix()).nodeId("a").nodeTimeout(Duration.ofMillis(900)).build();
        RealtimeServer a = RealtimeServer.launch(RealtimeOptions.builder()
                .server(ServerOptions.builder().recovery(Duration.ofSeconds(30)).cluster(cluster).build())
                .auth(AuthOptions.builder().required(true).secret(Tokens.SECRET).clockSkew(Duration.ZERO).rooms(List.of("user:{sub}")).build())
                .build());
        nodes.add(a);
        connected(a);
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> a.to("user:1").emit("tick", next.getAndIncrement()), 0, 20, TimeUnit.MILLISECONDS);
        try {
            String url = url(a);
            Instant expiry = Instant.now().plusSeconds(4);
            String expiring = Tokens.hs256(Tokens.SECRET, "1", expiry);
            JsonNode expired = NodeClient.run("realtime.mjs", url, "recoveryToken", null, Map.of(
                    "TOKEN", expiring, "NEXT", expiring, "BACK_AT", Long.toString(expiry.plusSeconds(1).toEpochMilli()),
                    "STAY_UNTIL", "0"));
            assertThat(expired.get("outcome").toString()).isEqualTo("{\"message\":\"Invalid token\",\"data\":{\"reason\":\"expired\"}}");
            assertThat(expired.get("afterCut")).as("events replayed to the refused client").isEmpty();

            Instant oldExpiry = Instant.now().plusSeconds(4);
            JsonNode refreshed = NodeClient.run("realtime.mjs", url, "recoveryToken", null, Map.of(
                    "TOKEN", Tokens.hs256(Tokens.SECRET, "1", oldExpiry),
                    "NEXT", Tokens.hs256(Tokens.SECRET, "1", Instant.now().plusSeconds(600)),
                    "BACK_AT", "0", "STAY_UNTIL", Long.toString(oldExpiry.plusMillis(1_500).toEpochMilli())));
            assertThat(refreshed.get("outcome").toString()).isEqualTo("{\"connected\":true}");
            assertThat(refreshed.get("recovered").asBoolean()).isTrue();
            int last = refreshed.get("before").get(refreshed.get("before").size() - 1).asInt();
            assertThat(refreshed.get("afterCut").get(0).asInt()).as("the first tick after the cut").isEqualTo(last + 1);
            assertThat(refreshed.get("errors")).isEmpty();
            assertThat(refreshed.get("connectedAtEnd").asBoolean()).isTrue();
        } finally {
            ticker.shutdownNow();
        }
    }

    /** As on a lone node (ConnectionStateRecoveryInteropTest): a replay the send queue cannot take at once is not attempted. */
    @Test
    void aReplayLargerThanTheSendQueueGivesANewSessionInTheClusterToo() throws Exception {
        ClusterOptions cluster = ClusterOptions.builder(redis.uri()).keyPrefix(prefix()).nodeId("a").nodeTimeout(Duration.ofMillis(900)).build();
        RealtimeServer a = RealtimeServer.launch(RealtimeOptions.builder()
                .server(ServerOptions.builder().recovery(Duration.ofSeconds(30)).cluster(cluster).build())
                .auth(AuthOptions.builder().secret(Tokens.SECRET).rooms(List.of("user:{sub}")).build())
                .outboundQueue(50, 1L << 20)
                .build());
        nodes.add(a);
        connected(a);
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> a.to("user:1").emit("tick", next.getAndIncrement()), 0, 10, TimeUnit.MILLISECONDS);
        try {
            String token = Tokens.valid("1");
            Instant back = Instant.now().plusSeconds(3); // some 200 ticks missed, for a queue of 50
            JsonNode result = NodeClient.run("realtime.mjs", url(a), "recoveryToken", null, Map.of(
                    "TOKEN", token, "NEXT", token, "BACK_AT", Long.toString(back.toEpochMilli()),
                    "STAY_UNTIL", Long.toString(back.plusSeconds(2).toEpochMilli())));
            assertThat(result.get("outcome").toString()).isEqualTo("{\"connected\":true}");
            assertThat(result.get("recovered").asBoolean()).isFalse();
            assertThat(result.get("disconnects")).as("disconnects after the cut").isEmpty();
            assertThat(result.get("connectedAtEnd").asBoolean()).isTrue();
        } finally {
            ticker.shutdownNow();
        }
    }

    /**
     * A refusal is sent to its socket alone: it ends with the socket's last offset and is not added
     * to the shared stream. The socket takes an event's offset as its last once the event is sent,
     * so a refusal the client asks for at once may still repeat the one before ("0-0" here, where it
     * started), never a later one; and once one carries the event's, none goes back.
     */
    @Test
    void refusedEmitsStayOffTheStreamAndRepeatTheLastOffset() throws Exception {
        String prefix = prefix();
        RealtimeServer a = node("a", prefix);
        connected(a);
        CountDownLatch ready = readyOn(a);
        CompletableFuture<JsonNode> seen = client("refusals", url(a), Map.of("N", "50"));
        ready(ready);
        a.to("feed").emit("n", 0);
        JsonNode result = seen.get(30, TimeUnit.SECONDS);

        assertThat(streamLength(prefix)).as("entries in the stream").isEqualTo(1);
        String offset = result.get("offset").asText();
        List<String> errorOffsets = new ArrayList<>();
        result.get("errorOffsets").forEach(o -> errorOffsets.add(o.asText()));
        assertThat(errorOffsets).hasSize(50).allSatisfy(o -> assertThat(o).isIn("0-0", offset));
        int first = errorOffsets.indexOf(offset);
        if (first >= 0) {
            assertThat(errorOffsets.subList(first, errorOffsets.size())).as("offsets after the event's").containsOnly(offset);
        }
    }

    /** A node keeps each connected socket's session in Redis with all its rooms: a join or leave of many rooms stores it once. */
    @Test
    void aJoinAndALeaveOfManyRoomsStoreTheSessionOnce() throws Exception {
        RealtimeServer a = node("a", prefix());
        connected(a);
        long before = setCalls();
        JsonNode result = client("manyRooms", url(a), Map.of("N", "300")).get(30, TimeUnit.SECONDS);
        assertThat(result.get("joined").toString()).isEqualTo("{\"ok\":true}");
        assertThat(result.get("left").toString()).isEqualTo("{\"ok\":true}");
        // a store at connect, one per call, and the node's heartbeats (one every 300 ms) meanwhile
        assertThat(setCalls() - before).as("Redis SETs").isLessThan(50);
    }

    private static long setCalls() {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
        try (var connection = client.connect()) {
            java.util.regex.Matcher calls = java.util.regex.Pattern.compile("cmdstat_set:calls=(\\d+)")
                    .matcher(connection.sync().info("commandstats"));
            return calls.find() ? Long.parseLong(calls.group(1)) : 0;
        } finally {
            client.shutdown();
        }
    }

    private static long streamLength(String prefix) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
        try (var connection = client.connect()) {
            return connection.sync().xlen(prefix + ":events");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void redisOutageKeepsLocalDeliveryAndHealsWhenRedisReturns() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("dev.rowcast.server");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage() != null && record.getMessage().contains("unreachable")) warnings.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            String prefix = prefix();
            RealtimeServer a = node("a", prefix);
            RealtimeServer b = node("b", prefix);
            connected(a, b);
            CountDownLatch ready = readyOn(b);
            CompletableFuture<JsonNode> seen = client("listen", url(b), Map.of("N", "13"));
            ready(ready);
            long sent = b.stats().server().packetsOut();
            a.to("feed").emit("n", 0); // across nodes, through Redis
            await().atMost(Duration.ofSeconds(10)).until(() -> b.stats().server().packetsOut() > sent);

            redis.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> !b.socketIo().cluster().connected());
            for (int n = 1; n <= 10; n++) b.to("feed").emit("n", n); // local delivery goes on
            assertThat(b.socketIo().cluster().unpublished()).isGreaterThanOrEqualTo(10);
            RealtimeServer d = node("d", prefix); // Redis away at start: the node starts all the same
            assertThat(d.port()).isPositive();
            b.to("feed").emit("n", 11);

            redis.launch();
            await().atMost(Duration.ofSeconds(20)).until(() -> a.socketIo().cluster().connected()
                    && b.socketIo().cluster().connected() && d.socketIo().cluster().connected());
            a.to("feed").emit("n", 12); // across nodes again

            JsonNode result = seen.get(30, TimeUnit.SECONDS);
            assertThat(result.get("received").toString()).isEqualTo("[0,1,2,3,4,5,6,7,8,9,10,11,12]");
            // one line per node that noticed, not one per failed broadcast or reconnect attempt
            assertThat(warnings).hasSizeBetween(1, Set.of("a", "b", "d").size());
            assertThat(warnings.get(0)).contains(redis.uri()).contains("delivering to this node's clients only");
        } finally {
            logger.removeHandler(capture);
            if (!redisUp()) redis.launch();
        }
    }

    private static boolean redisUp() {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", redis.port())) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
