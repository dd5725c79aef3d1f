package dev.rowcast.server;

import dev.rowcast.server.rooms.Adapter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * A Socket.IO namespace ({@code "/"} or one made with {@link SocketIoServer#of}): its
 * middlewares, connection handlers, sockets and rooms. Thread-safe.
 */
public final class Namespace {
    private final String name;
    private final SocketIoServer server;
    private final Adapter adapter;
    private final Map<String, Socket> sockets = new ConcurrentHashMap<>();
    private final List<Middleware> middlewares = new CopyOnWriteArrayList<>();
    private final List<Consumer<Socket>> connectionHandlers = new CopyOnWriteArrayList<>();
    private final AtomicLong ackIds = new AtomicLong();
    private final Recovery recovery;
    private volatile BiPredicate<Socket, String> recoveredRooms = (socket, room) -> true;

    Namespace(String name, SocketIoServer server) {
        this.name = name;
        this.server = server;
        ServerOptions options = server.options();
        this.recovery = options.recovery() == null ? null
                : new Recovery(options.recovery().toMillis(), options.recoveryMaxPackets(), options.recoveryMaxBytes(),
                        options.recoveryMaxSessions(), options.recoveryMaxRoomChars(), name, server.cluster());
        dev.rowcast.server.rooms.LocalDelivery delivery = (socketId, encoded) -> deliver(socketId, encoded, null);
        this.adapter = server.cluster() == null ? options.adapterFactory().apply(delivery)
                : new dev.rowcast.server.cluster.ClusterAdapter(name, new dev.rowcast.server.rooms.InMemoryAdapter(delivery),
                        server.cluster(), recovery != null);
    }

    public String name() {
        return name;
    }

    public Adapter adapter() {
        return adapter;
    }

    /**
     * Adds a middleware; they run in the order added, for every CONNECT to this namespace, a client's
     * coming back through connection state recovery included (see {@link Middleware}).
     */
    public Namespace use(Middleware middleware) {
        middlewares.add(middleware);
        return this;
    }

    /**
     * Decides which of its former rooms a socket that recovers gets back, asked once the middlewares let
     * its CONNECT in (so the socket carries what that CONNECT proved). A room refused here is left, and the
     * events it missed there are not sent. Default: every room.
     */
    public Namespace recoveredRooms(BiPredicate<Socket, String> allowed) {
        recoveredRooms = java.util.Objects.requireNonNull(allowed, "allowed");
        return this;
    }

    /** Runs for each socket that joined, after its CONNECT reply has been queued. */
    public Namespace onConnection(Consumer<Socket> handler) {
        connectionHandlers.add(handler);
        return this;
    }

    /** The connected sockets (a live, read-only view). */
    public Collection<Socket> sockets() {
        return java.util.Collections.unmodifiableCollection(sockets.values());
    }

    /** The connected socket with that Socket.IO id, or null. */
    public Socket socket(String id) {
        return sockets.get(id);
    }

    public BroadcastOperator to(String... rooms) {
        return new BroadcastOperator(this, Set.of(), Set.of()).to(rooms);
    }

    public BroadcastOperator except(String... rooms) {
        return new BroadcastOperator(this, Set.of(), Set.of()).except(rooms);
    }

    /**
     * True when an emit to these rooms (every socket when none) would reach a socket now, or be kept
     * for one away that may recover it: {@code to(rooms).hasAudience()} without making the operator.
     */
    public boolean hasAudience(Collection<String> rooms) {
        return BroadcastOperator.hasAudience(this, rooms, Set.of());
    }

    /** Sends to every socket of the namespace; returns how many it was handed to. */
    public int emit(String event, Object... args) {
        return new BroadcastOperator(this, Set.of(), Set.of()).emit(event, args);
    }

    SocketIoServer server() {
        return server;
    }

    /** Null unless connection state recovery is on. */
    Recovery recovery() {
        return recovery;
    }

    /** Forgets expired recovery state; in a cluster, keeps the stored sessions of connected sockets alive. */
    void sweepRecovery() {
        if (recovery == null) return;
        recovery.sweep();
        if (recovery.shared()) sockets.values().forEach(recovery::touch);
    }

    /** Whether a recovering socket keeps that room; a filter that fails keeps none. */
    boolean keepsOnRecovery(Socket socket, String room) {
        try {
            return recoveredRooms.test(socket, room);
        } catch (RuntimeException e) {
            Log.warn("the recovered-rooms filter of namespace " + name + " failed on room '" + room + "'; the room is left", e);
            return false;
        }
    }

    long nextAckId() {
        return ackIds.getAndIncrement();
    }

    /** Hands an encoded event to a connected socket; {@code offset}: its recovery offset, or null when it has none. */
    boolean deliver(String socketId, List<dev.rowcast.server.engine.EngineMessage> encoded, String offset) {
        Socket socket = sockets.get(socketId);
        return socket != null && socket.deliver(encoded, offset);
    }

    void add(Socket socket) {
        sockets.put(socket.id(), socket);
    }

    void remove(Socket socket) {
        sockets.remove(socket.id(), socket);
    }

    void runMiddlewares(Socket socket, int index, Middleware.Next outcome) {
        if (index >= middlewares.size()) {
            outcome.proceed();
            return;
        }
        Middleware middleware = middlewares.get(index);
        try {
            middleware.handle(socket, new Middleware.Next() {
                @Override
                public void proceed() {
                    socket.client().runOnExecutor(() -> runMiddlewares(socket, index + 1, outcome));
                }

                @Override
                public void refuse(String message, Object data) {
                    outcome.refuse(message, data);
                }
            });
        } catch (RuntimeException e) {
            Log.warn("middleware #" + index + " of namespace " + name + " failed; refusing the connection", e);
            outcome.refuse("Server error", null);
        }
    }

    void fireConnection(Socket socket) {
        for (Consumer<Socket> handler : connectionHandlers) {
            try {
                handler.accept(socket);
            } catch (RuntimeException e) {
                Log.warn("connection handler of namespace " + name + " failed for socket " + socket.id(), e);
            }
        }
    }
}
