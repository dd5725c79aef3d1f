package dev.rowcast.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rowcast.server.engine.EngineMessage;
import dev.rowcast.server.protocol.EventFrames;
import dev.rowcast.server.protocol.Packet;
import dev.rowcast.server.protocol.PacketEncoder;
import dev.rowcast.server.protocol.PacketJson;
import dev.rowcast.server.protocol.PacketType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One client connected to one namespace. Its id is the Socket.IO sid (not the Engine.IO
 * session id) and it is always a member of the room of that id.
 *
 * <p>Handlers run on the session's executor, one at a time. {@code emit}, {@code join},
 * {@code leave} and {@code disconnect} may be called from any thread.
 */
public final class Socket {
    static final Set<String> RESERVED_EVENTS = Set.of(
            "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    private final String id;
    private final Namespace namespace;
    private final Client client;
    private final SocketHandshake handshake;
    // Made on first use (under this socket's lock): most sockets of a big idle fleet never need most of them.
    private volatile Map<String, Object> data;
    private volatile ConcurrentMap<String, List<EventHandler>> handlers;
    private volatile List<AnyEventHandler> anyHandlers;
    private volatile List<Consumer<String>> disconnectingHandlers;
    private volatile List<Consumer<String>> disconnectHandlers;
    private volatile List<Runnable> discardHandlers;
    private volatile ConcurrentMap<Long, PendingAck> pendingAcks;
    private volatile boolean connected;
    private volatile boolean closed;
    private volatile String pid;
    private volatile boolean recovered;
    /** With recovery on: the offset of the last kept event this socket was handed, or where it started. */
    private volatile String lastOffset;
    /** With recovery on: where the socket started, and the offset of the last kept event handed to it, sent or not. */
    private volatile String origin;
    private final AtomicReference<String> routed = new AtomicReference<>();

    Socket(String id, Namespace namespace, Client client, SocketHandshake handshake) {
        this.id = id;
        this.namespace = namespace;
        this.client = client;
        this.handshake = handshake;
    }

    public String id() {
        return id;
    }

    public Namespace namespace() {
        return namespace;
    }

    public SocketHandshake handshake() {
        return handshake;
    }

    /** The Engine.IO session under this socket (shared by its sockets in other namespaces). */
    public String engineId() {
        return client.engine().id();
    }

    /** {@code "polling"} or {@code "websocket"}. */
    public String transport() {
        return client.engine().transport();
    }

    /** Free-form per-socket values for the application (user id, token claims, ...). */
    public Map<String, Object> data() {
        Map<String, Object> d = data;
        if (d != null) return d;
        synchronized (this) {
            if (data == null) data = new ConcurrentHashMap<>();
            return data;
        }
    }

    public boolean connected() {
        return connected;
    }

    /** True when this socket is a client come back through connection state recovery. */
    public boolean recovered() {
        return recovered;
    }

    public Set<String> rooms() {
        return namespace.adapter().socketRooms(id);
    }

    /**
     * Joins rooms; allowed in a middleware too (the rooms are dropped if the connection is refused). Join
     * several at once rather than one by one: in a cluster each call stores the session with all its rooms.
     */
    public void join(String... rooms) {
        namespace.adapter().addAll(id, Set.of(rooms));
        // a join racing the disconnect must not leave the socket behind in the index
        if (closed) namespace.adapter().removeAll(id);
        else touchSession();
    }

    public void leave(String room) {
        namespace.adapter().remove(id, room);
        touchSession();
    }

    /** Leaves several rooms at once: in a cluster the session is stored once, not once per room. */
    public void leave(String... rooms) {
        for (String room : rooms) namespace.adapter().remove(id, room);
        touchSession();
    }

    public Socket on(String event, EventHandler handler) {
        handlers().computeIfAbsent(event, k -> new CopyOnWriteArrayList<>()).add(handler);
        return this;
    }

    public Socket onAny(AnyEventHandler handler) {
        anyHandlers().add(handler);
        return this;
    }

    /** Runs before the socket leaves its rooms, so {@link #rooms()} still answers. */
    public Socket onDisconnecting(Consumer<String> handler) {
        disconnectingHandlers().add(handler);
        return this;
    }

    /**
     * Runs once the socket is gone, with the reason as Socket.IO names it: {@code "client namespace
     * disconnect"}, {@code "server namespace disconnect"}, {@code "transport close"}, {@code "ping
     * timeout"}, {@code "forced close"}, {@code "forced server close"}, {@code "parse error"}, ...
     */
    public Socket onDisconnect(Consumer<String> handler) {
        disconnectHandlers().add(handler);
        return this;
    }

    /**
     * Runs if this socket, let through by the middleware that registers it, is not admitted after all (a
     * later middleware refused it, its recovery could not end, its client went first): what that middleware
     * took for it is given back. An admitted socket never runs it; its {@link #onDisconnect} does.
     */
    public Socket onDiscard(Runnable handler) {
        discardHandlers().add(handler);
        return this;
    }

    /**
     * Sends an event to this socket; byte[] arguments become attachments. False if not sent. With
     * recovery on it ends with an offset, as the reference server's do, but it is not kept for a
     * client that comes back (the reference keeps it with the broadcasts, where one client's
     * events could push out everyone else's): the offset is that of the last event this socket was
     * sent, so the client's point of return stays where it was.
     */
    public boolean emit(String event, Object... args) {
        checkEventName(event);
        if (!connected) return false;
        String offset = namespace.recovery() == null ? null : lastOffset;
        return deliver(encodeEvent(namespace.name(), event, args, offset));
    }

    /**
     * Sends an event and waits for the client's ack; the callback runs exactly once, with the ack's
     * arguments or an error on timeout or disconnect.
     */
    public void emitWithAck(String event, Duration timeout, AckCallback callback, Object... args) {
        checkEventName(event);
        long ackId = namespace.nextAckId();
        PendingAck pending = new PendingAck(callback);
        ConcurrentMap<Long, PendingAck> pendingAcks = pendingAcks();
        pendingAcks.put(ackId, pending);
        pending.timer = namespace.server().timer().schedule(() -> {
            if (pendingAcks.remove(ackId, pending)) {
                client.runOnExecutor(() -> pending.complete(new TimeoutException(
                        "no ack for '" + event + "' from socket " + id + " within " + timeout.toMillis() + " ms"), null));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!sendPacket(Packet.event(namespace.name(), eventArray(event, args), ackId))) {
            if (pendingAcks.remove(ackId, pending)) {
                pending.cancelTimer();
                client.runOnExecutor(() -> pending.complete(
                        new IllegalStateException("socket " + id + " is disconnected; '" + event + "' was not sent"), null));
            }
        }
    }

    /** Same, with the server's default ack timeout. */
    public void emitWithAck(String event, AckCallback callback, Object... args) {
        emitWithAck(event, namespace.server().options().ackTimeout(), callback, args);
    }

    /** To the rooms, leaving this socket out (Socket.IO's {@code socket.to(room).emit}). */
    public BroadcastOperator to(String... rooms) {
        return namespace.to(rooms).except(id);
    }

    /** To everyone else in the namespace. */
    public BroadcastOperator broadcast() {
        return namespace.except(id);
    }

    /** Leaves the namespace: the client gets DISCONNECT ({@code "io server disconnect"}); the session stays. */
    public void disconnect() {
        disconnect(false);
    }

    /** With {@code closeSession}, also closes the Engine.IO session and every socket on it. */
    public void disconnect(boolean closeSession) {
        client.runOnExecutor(() -> {
            if (closeSession) {
                client.closeSession("forced server close");
            } else {
                serverDisconnect(false);
            }
        });
    }

    /**
     * Leaves the namespace as {@link #disconnect()} does, but keeps the session for connection state recovery
     * (when it is on): a client that connects again within {@code maxDisconnection}, past the namespace's
     * middlewares, gets its id, rooms and the events it missed back. For a disconnect the client is meant to
     * answer by coming back, such as an expired login it can renew.
     */
    public void disconnectKeepingSession() {
        client.runOnExecutor(() -> serverDisconnect(true));
    }

    private void serverDisconnect(boolean keepSession) {
        if (!connected) return;
        sendPacket(new Packet(PacketType.DISCONNECT, namespace.name(), null, null));
        client.removeSocket(this);
        onClose("server namespace disconnect", keepSession);
    }

    // ---- package-private: driven by Client on the session's executor ----

    Client client() {
        return client;
    }

    String pid() {
        return pid;
    }

    /** The data without making the map when nothing was ever put. */
    Map<String, Object> dataSnapshot() {
        Map<String, Object> d = data;
        return d == null ? Map.of() : Map.copyOf(d);
    }

    /** In a cluster, a node may die without a word: the session is stored while connected, not only on disconnect. */
    private void touchSession() {
        Recovery recovery = namespace.recovery();
        if (recovery != null && recovery.shared() && connected && !closed) recovery.touch(this);
    }

    void restoreFrom(Recovery.Session session) {
        pid = session.pid();
        recovered = true;
        if (!session.data().isEmpty()) data().putAll(session.data());
    }

    /** {@code position}: with recovery on, the offset the socket starts from (its client's, when it recovered). */
    void markConnected(String position) {
        if (pid == null && namespace.recovery() != null) pid = Recovery.randomId(15);
        lastOffset = position;
        origin = position;
        routed.set(position);
        connected = true;
        namespace.adapter().addAll(id, Set.of(id));
        touchSession();
    }

    boolean sendPacket(Packet packet) {
        if (!connected && packet.type() != PacketType.DISCONNECT) return false;
        return deliver(PacketEncoder.encode(packet));
    }

    /** Sends an already encoded packet (fan-out: encoded once for every recipient). */
    boolean deliver(List<EngineMessage> encoded) {
        boolean sent = client.engine().send(encoded);
        if (sent) namespace.server().statsRecorder().sent(encoded);
        return sent;
    }

    /**
     * Sends an event kept for recovery, then takes its offset as this socket's last: set after the send,
     * so that an emit racing it can only repeat an older offset (a replayed duplicate), never skip one.
     */
    boolean deliver(List<EngineMessage> encoded, String offset) {
        boolean sent = deliver(encoded);
        if (offset != null) {
            // only ever forward: two emits racing may set theirs in either order, and recovery takes the
            // client that has this offset to have had every kept event up to it
            routed.accumulateAndGet(offset, (was, now) -> was == null || later(now, was) ? now : was);
            if (sent) lastOffset = offset;
        }
        return sent;
    }

    /** Whether offset {@code a} is past {@code b}: one namespace's offsets, a prefix and a base-36 number. */
    static boolean later(String a, String b) {
        return a.length() != b.length() ? a.length() > b.length() : a.compareTo(b) > 0;
    }

    String origin() {
        return origin;
    }

    String routed() {
        return routed.get();
    }

    void onPacket(Packet packet) {
        switch (packet.type()) {
            case EVENT, BINARY_EVENT -> onEvent(packet);
            case ACK, BINARY_ACK -> onAck(packet);
            case DISCONNECT -> {
                client.removeSocket(this);
                onClose("client namespace disconnect");
            }
            default -> Log.debug("ignoring " + packet.type() + " from socket " + id);
        }
    }

    /** The connection was refused before it was admitted: forget any room a middleware joined. */
    void discard() {
        closed = true;
        // a CONNECT that came back for a session which another CONNECT then took shares that one's id
        if (namespace.socket(id) == null) namespace.adapter().removeAll(id);
        List<Runnable> handlers;
        synchronized (this) { // once, however the refusal came
            handlers = discardHandlers;
            discardHandlers = null;
        }
        for (Runnable handler : orEmpty(handlers)) runHandler("discard", handler);
    }

    void onClose(String reason) {
        onClose(reason, Recovery.RECOVERABLE.contains(reason));
    }

    private void onClose(String reason, boolean keepSession) {
        if (!connected) return;
        for (Consumer<String> handler : orEmpty(disconnectingHandlers)) runHandler("disconnecting", () -> handler.accept(reason));
        connected = false;
        closed = true;
        Recovery recovery = namespace.recovery();
        if (recovery != null && keepSession) recovery.persist(this, rooms());
        else if (recovery != null && recovery.shared()) recovery.forget(this);
        namespace.adapter().removeAll(id);
        namespace.remove(this);
        ConcurrentMap<Long, PendingAck> pendingAcks = this.pendingAcks;
        for (Long ackId : pendingAcks == null ? List.<Long>of() : List.copyOf(pendingAcks.keySet())) {
            PendingAck pending = pendingAcks.remove(ackId);
            if (pending != null) {
                pending.cancelTimer();
                pending.complete(new IllegalStateException("socket " + id + " disconnected (" + reason + ") before its ack"), null);
            }
        }
        for (Consumer<String> handler : orEmpty(disconnectHandlers)) runHandler("disconnect", () -> handler.accept(reason));
    }

    private void onEvent(Packet packet) {
        JsonNode data = packet.data();
        String event = data.get(0).asText();
        List<JsonNode> args = argsOf(data, 1);
        Ack ack = packet.id() == null ? NO_ACK : new ClientAck(packet.id());
        for (AnyEventHandler handler : orEmpty(anyHandlers)) runHandler(event, () -> handler.onEvent(event, args, ack));
        ConcurrentMap<String, List<EventHandler>> handlers = this.handlers;
        List<EventHandler> named = handlers == null ? null : handlers.get(event);
        if (named != null) {
            for (EventHandler handler : named) runHandler(event, () -> handler.onEvent(args, ack));
        }
    }

    private void onAck(Packet packet) {
        ConcurrentMap<Long, PendingAck> pendingAcks = this.pendingAcks;
        PendingAck pending = pendingAcks == null ? null : pendingAcks.remove(packet.id());
        if (pending == null) {
            Log.debug("socket " + id + " sent an ack with unknown id " + packet.id());
            return;
        }
        pending.cancelTimer();
        pending.complete(null, packet.data() == null ? List.of() : argsOf(packet.data(), 0));
    }

    private synchronized ConcurrentMap<String, List<EventHandler>> handlers() {
        if (handlers == null) handlers = new ConcurrentHashMap<>();
        return handlers;
    }

    private synchronized List<AnyEventHandler> anyHandlers() {
        if (anyHandlers == null) anyHandlers = new CopyOnWriteArrayList<>();
        return anyHandlers;
    }

    private synchronized List<Consumer<String>> disconnectingHandlers() {
        if (disconnectingHandlers == null) disconnectingHandlers = new CopyOnWriteArrayList<>();
        return disconnectingHandlers;
    }

    private synchronized List<Consumer<String>> disconnectHandlers() {
        if (disconnectHandlers == null) disconnectHandlers = new CopyOnWriteArrayList<>();
        return disconnectHandlers;
    }

    private synchronized List<Runnable> discardHandlers() {
        if (discardHandlers == null) discardHandlers = new CopyOnWriteArrayList<>();
        return discardHandlers;
    }

    private synchronized ConcurrentMap<Long, PendingAck> pendingAcks() {
        if (pendingAcks == null) pendingAcks = new ConcurrentHashMap<>();
        return pendingAcks;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private void runHandler(String event, Runnable handler) {
        try {
            handler.run();
        } catch (RuntimeException e) {
            Log.warn("handler for '" + event + "' on socket " + id + " in namespace " + namespace.name()
                    + " failed; the connection stays open", e);
        }
    }

    /**
     * An event's Engine.IO messages, the recovery offset (when not null) as its last argument:
     * plain values are written straight to the frame, anything else (byte[] attachments, app
     * objects) goes through a JSON tree.
     */
    static List<EngineMessage> encodeEvent(String namespace, String event, Object[] args, String offset) {
        EngineMessage plain = EventFrames.plainEvent(namespace, event, args, offset);
        if (plain != null) return List.of(plain);
        ArrayNode data = eventArray(event, args);
        if (offset != null) data.add(offset);
        return PacketEncoder.encode(Packet.event(namespace, data, null));
    }

    static ArrayNode eventArray(String event, Object[] args) {
        ArrayNode array = PacketJson.NODES.arrayNode(args.length + 1);
        array.add(event);
        for (Object arg : args) array.add(PacketJson.toNode(arg));
        return array;
    }

    static ArrayNode argsArray(Object[] args) {
        ArrayNode array = PacketJson.NODES.arrayNode(args.length);
        for (Object arg : args) array.add(PacketJson.toNode(arg));
        return array;
    }

    static void checkEventName(String event) {
        if (event == null || RESERVED_EVENTS.contains(event)) {
            throw new IllegalArgumentException("'" + event + "' is reserved by Socket.IO and cannot be emitted; "
                    + "choose another event name");
        }
    }

    private static List<JsonNode> argsOf(JsonNode array, int from) {
        if (array.size() <= from) return List.of();
        List<JsonNode> args = new ArrayList<>(array.size() - from);
        for (int k = from; k < array.size(); k++) args.add(array.get(k));
        return Collections.unmodifiableList(args);
    }

    private static final Ack NO_ACK = new Ack() {
        @Override
        public boolean requested() {
            return false;
        }

        @Override
        public void send(Object... args) {
        }
    };

    private final class ClientAck implements Ack {
        private final long ackId;
        private final AtomicBoolean sent = new AtomicBoolean();

        ClientAck(long ackId) {
            this.ackId = ackId;
        }

        @Override
        public boolean requested() {
            return true;
        }

        @Override
        public void send(Object... args) {
            if (sent.compareAndSet(false, true)) {
                sendPacket(Packet.ack(namespace.name(), ackId, argsArray(args)));
            } else {
                Log.debug("ack " + ackId + " on socket " + id + " already sent; ignoring " + Arrays.toString(args));
            }
        }
    }

    private static final class PendingAck {
        private final AckCallback callback;
        volatile ScheduledFuture<?> timer;

        PendingAck(AckCallback callback) {
            this.callback = callback;
        }

        void cancelTimer() {
            ScheduledFuture<?> t = timer;
            if (t != null) t.cancel(false);
        }

        void complete(Throwable error, List<JsonNode> args) {
            try {
                callback.onAck(error, args);
            } catch (RuntimeException e) {
                Log.warn("ack callback failed", e);
            }
        }
    }
}
