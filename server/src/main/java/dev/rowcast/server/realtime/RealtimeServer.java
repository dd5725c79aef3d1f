package dev.rowcast.server.realtime;

import dev.rowcast.server.BroadcastOperator;
import dev.rowcast.server.Namespace;
import dev.rowcast.server.ServerStats;
import dev.rowcast.server.Socket;
import dev.rowcast.server.SocketIoServer;
import dev.rowcast.server.auth.RoomAuthorizer;
import dev.rowcast.server.auth.TokenVerifier;
import java.util.Collection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's client-facing behaviour, made safe, on a {@link SocketIoServer}: {@code identify},
 * {@code join}, {@code leave}, the relay, presence, token auth with expiry, and a bounded outbound
 * queue per client.
 *
 * <pre>{@code
 * RealtimeServer realtime = RealtimeServer.launch(options);   // or new RealtimeServer(options).start()
 * realtime.to("user:1").emit("realtime:notifications", envelope); // an ObjectNode or a Map
 * realtime.stop();
 * }</pre>
 */
public final class RealtimeServer implements AutoCloseable {
    private final RealtimeOptions options;
    private final SocketIoServer io;
    private final Replies replies = new Replies();
    private final PresenceHandlers presence;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService verifications;
    private final UserShares users;
    private final ConnectionCap connectionCap;
    private volatile int port = -1;

    /** @throws IllegalArgumentException when the auth key material is unusable, naming the setting */
    public RealtimeServer(RealtimeOptions options) {
        this.options = options;
        // first: a bad key fails here, before any thread or port exists
        TokenVerifier verifier = options.auth().hasKey() ? TokenVerifier.create(options.auth()) : null;
        this.io = new SocketIoServer(options.server());
        Namespace namespace = io.sockets();
        RoomPolicy rooms = new RoomPolicy(RoomAuthorizer.of(options.auth()), namespace);
        // a client back through recovery keeps only the rooms its new token may join
        namespace.recoveredRooms((socket, room) -> rooms.refusal(socket, room) == null);
        this.presence = new PresenceHandlers(namespace, rooms, replies, io.cluster());
        this.users = new UserShares(options.maxConnectionsPerUser(), options.maxRoomBytesPerUser());
        this.connectionCap = new ConnectionCap(users);
        RoomBudget budget = new RoomBudget(namespace.adapter(), options.maxRoomBytes(), users);
        RoomHandlers roomHandlers = new RoomHandlers(rooms, presence, replies, budget);
        Relay relay = new Relay(options.relay(), namespace, rooms, replies);

        timer = new ScheduledThreadPoolExecutor(1, daemon("rowcast-token-expiry"));
        timer.setRemoveOnCancelPolicy(true);
        // a remote JWKS fetch waits on the network: a few threads, a bounded queue, never the event loop
        verifications = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1_000),
                daemon("rowcast-token-verify"));
        ((ThreadPoolExecutor) verifications).allowCoreThreadTimeOut(true);

        TokenExpiry expiry = null;
        if (verifier != null) {
            io.use(new AuthMiddleware(verifier, options.auth().required(), verifications));
            expiry = new TokenExpiry(timer, verifier.clockSkew());
        }
        // after the token's check: its user is who the connection counts for
        io.use(connectionCap);
        TokenExpiry expiryOrNull = expiry;
        io.onConnection(socket -> {
            if (expiryOrNull != null) expiryOrNull.watch(socket);
            relay.install(socket);
            roomHandlers.install(socket);
            presence.install(socket);
        });
    }

    /**
     * Creates, binds and serves in one call; when binding fails (a port in use), every thread is
     * released before the exception is rethrown.
     */
    public static RealtimeServer launch(RealtimeOptions options) {
        RealtimeServer server = new RealtimeServer(options);
        try {
            server.start();
            return server;
        } catch (RuntimeException e) {
            server.stop();
            throw e;
        }
    }

    /** Binds and serves; returns the port (the chosen one when the options say port 0). */
    public int start() {
        return start(null);
    }

    /**
     * Serves on a channel the caller bound already, or binds when null: an embedder can hold the
     * port (and queue clients in its backlog) before it starts the server.
     */
    public int start(java.nio.channels.ServerSocketChannel bound) {
        port = io.start(bound);
        return port;
    }

    /** The bound port, or -1 before {@link #start()}. */
    public int port() {
        return port;
    }

    /** Closes every connection, releases the port and the threads. A stopped server cannot start again. */
    public void stop() {
        io.stop();
        timer.shutdownNow();
        verifications.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }

    /** Emits to the sockets in any of these rooms: {@code to("user:1").emit("realtime:notifications", envelope)}. */
    public BroadcastOperator to(String... rooms) {
        return io.to(rooms);
    }

    /** True when an emit to these rooms (every socket when none) would reach a socket now or be kept for one away. */
    public boolean hasAudience(Collection<String> rooms) {
        return io.hasAudience(rooms);
    }

    /** Emits to every socket except those in these rooms. */
    public BroadcastOperator except(String... rooms) {
        return io.except(rooms);
    }

    /** Emits to every connected socket; returns how many it was handed to. */
    public int emit(String event, Object... args) {
        return io.emit(event, args);
    }

    /** The connected socket with that Socket.IO id, or null. */
    public Socket socket(String id) {
        return io.sockets().socket(id);
    }

    /** The underlying Socket.IO server, for what this facade does not cover (namespaces, the adapter). */
    public SocketIoServer socketIo() {
        return io;
    }

    public RealtimeOptions options() {
        return options;
    }

    public RealtimeStats stats() {
        ServerStats server = io.stats();
        long slow = server.engine() == null ? 0 : server.engine().slowSessionsClosed();
        return new RealtimeStats(server, slow, replies.refusals(), presence.roomCount(), connectionCap.refused());
    }

    UserShares users() {
        return users;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
