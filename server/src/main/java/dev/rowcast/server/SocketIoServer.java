package dev.rowcast.server;

import dev.rowcast.server.engine.EngineListener;
import dev.rowcast.server.engine.EngineServer;
import dev.rowcast.server.engine.EngineSocket;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * A Socket.IO v5 server: namespaces, sockets, rooms and acks over an Engine.IO v4 server.
 *
 * <pre>{@code
 * SocketIoServer io = new SocketIoServer(ServerOptions.defaults());
 * io.onConnection(socket -> socket.on("ping", (args, ack) -> ack.send("pong")));
 * int port = io.start();
 * io.to("room:1").emit("news", Map.of("title", "hello"));
 * }</pre>
 */
public final class SocketIoServer {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final System.Logger LOG = System.getLogger("dev.rowcast.server");
    /** How long a stop waits for the broker to hand back this node's last broadcasts to its own clients. */
    private static final long CLUSTER_STOP_WAIT_MILLIS = 1_000;

    private final ServerOptions options;
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final Map<EngineSocket, Client> clients = new ConcurrentHashMap<>();
    private final StatsRecorder stats = new StatsRecorder();
    private final ScheduledThreadPoolExecutor timer;
    private final EngineListener engineListener = new Bridge();
    private EngineServer engineServer;
    /** Null unless {@link ServerOptions#cluster()} is set: only then is the Redis client loaded. */
    private final dev.rowcast.server.cluster.ClusterLink cluster;

    public SocketIoServer(ServerOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "rowcast-socketio-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.cluster = options.cluster() == null ? null : ClusterDelivery.open(options, this::namespace);
        namespaces.put("/", new Namespace("/", this));
        if (options.recovery() != null) {
            long every = Math.min(60_000, Math.max(1_000, options.recovery().toMillis() / 2));
            timer.scheduleWithFixedDelay(() -> namespaces.values().forEach(Namespace::sweepRecovery),
                    every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    public ServerOptions options() {
        return options;
    }

    /** The link to the other nodes, or null when this server runs alone. */
    public dev.rowcast.server.cluster.ClusterLink cluster() {
        return cluster;
    }

    /** The namespace of that name, created on first use; the name starts with '/'. */
    public Namespace of(String name) {
        Objects.requireNonNull(name, "name");
        if (!name.startsWith("/")) {
            throw new IllegalArgumentException("namespace '" + name + "' must start with '/', e.g. /" + name);
        }
        return namespaces.computeIfAbsent(name, n -> new Namespace(n, this));
    }

    /** The main namespace "/". */
    public Namespace sockets() {
        return namespaces.get("/");
    }

    public SocketIoServer onConnection(Consumer<Socket> handler) {
        sockets().onConnection(handler);
        return this;
    }

    public SocketIoServer use(Middleware middleware) {
        sockets().use(middleware);
        return this;
    }

    public BroadcastOperator to(String... rooms) {
        return sockets().to(rooms);
    }

    public BroadcastOperator except(String... rooms) {
        return sockets().except(rooms);
    }

    /** See {@link Namespace#hasAudience(Collection)}; for the main namespace. */
    public boolean hasAudience(Collection<String> rooms) {
        return sockets().hasAudience(rooms);
    }

    public int emit(String event, Object... args) {
        return sockets().emit(event, args);
    }

    /**
     * The Engine.IO side of this server, to mount it on an engine server next to other
     * endpoints. {@link #start()} does that for the usual single endpoint.
     */
    public EngineListener engineListener() {
        return engineListener;
    }

    public ServerStats stats() {
        Map<String, Integer> perNamespace = new LinkedHashMap<>();
        namespaces.forEach((name, ns) -> perNamespace.put(name, ns.sockets().size()));
        return new ServerStats(clients.size(), Map.copyOf(perNamespace), stats.packetsIn.sum(),
                stats.packetsOut.sum(), stats.bytesIn.sum(), stats.bytesOut.sum(), engineStatsOrNull());
    }

    /** Binds and starts serving; returns the port (useful with port 0). */
    public synchronized int start() {
        return start(null);
    }

    /** Starts serving on a channel the caller bound already (see {@link EngineServer#start(java.nio.channels.ServerSocketChannel)}), or binds when null. */
    public synchronized int start(java.nio.channels.ServerSocketChannel bound) {
        if (engineServer != null) throw new IllegalStateException("Socket.IO server already started on port " + engineServer.port());
        if (timer.isShutdown()) throw new IllegalStateException("a stopped Socket.IO server cannot start again; make a new one");
        warmUp();
        EngineServer engine = new EngineServer(options.engine(), Map.of(options.path(), engineListener));
        int port = engine.start(bound);
        engineServer = engine;
        return port;
    }

    /** Closes every session (sockets see "server shutting down") and releases the port and threads. */
    public synchronized void stop() {
        if (cluster != null && engineServer != null && !cluster.awaitOwnBroadcasts(CLUSTER_STOP_WAIT_MILLIS)) {
            LOG.log(System.Logger.Level.INFO, "[rowcast] cluster: stopping before Redis handed back every broadcast of this"
                    + " node within " + CLUSTER_STOP_WAIT_MILLIS + " ms; this node's clients may miss the last of them");
        }
        if (engineServer != null) {
            engineServer.stop();
            engineServer = null;
        }
        timer.shutdownNow();
        if (cluster != null) cluster.close();
    }

    /** Loads Jackson and seeds the id generator now, so the first client does not wait for them on an I/O thread. */
    private void warmUp() {
        newSocketId();
        try {
            new dev.rowcast.server.protocol.PacketDecoder().decodeText("2[\"warm-up\",{\"a\":[1.5]}]");
        } catch (dev.rowcast.server.protocol.ProtocolException e) {
            throw new IllegalStateException(e);
        }
        dev.rowcast.server.protocol.PacketEncoder.encode(
                dev.rowcast.server.protocol.Packet.event("/", Socket.eventArray("warm-up", new Object[] {1}), null));
    }

    private synchronized dev.rowcast.server.engine.EngineStats engineStatsOrNull() {
        return engineServer == null ? null : engineServer.stats();
    }

    // ---- package-private ----

    Namespace namespace(String name) {
        return namespaces.get(name);
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    StatsRecorder statsRecorder() {
        return stats;
    }

    void removeClient(Client client) {
        clients.remove(client.engine(), client);
    }

    /** 120 random bits, base64url: unguessable, and as long as the reference server's ids. */
    String newSocketId() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private final class Bridge implements EngineListener {
        @Override
        public void onOpen(EngineSocket socket) {
            Client client = new Client(SocketIoServer.this, socket);
            clients.put(socket, client);
            client.start();
        }

        @Override
        public void onMessage(EngineSocket socket, String text) {
            Client client = clients.get(socket);
            if (client != null) client.onText(text);
        }

        @Override
        public void onBinary(EngineSocket socket, byte[] data) {
            Client client = clients.get(socket);
            if (client != null) client.onBinary(data);
        }

        @Override
        public void onClose(EngineSocket socket, String reason) {
            Client client = clients.get(socket);
            if (client != null) client.onClose(reason);
        }
    }
}
