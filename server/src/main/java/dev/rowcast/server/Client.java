package dev.rowcast.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rowcast.server.engine.EngineMessage;
import dev.rowcast.server.engine.EngineSocket;
import dev.rowcast.server.protocol.Packet;
import dev.rowcast.server.protocol.PacketDecoder;
import dev.rowcast.server.protocol.PacketEncoder;
import dev.rowcast.server.protocol.PacketJson;
import dev.rowcast.server.protocol.PacketType;
import dev.rowcast.server.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Engine.IO session seen from Socket.IO: its decoder and its sockets, one per namespace.
 * Every method except {@link #runOnExecutor} runs on the session's executor, so its state
 * needs no locks.
 */
final class Client {
    private final SocketIoServer server;
    private final EngineSocket engine;
    private final PacketDecoder decoder = new PacketDecoder();
    private final Map<String, Socket> sockets = new HashMap<>();
    /** Namespaces whose CONNECT waits for its middlewares; null when none (the usual case, kept small). */
    private Set<String> connecting;
    private ScheduledFuture<?> connectTimer;
    private boolean closed;

    Client(SocketIoServer server, EngineSocket engine) {
        this.server = server;
        this.engine = engine;
    }

    EngineSocket engine() {
        return engine;
    }

    void start() {
        long millis = server.options().connectTimeout().toMillis();
        Runnable check = () -> {
            connectTimer = null;
            if (!closed && sockets.isEmpty()) {
                Log.debug("session " + engine.id() + " joined no namespace within " + millis + " ms; closing it");
                closeSession("connect timeout");
            }
        };
        // On the session's own event loop when it has one: no cross-thread hop, and a cancel there
        // unlinks the timer at once instead of leaving it for a shared JDK timer's queue.
        connectTimer = engine.executor() instanceof ScheduledExecutorService loop
                ? loop.schedule(check, millis, TimeUnit.MILLISECONDS)
                : server.timer().schedule(() -> runOnExecutor(check), millis, TimeUnit.MILLISECONDS);
    }

    private void cancelConnectTimer() {
        ScheduledFuture<?> timer = connectTimer;
        connectTimer = null;
        if (timer != null) timer.cancel(false);
    }

    void runOnExecutor(Runnable task) {
        try {
            engine.executor().execute(task);
        } catch (RejectedExecutionException e) {
            Log.debug("session " + engine.id() + ": executor is shut down; task dropped");
        }
    }

    void onText(String text) {
        if (closed) return;
        server.statsRecorder().received(utf8Length(text) + 1);
        Packet packet;
        try {
            packet = decoder.decodeText(text);
        } catch (ProtocolException e) {
            violation(e.getMessage());
            return;
        }
        if (packet != null) dispatch(packet);
    }

    void onBinary(byte[] data) {
        if (closed) return;
        server.statsRecorder().received(data.length);
        Packet packet;
        try {
            packet = decoder.decodeBinary(data);
        } catch (ProtocolException e) {
            violation(e.getMessage());
            return;
        }
        if (packet != null) dispatch(packet);
    }

    void onClose(String reason) {
        if (closed) return;
        closeSockets(reason);
    }

    /** Closes every socket and the Engine.IO session. */
    void closeSession(String reason) {
        if (closed) return;
        closeSockets(reason);
        engine.close();
    }

    void removeSocket(Socket socket) {
        sockets.remove(socket.namespace().name(), socket);
    }

    private void closeSockets(String reason) {
        closed = true;
        cancelConnectTimer();
        for (Socket socket : List.copyOf(sockets.values())) socket.onClose(reason);
        sockets.clear();
        server.removeClient(this);
    }

    private void dispatch(Packet packet) {
        server.statsRecorder().packetReceived();
        String nsp = packet.namespace();
        Socket socket = sockets.get(nsp);
        if (packet.type() == PacketType.CONNECT) {
            if (socket != null || (connecting != null && connecting.contains(nsp))) {
                violation("repeated CONNECT to namespace " + nsp);
            } else {
                connect(nsp, packet.data());
            }
        } else if (socket == null) {
            violation(packet.type() + " packet to namespace " + nsp + " before a CONNECT to it");
        } else {
            socket.onPacket(packet);
        }
    }

    private void connect(String nsp, JsonNode auth) {
        Namespace namespace = server.namespace(nsp);
        if (namespace == null) {
            refuse(nsp, "Invalid namespace", null);
            return;
        }
        JsonNode authPayload = auth != null ? auth : PacketJson.NODES.objectNode();
        SocketHandshake handshake = new SocketHandshake(authPayload, engine.handshake());
        Recovery recovery = namespace.recovery();
        JsonNode offsetNode = authPayload.path("offset");
        // socket.io-client sends no offset until it got an event: then it missed every event of the session
        boolean noOffset = offsetNode.isMissingNode() || offsetNode.isNull();
        if (recovery != null && authPayload.path("pid").isTextual() && (offsetNode.isTextual() || noOffset)) {
            String pid = authPayload.get("pid").asText();
            String offset = noOffset ? null : offsetNode.asText();
            if (recovery.shared() && offset != null) {
                recoverFromCluster(namespace, recovery, pid, offset, handshake);
                return;
            }
            Recovery.Session session = recovery.shared() ? null : recovery.claim(pid, offset);
            if (session != null) {
                recover(namespace, recovery, session, offset, handshake);
                return;
            }
        }
        connectFresh(namespace, handshake);
    }

    /**
     * The client came back for a session kept here. Unlike the reference server (skipMiddlewares), its
     * CONNECT passes the middlewares as a fresh one does, before anything is restored or replayed: the
     * token it brings now may have expired, or may say something else than the one it first came with.
     */
    private void recover(Namespace namespace, Recovery recovery, Recovery.Session session, String offset,
            SocketHandshake handshake) {
        Socket socket = new Socket(session.sid(), namespace, this, handshake);
        socket.restoreFrom(session);
        authorize(socket, () -> {
            var restoring = recovery.restoring();
            restoring.lock();
            try {
                Recovery.Restored restored = closed ? null
                        : recovery.restore(session.pid(), offset, room -> namespace.keepsOnRecovery(socket, room));
                if (restored != null && fitsInQueue(socket, restored.missed())) {
                    admit(socket, restored.rooms(), restored.missed(), restored.position(), restoring::unlock);
                    return;
                }
            } finally {
                if (restoring.isHeldByCurrentThread()) restoring.unlock();
            }
            recovery.release(session.pid());
            giveUp(socket, namespace, handshake); // it aged out while the middlewares ran, or is too much to replay
        }, () -> recovery.release(session.pid()));
    }

    /**
     * The session may live on another node: it is looked up off this thread, the middlewares check the
     * CONNECT, and only then is it taken and its missed events gathered, to be admitted here.
     */
    private void recoverFromCluster(Namespace namespace, Recovery recovery, String pid, String offset,
            SocketHandshake handshake) {
        String nsp = namespace.name();
        if (connecting == null) connecting = new HashSet<>(4);
        connecting.add(nsp);
        recovery.findShared(pid).whenComplete((stored, error) -> runOnExecutor(() -> {
            doneConnecting(nsp);
            if (closed) return;
            if (stored == null) {
                connectFresh(namespace, handshake);
                return;
            }
            Socket socket = new Socket(stored.sid(), namespace, this, handshake);
            socket.restoreFrom(new Recovery.Session(stored.sid(), stored.pid(), stored.rooms(), stored.data(), 0, null, null, -1));
            authorize(socket, () -> recovery.restoreShared(pid, offset, room -> namespace.keepsOnRecovery(socket, room),
                    (restored, done) -> runOnExecutor(() -> {
                        if (restored == null || closed) {
                            done.run();
                            giveUp(socket, namespace, handshake);
                            return;
                        }
                        List<List<EngineMessage>> missed = new ArrayList<>(restored.missed().size());
                        for (var event : restored.missed()) missed.add(PacketEncoder.encode(Packet.event(nsp, event, null)));
                        if (!fitsInQueue(socket, missed)) {
                            done.run();
                            giveUp(socket, namespace, handshake);
                            return;
                        }
                        var lastMissed = restored.missed().isEmpty() ? null : restored.missed().get(restored.missed().size() - 1);
                        // where it stands once they are sent: the last one's stream id, which ends it
                        String position = lastMissed == null ? offset : lastMissed.get(lastMissed.size() - 1).asText();
                        admit(socket, restored.session().rooms(), missed, position, done);
                    })), () -> { });
        }));
    }

    /**
     * Whether the missed events and the CONNECT reply fit in the session's send queue: they are queued at
     * once, and a replay that overflowed it would close the session, whose client would come back with the
     * same offset, again and again until that offset aged out.
     */
    private boolean fitsInQueue(Socket socket, List<List<EngineMessage>> missed) {
        int messages = 0;
        long bytes = 0;
        for (List<EngineMessage> unit : missed) {
            for (EngineMessage message : unit) {
                messages++;
                bytes += message.isBinary() ? message.binary().length : message.textFrameUtf8().length;
            }
        }
        for (EngineMessage message : PacketEncoder.encode(connectReply(socket))) bytes += message.textFrameUtf8().length;
        if (engine.canQueue(messages + 1, bytes)) return true;
        Log.debug("socket " + socket.id() + " missed " + missed.size() + " events (" + bytes + " bytes), more than its session's"
                + " send queue takes at once; it gets a new session");
        return false;
    }

    /** A recovery that passed the middlewares cannot end (nothing left, or too much to replay): the client connects afresh. */
    private void giveUp(Socket socket, Namespace namespace, SocketHandshake handshake) {
        doneConnecting(namespace.name());
        socket.discard();
        if (!closed) connectFresh(namespace, handshake);
    }

    private void connectFresh(Namespace namespace, SocketHandshake handshake) {
        Socket socket = new Socket(server.newSocketId(), namespace, this, handshake);
        Recovery recovery = namespace.recovery();
        authorize(socket, () -> admit(socket, Set.of(), List.of(), recovery == null ? null : recovery.position(), () -> { }),
                () -> { });
    }

    /**
     * Runs the namespace's middlewares on the socket; {@code admitted} runs on this client's executor when
     * they let it in. A refusal is sent as CONNECT_ERROR after {@code refused} ran.
     */
    private void authorize(Socket socket, Runnable admitted, Runnable refused) {
        String nsp = socket.namespace().name();
        if (connecting == null) connecting = new HashSet<>(4);
        connecting.add(nsp);
        socket.namespace().runMiddlewares(socket, 0, new MiddlewareOutcome() {
            private final AtomicBoolean done = new AtomicBoolean();

            @Override
            public void proceed() {
                if (done.compareAndSet(false, true)) runOnExecutor(admitted);
            }

            @Override
            public void refuse(String message, Object data) {
                if (done.compareAndSet(false, true)) runOnExecutor(() -> {
                    doneConnecting(nsp);
                    socket.discard();
                    refused.run();
                    if (!closed) Client.this.refuse(nsp, message, data);
                });
            }
        });
    }

    /**
     * Joins the socket to its namespace; a recovered one gets its rooms back and its missed events first,
     * then {@code missedSent} runs (it releases the recovery lock before any handler runs). {@code position}:
     * with recovery on, the offset the socket stands at once its missed events are sent.
     */
    private void admit(Socket socket, Set<String> rooms, List<List<EngineMessage>> missed, String position,
            Runnable missedSent) {
        String nsp = socket.namespace().name();
        doneConnecting(nsp);
        if (closed) {
            socket.discard();
            missedSent.run();
            return;
        }
        cancelConnectTimer();
        sockets.put(nsp, socket);
        socket.namespace().add(socket);
        socket.markConnected(position);
        if (!rooms.isEmpty()) socket.join(rooms.toArray(new String[0]));
        for (List<EngineMessage> event : missed) socket.deliver(event);
        missedSent.run();
        socket.sendPacket(connectReply(socket));
        socket.namespace().fireConnection(socket);
    }

    private static Packet connectReply(Socket socket) {
        ObjectNode reply = PacketJson.NODES.objectNode().put("sid", socket.id());
        if (socket.pid() != null) reply.put("pid", socket.pid());
        return new Packet(PacketType.CONNECT, socket.namespace().name(), null, reply);
    }

    private void doneConnecting(String nsp) {
        if (connecting != null && connecting.remove(nsp) && connecting.isEmpty()) connecting = null;
    }

    private void refuse(String nsp, String message, Object data) {
        ObjectNode error = PacketJson.NODES.objectNode().put("message", message == null ? "Unauthorized" : message);
        if (data != null) error.set("data", PacketJson.toNode(data));
        List<dev.rowcast.server.engine.EngineMessage> encoded =
                PacketEncoder.encode(new Packet(PacketType.CONNECT_ERROR, nsp, null, error));
        if (engine.send(encoded)) server.statsRecorder().sent(encoded);
    }

    private void violation(String what) {
        Log.debug("session " + engine.id() + " from " + engine.handshake().remoteAddress()
                + " broke the Socket.IO protocol (" + what + "); closing it");
        closeSession("parse error");
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n++;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }

    /** The middleware chain's continuation, with the "exactly once" guard. */
    interface MiddlewareOutcome extends Middleware.Next {
    }
}
