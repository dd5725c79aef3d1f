package dev.rowcast.server.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rowcast.server.ServerOptions;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The cluster over one Redis (Lettuce). Broadcasts are XADDed to one stream (trimmed by length on
 * each add and by age on each heartbeat) that one reader thread per node follows with XREAD and
 * delivers locally; restores run on that thread too, between batches, so a recovered socket gets
 * exactly the events it missed. Presence is a sorted set per room plus a per-node index, so the
 * users of a node whose heartbeat key expired can be removed atomically by whichever node sees it first.
 */
final class RedisClusterLink implements ClusterLink {
    private static final System.Logger LOG = System.getLogger("dev.rowcast.server");
    /** Lettuce's reconnect loop logs each attempt and each reconnection; this link logs an outage and its end once. */
    private static final Logger RECONNECT_LOG = Logger.getLogger(io.lettuce.core.protocol.ConnectionWatchdog.class.getPackageName());
    private static final char SEP = '\u0000';
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
    private static final long RESTORE_CATCH_UP_MILLIS = 2_000;

    /**
     * Registers the node with its user, as a heartbeat does: a node that dies before its first
     * heartbeat (one comes every timeout/3) would otherwise leave users no reaper ever finds.
     */
    private static final String JOIN = """
            if redis.call('ZADD', KEYS[1], 'NX', ARGV[3], ARGV[1]) == 1 then
              redis.call('SADD', KEYS[3], ARGV[4])
              redis.call('SET', KEYS[4], '1', 'PX', ARGV[5])
              redis.call('SADD', KEYS[5], ARGV[6])
              return redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
            end
            return 0""";
    private static final String LEAVE = """
            if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
              redis.call('SREM', KEYS[3], ARGV[4])
              local n = redis.call('HINCRBY', KEYS[2], ARGV[2], -1)
              if n <= 0 then redis.call('HDEL', KEYS[2], ARGV[2]) return 1 end
            end
            return 0""";
    /*
     * The sessions kept for clients that went away are bounded as a lone node bounds them: in count
     * and in the characters of their rooms, the one kept longest dropped first. Connected clients'
     * sessions (kept so that a client of a node that dies can come back on another) are stored
     * beside them and not counted, as a lone node does not count its connected sockets. Each
     * namespace has an index (a sorted set of pids by a sequence each keep takes), each kept
     * session's room characters (a hash) and a hash of their sum and the sequence; all kept for the
     * same time to live, so the oldest in the index expires first and a keep drops those that have.
     * No node's clock is read. KEYS: the session, the index, the characters, the sum and sequence.
     * ARGV of both scripts: the session keys' prefix, the pid; then, of KEEP_SESSION, the session,
     * its time to live, its room characters, the most sessions, the most characters.
     */
    private static final String DROP_SESSION = """
            local function drop(pid)
              redis.call('DEL', ARGV[1] .. pid)
              redis.call('ZREM', KEYS[2], pid)
              local chars = redis.call('HGET', KEYS[3], pid)
              if chars then
                redis.call('HDEL', KEYS[3], pid)
                redis.call('HINCRBY', KEYS[4], 'chars', -tonumber(chars))
              end
            end
            """;
    private static final String KEEP_SESSION = DROP_SESSION + """
            if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('DEL', KEYS[3], KEYS[4]) end
            for _ = 1, 1000 do
              local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
              if not oldest or redis.call('EXISTS', ARGV[1] .. oldest) == 1 then break end
              drop(oldest)
            end
            drop(ARGV[2])
            if tonumber(ARGV[5]) > tonumber(ARGV[7]) then return 0 end
            local ttl = tonumber(ARGV[4])
            redis.call('SET', KEYS[1], ARGV[3], 'PX', ttl)
            redis.call('ZADD', KEYS[2], redis.call('HINCRBY', KEYS[4], 'seq', 1), ARGV[2])
            redis.call('HSET', KEYS[3], ARGV[2], ARGV[5])
            local chars = redis.call('HINCRBY', KEYS[4], 'chars', ARGV[5])
            local count = redis.call('ZCARD', KEYS[2])
            while count > tonumber(ARGV[6]) or chars > tonumber(ARGV[7]) do
              local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
              if not oldest or oldest == ARGV[2] then break end
              drop(oldest)
              count = count - 1
              chars = tonumber(redis.call('HGET', KEYS[4], 'chars') or '0')
            end
            for i = 2, 4 do
              if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
            end
            return count""";
    /** Takes a session out (null when none), kept or not: KEYS and ARGV as for KEEP_SESSION, the first two ARGV only. */
    private static final String TAKE_SESSION = DROP_SESSION + """
            local stored = redis.call('GET', KEYS[1])
            drop(ARGV[2])
            return stored""";
    /** Removes a dead node's users; returns "room\\0user" of each user it was the last node of. */
    private static final String REAP = """
            local out = {}
            for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              local sep = string.find(m, '\\0', 1, true)
              local room = string.sub(m, 1, sep - 1)
              local user = string.sub(m, sep + 1)
              if redis.call('ZREM', ARGV[1] .. ':presence:' .. room, user .. '\\0' .. ARGV[2]) == 1 then
                local counts = ARGV[1] .. ':presencecount:' .. room
                local n = redis.call('HINCRBY', counts, user, -1)
                if n <= 0 then redis.call('HDEL', counts, user) table.insert(out, m) end
              end
            end
            redis.call('DEL', KEYS[1])
            redis.call('SREM', KEYS[2], ARGV[2])
            return out""";

    private final ClusterOptions options;
    private final long streamMaxAgeMillis;
    private final Receiver receiver;
    private final String prefix;
    private final String stream;
    private final ObjectMapper json = new ObjectMapper();
    private final ClientResources resources;
    private final RedisClient client;
    private final ScheduledExecutorService heartbeat;
    private final Thread reader;
    private final ConcurrentLinkedQueue<RestoreRequest> restores = new ConcurrentLinkedQueue<>();
    private final List<Consumer<List<Departure>>> departureListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong unpublished = new AtomicLong();
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisConnection<String, String> reading;
    /** The id of the last stream entry this node delivered; only the reader thread writes it. */
    private volatile String lastId;
    /** XADDs sent and not answered yet, and the latest id Redis gave one of them. */
    private final AtomicInteger publishing = new AtomicInteger();
    private final AtomicReference<String> lastPublished = new AtomicReference<>();

    private record RestoreRequest(String namespace, String pid, String offset, Predicate<String> keep, RestoreCallback admit,
            long since) {
    }

    RedisClusterLink(ClusterOptions options, Receiver receiver) {
        this.options = options;
        this.streamMaxAgeMillis = options.streamMaxAge().toMillis();
        this.receiver = receiver;
        this.prefix = options.keyPrefix();
        this.stream = prefix + ":events";
        RECONNECT_LOG.setLevel(Level.SEVERE);
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                // back soon after Redis is: Lettuce's default backoff grows to 30 s
                .reconnectDelay(io.lettuce.core.resource.Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, RedisURI.create(options.redisUri()));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // fail fast while Redis is away: the broadcast is then delivered on this node at once
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "rowcast-cluster-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(100, options.nodeTimeout().toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(this::beatOrLog, 0, every, TimeUnit.MILLISECONDS);
        this.reader = new Thread(this::readLoop, "rowcast-cluster-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public String nodeId() {
        return options.nodeId();
    }

    // ---- broadcasts ----

    @Override
    public void publish(String namespace, ArrayNode eventAndArgs, Set<String> rooms, Set<String> except, boolean recoverable) {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null || down.get() || !running) {
            deliverUnpublished(namespace, eventAndArgs, rooms, except, null);
            return;
        }
        Map<String, String> fields = new LinkedHashMap<>(8);
        fields.put("o", options.nodeId());
        fields.put("n", namespace);
        fields.put("r", toJson(rooms));
        fields.put("x", toJson(except));
        fields.put("d", eventAndArgs.toString());
        if (recoverable) fields.put("c", "1");
        publishing.incrementAndGet();
        connection.async().xadd(stream, new XAddArgs().maxlen(options.streamMaxLength()).approximateTrimming(), fields)
                .whenComplete((id, error) -> {
                    try {
                        if (error != null) deliverUnpublished(namespace, eventAndArgs, rooms, except, error);
                        // the latest: a reply that came before this callback was attached runs it on the publishing thread
                        else lastPublished.accumulateAndGet(id, (a, b) -> a == null || StreamIds.compare(b, a) > 0 ? b : a);
                    } finally {
                        publishing.decrementAndGet();
                    }
                });
    }

    @Override
    public boolean awaitOwnBroadcasts(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (running) {
            // in this order: an answer sets lastPublished before it leaves the count
            boolean answered = publishing.get() == 0;
            String published = lastPublished.get();
            String delivered = lastId;
            if (answered && (published == null || delivered != null && StreamIds.compare(delivered, published) >= 0)) return true;
            if (answered && (down.get() || !reader.isAlive()) || System.nanoTime() - deadline >= 0) return false;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        return true; // closed or aborted: nothing more reaches this node's sockets
    }

    /** Redis did not take the broadcast: this node's sockets still get it, the others cannot. */
    private void deliverUnpublished(String namespace, ArrayNode data, Set<String> rooms, Set<String> except, Throwable error) {
        unpublished.incrementAndGet();
        markDown(error);
        receiver.deliver(namespace, data, rooms, except, null);
    }

    @Override
    public String lastDelivered() {
        String id = lastId;
        return id != null ? id : "0-0";
    }

    private void readLoop() {
        while (running) {
            try {
                StatefulRedisConnection<String, String> connection = connectIfNeeded();
                if (lastId == null) lastId = lastStreamId(connection);
                serveRestores(connection);
                List<StreamMessage<String, String>> batch = connection.sync().xread(
                        XReadArgs.Builder.block(200).count(1_000), XReadArgs.StreamOffset.from(stream, lastId));
                markUp();
                if (batch == null) continue;
                for (StreamMessage<String, String> message : batch) {
                    deliver(message, message.getBody().get("c") != null);
                    lastId = message.getId();
                }
            } catch (RuntimeException e) {
                if (!running) return;
                markDown(e);
                failRestores();
                pause(250);
            }
        }
    }

    private void deliver(StreamMessage<String, String> message, boolean withOffset) {
        try {
            Map<String, String> body = message.getBody();
            ArrayNode data = (ArrayNode) json.readTree(body.get("d"));
            if (withOffset) data.add(message.getId());
            receiver.deliver(body.get("n"), data, fromJson(body.get("r")), fromJson(body.get("x")), withOffset ? message.getId() : null);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "[rowcast] cluster: skipped stream entry " + message.getId()
                    + " of " + stream + " that this node cannot read", e);
        }
    }

    private StatefulRedisConnection<String, String> connectIfNeeded() {
        StatefulRedisConnection<String, String> connection = reading;
        if (connection != null) return connection;
        // the first connect is retried here; after it, Lettuce reconnects by itself
        StatefulRedisConnection<String, String> command = commands != null ? commands : client.connect();
        commands = command;
        connection = client.connect();
        reading = connection;
        return connection;
    }

    private String lastStreamId(StatefulRedisConnection<String, String> connection) {
        List<StreamMessage<String, String>> last = connection.sync().xrevrange(stream, Range.create("-", "+"),
                io.lettuce.core.Limit.create(0, 1));
        return last.isEmpty() ? "0-0" : last.get(0).getId();
    }

    // ---- recovery ----

    @Override
    public void saveSession(String namespace, StoredSession session, long ttlMillis) {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null || down.get() || !running) return;
        connection.async().set(sessionKey(namespace, session.pid()), sessionJson(session), SetArgs.Builder.px(ttlMillis));
    }

    @Override
    public void keepSession(String namespace, StoredSession session, long ttlMillis, int maxSessions, long maxRoomChars) {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null || down.get() || !running) return;
        connection.async().<Long>eval(KEEP_SESSION, ScriptOutputType.INTEGER, sessionKeys(namespace, session.pid()),
                sessionKey(namespace, ""), session.pid(), sessionJson(session), Long.toString(ttlMillis),
                Long.toString(ServerOptions.roomChars(session.rooms())),
                Integer.toString(maxSessions), Long.toString(maxRoomChars));
    }

    private String sessionJson(StoredSession session) {
        ObjectNode node = json.createObjectNode().put("sid", session.sid()).put("pid", session.pid());
        ArrayNode rooms = node.putArray("rooms");
        session.rooms().forEach(rooms::add);
        node.set("data", SessionData.encode(json, session.data()));
        return node.toString();
    }

    @Override
    public void forgetSession(String namespace, String pid) {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection != null && !down.get() && running) {
            connection.async().<String>eval(TAKE_SESSION, ScriptOutputType.VALUE, sessionKeys(namespace, pid), sessionKey(namespace, ""), pid);
        }
    }

    /** KEYS of the session scripts: the session, then its namespace's index, room characters, and their sum and sequence. */
    private String[] sessionKeys(String namespace, String pid) {
        String sessions = prefix + ":sessions:" + namespace;
        return new String[] {sessionKey(namespace, pid), sessions, sessions + ":chars", sessions + ":meta"};
    }

    @Override
    public CompletionStage<StoredSession> session(String namespace, String pid) {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null || down.get() || !running) return CompletableFuture.completedFuture(null);
        return connection.async().get(sessionKey(namespace, pid))
                .handle((stored, error) -> error != null || stored == null ? null : parseSession(stored));
    }

    @Override
    public void restore(String namespace, String pid, String offset, Predicate<String> keep, RestoreCallback admit) {
        if (!running || down.get() || !StreamIds.valid(offset)) {
            admit.admit(null, () -> { });
            return;
        }
        restores.add(new RestoreRequest(namespace, pid, offset, keep, admit, System.currentTimeMillis()));
    }

    /** On the reader thread, between batches: nothing is delivered while a socket takes its missed events. */
    private void serveRestores(StatefulRedisConnection<String, String> connection) {
        int pending = restores.size();
        for (int i = 0; i < pending; i++) {
            RestoreRequest request = restores.poll();
            if (request == null) return;
            String seen = lastId;
            if (StreamIds.compare(request.offset(), seen) > 0) {
                // the client saw an event this node has not read yet: wait for it (briefly)
                if (System.currentTimeMillis() - request.since() < RESTORE_CATCH_UP_MILLIS) restores.add(request);
                else request.admit().admit(null, () -> { });
                continue;
            }
            Restored restored = null;
            String stored = connection.sync().eval(TAKE_SESSION, ScriptOutputType.VALUE,
                    sessionKeys(request.namespace(), request.pid()), sessionKey(request.namespace(), ""), request.pid());
            if (stored != null) {
                StoredSession session = parseSession(stored);
                List<StreamMessage<String, String>> range = connection.sync().xrange(stream, Range.create(request.offset(), seen));
                if (session != null && !range.isEmpty() && range.get(0).getId().equals(request.offset())) {
                    Set<String> kept = new LinkedHashSet<>();
                    for (String room : session.rooms()) {
                        if (room.equals(session.sid()) || request.keep().test(room)) kept.add(room);
                    }
                    restored = new Restored(new StoredSession(session.sid(), session.pid(), kept, session.data()),
                            missed(range.subList(1, range.size()), request.namespace(), kept, session.rooms()));
                }
            }
            CountDownLatch admitted = new CountDownLatch(1);
            request.admit().admit(restored, admitted::countDown);
            if (restored != null) await(admitted);
        }
    }

    /** The events sent to the rooms the socket keeps, and not kept from it by a room it was in then. */
    private List<ArrayNode> missed(List<StreamMessage<String, String>> entries, String namespace, Set<String> kept,
            Set<String> wasIn) {
        List<ArrayNode> missed = new ArrayList<>();
        for (StreamMessage<String, String> entry : entries) {
            Map<String, String> body = entry.getBody();
            if (body.get("c") == null || !namespace.equals(body.get("n"))) continue;
            Set<String> to = fromJson(body.get("r"));
            if (!to.isEmpty() && Collections.disjoint(to, kept)) continue;
            if (!Collections.disjoint(fromJson(body.get("x")), wasIn)) continue;
            try {
                ArrayNode data = (ArrayNode) json.readTree(body.get("d"));
                data.add(entry.getId());
                missed.add(data);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable stream entry " + entry.getId(), e);
            }
        }
        return missed;
    }

    private void failRestores() {
        RestoreRequest request;
        while ((request = restores.poll()) != null) request.admit().admit(null, () -> { });
    }

    private StoredSession parseSession(String text) {
        try {
            JsonNode node = json.readTree(text);
            Set<String> rooms = new LinkedHashSet<>();
            node.get("rooms").forEach(room -> rooms.add(room.asText()));
            return new StoredSession(node.get("sid").asText(), node.get("pid").asText(), rooms,
                    SessionData.decode(json, node.get("data")));
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    private String sessionKey(String namespace, String pid) {
        return prefix + ":session:" + namespace + ":" + pid;
    }

    // ---- presence ----

    @Override
    public void presenceJoined(String room, String userId, Runnable firstInCluster) {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null || down.get() || !running) {
            firstInCluster.run(); // Redis away: this node answers for itself
            return;
        }
        String[] keys = {prefix + ":presence:" + room, prefix + ":presencecount:" + room,
                prefix + ":nodepresence:" + options.nodeId(), prefix + ":node:" + options.nodeId(), prefix + ":nodes"};
        connection.async().<Long>eval(JOIN, ScriptOutputType.INTEGER, keys, userId + SEP + options.nodeId(), userId,
                        Long.toString(System.currentTimeMillis()), room + SEP + userId,
                        Long.toString(options.nodeTimeout().toMillis()), options.nodeId())
                .whenComplete((n, error) -> {
                    if (error != null || (n != null && n == 1)) firstInCluster.run();
                });
    }

    @Override
    public void presenceLeft(String room, String userId, Runnable lastInCluster) {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null || down.get() || !running) {
            lastInCluster.run();
            return;
        }
        connection.async().<Long>eval(LEAVE, ScriptOutputType.INTEGER, presenceKeys(room),
                        userId + SEP + options.nodeId(), userId, "0", room + SEP + userId)
                .whenComplete((n, error) -> {
                    if (error != null || (n != null && n == 1)) lastInCluster.run();
                });
    }

    @Override
    public java.util.concurrent.CompletionStage<List<String>> presence(String room) {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null || down.get() || !running) {
            return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("Redis is unreachable"));
        }
        return connection.async().zrange(prefix + ":presence:" + room, 0, -1).thenApply(members -> {
            Set<String> users = new LinkedHashSet<>();
            for (String member : members) users.add(member.substring(0, member.lastIndexOf(SEP)));
            return List.copyOf(users);
        });
    }

    private String[] presenceKeys(String room) {
        return new String[] {prefix + ":presence:" + room, prefix + ":presencecount:" + room,
                prefix + ":nodepresence:" + options.nodeId()};
    }

    @Override
    public void onNodeDeparture(Consumer<List<Departure>> listener) {
        departureListeners.add(listener);
    }

    /** Tells the cluster this node lives, trims the stream by age, and removes the users of dead nodes. */
    private void beat() {
        StatefulRedisConnection<String, String> connection = commands;
        if (connection == null || !running) return;
        try {
            var sync = connection.sync();
            sync.set(prefix + ":node:" + options.nodeId(), "1", SetArgs.Builder.px(options.nodeTimeout().toMillis()));
            sync.sadd(prefix + ":nodes", options.nodeId());
            long oldest = System.currentTimeMillis() - streamMaxAgeMillis;
            sync.xtrim(stream, XTrimArgs.Builder.minId(oldest + "-0").approximateTrimming());
            for (String node : sync.smembers(prefix + ":nodes")) {
                if (node.equals(options.nodeId()) || sync.exists(prefix + ":node:" + node) > 0) continue;
                List<String> gone = sync.eval(REAP, ScriptOutputType.MULTI,
                        new String[] {prefix + ":nodepresence:" + node, prefix + ":nodes"}, prefix, node);
                List<Departure> departures = new ArrayList<>();
                for (Object member : gone) {
                    String m = member.toString();
                    int sep = m.indexOf(SEP);
                    departures.add(new Departure(m.substring(0, sep), m.substring(sep + 1)));
                }
                LOG.log(System.Logger.Level.INFO, "[rowcast] cluster: node " + node + " stopped beating; "
                        + departures.size() + " presence entries of its users removed");
                if (!departures.isEmpty()) tell(List.copyOf(departures));
            }
        } catch (RuntimeException e) {
            if (running) markDown(e); // not the interrupt of close()
        }
    }

    /** The scheduled task: one that throws is never run again, and then no node would reap the dead ones. */
    private void beatOrLog() {
        try {
            beat();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, "[rowcast] cluster: heartbeat of node " + options.nodeId()
                    + " failed; it goes on at the next beat", e);
        }
    }

    /** Each listener on its own: one that throws neither stops the others nor passes for a Redis outage. */
    private void tell(List<Departure> departures) {
        for (Consumer<List<Departure>> listener : departureListeners) {
            try {
                listener.accept(departures);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "[rowcast] cluster: a departure listener failed on " + departures
                        + "; those users left Redis, the listener did not announce it", e);
            }
        }
    }

    // ---- state ----

    @Override
    public long unpublished() {
        return unpublished.get();
    }

    @Override
    public boolean connected() {
        return commands != null && !down.get();
    }

    private void markDown(Throwable error) {
        if (error == null && commands != null) return;
        if (down.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "[rowcast] cluster: Redis at " + options.redisUriForLog()
                    + " is unreachable (" + (error == null ? "not connected yet" : rootMessage(error))
                    + "); delivering to this node's clients only and retrying; check that Redis runs and cluster.redis points at it");
        }
    }

    private void markUp() {
        if (down.compareAndSet(true, false)) {
            LOG.log(System.Logger.Level.INFO, "[rowcast] cluster: Redis at " + options.redisUriForLog() + " is back; "
                    + unpublished.get() + " broadcasts so far reached this node only");
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) cause = cause.getCause();
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    @Override
    public void close() {
        if (!running) return;
        StatefulRedisConnection<String, String> connection = commands;
        if (connection != null && !down.get()) {
            try {
                var sync = connection.sync();
                sync.del(prefix + ":node:" + options.nodeId());
                List<String> gone = sync.eval(REAP, ScriptOutputType.MULTI,
                        new String[] {prefix + ":nodepresence:" + options.nodeId(), prefix + ":nodes"}, prefix, options.nodeId());
                if (!gone.isEmpty()) LOG.log(System.Logger.Level.DEBUG, "[rowcast] cluster: left with " + gone.size() + " users present");
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "[rowcast] cluster: could not clear this node's presence on close: " + e);
            }
        }
        abort();
    }

    @Override
    public void abort() {
        running = false;
        heartbeat.shutdownNow();
        reader.interrupt();
        client.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        try {
            reader.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failRestores();
    }

    // ---- helpers ----

    private String toJson(Set<String> set) {
        if (set.isEmpty()) return "[]";
        ArrayNode array = json.createArrayNode();
        set.forEach(array::add);
        return array.toString();
    }

    private Set<String> fromJson(String text) {
        if (text == null || text.equals("[]")) return Set.of();
        try {
            Set<String> set = new HashSet<>();
            for (Iterator<JsonNode> it = json.readTree(text).elements(); it.hasNext(); ) set.add(it.next().asText());
            return set;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable room list " + text, e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Socket data as JSON, keeping the Instant and Date values the auth layer puts there. */
    static final class SessionData {
        private SessionData() {
        }

        static JsonNode encode(ObjectMapper json, Object value) {
            if (value instanceof Instant instant) return json.createObjectNode().put("$instant", instant.toString());
            if (value instanceof Date date) return json.createObjectNode().put("$date", date.getTime());
            if (value instanceof Map<?, ?> map) {
                ObjectNode node = json.createObjectNode();
                map.forEach((k, v) -> node.set(String.valueOf(k), encode(json, v)));
                return node;
            }
            if (value instanceof Iterable<?> list) {
                ArrayNode node = json.createArrayNode();
                list.forEach(v -> node.add(encode(json, v)));
                return node;
            }
            return json.valueToTree(value);
        }

        @SuppressWarnings("unchecked")
        static Map<String, Object> decode(ObjectMapper json, JsonNode node) {
            Object value = decodeValue(json, node);
            return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        }

        private static Object decodeValue(ObjectMapper json, JsonNode node) {
            if (node == null || node.isNull()) return null;
            if (node.isObject()) {
                if (node.size() == 1 && node.has("$instant")) return Instant.parse(node.get("$instant").asText());
                if (node.size() == 1 && node.has("$date")) return new Date(node.get("$date").asLong());
                Map<String, Object> map = new LinkedHashMap<>();
                node.fields().forEachRemaining(e -> map.put(e.getKey(), decodeValue(json, e.getValue())));
                return map;
            }
            if (node.isArray()) {
                List<Object> list = new ArrayList<>();
                node.forEach(e -> list.add(decodeValue(json, e)));
                return list;
            }
            return json.convertValue(node, Object.class);
        }
    }

    /** Redis stream ids ("millis-sequence"), which are also the recovery offsets. */
    static final class StreamIds {
        private StreamIds() {
        }

        static boolean valid(String id) {
            int dash = id.indexOf('-');
            if (dash <= 0 || dash == id.length() - 1) return false;
            for (int i = 0; i < id.length(); i++) {
                if (i != dash && !Character.isDigit(id.charAt(i))) return false;
            }
            return id.length() <= 41;
        }

        static int compare(String a, String b) {
            int da = a.indexOf('-');
            int db = b.indexOf('-');
            int c = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
            return c != 0 ? c : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
        }
    }
}
