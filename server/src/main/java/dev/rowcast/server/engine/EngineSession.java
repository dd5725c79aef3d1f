package dev.rowcast.server.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One Engine.IO session and its transports (long-polling, WebSocket, or polling upgraded to
 * WebSocket).
 *
 * <p>Threading: session state is touched only on {@link #loop}. Outbound items go through a
 * lock-free queue so {@link #send} works from any thread; the queue is drained by the session
 * loop while polling and by the WebSocket's own event loop once on WebSocket (one consumer at a
 * time either way). Queue items are {@link Packet}, {@link EngineMessage} or
 * {@code EngineMessage[]} (a unit that must not be interleaved with other sends).
 */
final class EngineSession implements EngineSocket {
    private static final System.Logger LOG = System.getLogger(EngineSession.class.getName());
    private static final long NOOP_PERIOD_MILLIS = 100;
    /** How long a GET that crossed the client's own close packet is still answered with noop. */
    private static final long CROSSING_POLL_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * A session that flushed less than this ago waits out the rest before flushing again, so a burst
     * (a stream of captured rows) shares one wake-up and one write per window instead of one per
     * message; a quiet session still flushes at once.
     */
    private static final long COALESCE_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private enum State { OPEN, CLOSING, CLOSED }

    /** A held long-poll GET and the CORS headers its answer needs. */
    static final class PendingPoll {
        final Channel channel;
        final HttpHeaders extraHeaders;
        ChannelFutureListener onClose;

        PendingPoll(Channel channel, HttpHeaders extraHeaders) {
            this.channel = channel;
            this.extraHeaders = extraHeaders;
        }
    }

    private final String id;
    private final Handshake handshake;
    private final Endpoint endpoint;
    private final EngineOptions options;
    private final EngineStats stats;
    private final EventLoop loop;

    private final ConcurrentLinkedQueue<Object> outbound = new ConcurrentLinkedQueue<>();
    // Field updaters rather than Atomic* objects: one session per connection, so every object counts.
    private static final AtomicIntegerFieldUpdater<EngineSession> QUEUED_PACKETS =
            AtomicIntegerFieldUpdater.newUpdater(EngineSession.class, "queuedPackets");
    private static final AtomicLongFieldUpdater<EngineSession> QUEUED_BYTES =
            AtomicLongFieldUpdater.newUpdater(EngineSession.class, "queuedBytes");
    private static final AtomicIntegerFieldUpdater<EngineSession> FLUSH_SCHEDULED =
            AtomicIntegerFieldUpdater.newUpdater(EngineSession.class, "flushScheduled");
    private static final AtomicIntegerFieldUpdater<EngineSession> OVERFLOWED =
            AtomicIntegerFieldUpdater.newUpdater(EngineSession.class, "overflowed");
    private volatile int queuedPackets;
    private volatile long queuedBytes;
    private volatile int flushScheduled;
    private volatile int overflowed;
    private volatile long lastFlushNanos = System.nanoTime() - COALESCE_NANOS;
    private final Runnable flushTask = () -> {
        FLUSH_SCHEDULED.set(this, 0);
        lastFlushNanos = System.nanoTime();
        flush();
    };

    private volatile State state = State.OPEN;
    private volatile String transport;
    /** The active WebSocket; written on the session loop, read by its drainer. */
    private volatile Channel ws;

    // Session loop only.
    private boolean started;
    private boolean polling;
    private PendingPoll pendingGet;
    private Channel probe;
    private boolean upgrading;
    private String closeReason;
    private long pingDeadlineNanos;
    private ScheduledFuture<?> pingTask;
    private ScheduledFuture<?> pingTimeoutTask;
    private ScheduledFuture<?> upgradeTimeoutTask;
    private ScheduledFuture<?> noopTask;
    private ScheduledFuture<?> closeTimeoutTask;

    private EngineSession(Handshake handshake, Endpoint endpoint, EngineOptions options, EngineStats stats,
                          EventLoop loop, String transport) {
        this.id = SessionIds.next();
        this.handshake = handshake;
        this.endpoint = endpoint;
        this.options = options;
        this.stats = stats;
        this.loop = loop;
        this.transport = transport;
    }

    static EngineSession polling(Handshake handshake, Endpoint endpoint, EngineOptions options, EngineStats stats, EventLoop loop) {
        EngineSession session = new EngineSession(handshake, endpoint, options, stats, loop, "polling");
        session.polling = true;
        return session;
    }

    /** A session born on WebSocket; its open packet is the first queued frame. Call {@link #start()} after the 101. */
    static EngineSession webSocket(Handshake handshake, Endpoint endpoint, EngineOptions options, EngineStats stats, Channel channel) {
        EngineSession session = new EngineSession(handshake, endpoint, options, stats, channel.eventLoop(), "websocket");
        session.ws = channel;
        session.enqueueControl(Packet.open(session.openJson(false)));
        return session;
    }

    /** The open packet's JSON, keys in the reference order. */
    String openJson(boolean canUpgrade) {
        return "{\"sid\":\"" + id + "\",\"upgrades\":" + (canUpgrade ? "[\"websocket\"]" : "[]")
                + ",\"pingInterval\":" + options.pingInterval().toMillis()
                + ",\"pingTimeout\":" + options.pingTimeout().toMillis()
                + ",\"maxPayload\":" + options.maxPayload() + "}";
    }

    // ---- EngineSocket

    @Override
    public String id() {
        return id;
    }

    @Override
    public Handshake handshake() {
        return handshake;
    }

    @Override
    public String transport() {
        return transport;
    }

    @Override
    public Executor executor() {
        return loop;
    }

    @Override
    public boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public boolean send(List<EngineMessage> messages) {
        if (state != State.OPEN) return false;
        if (messages.isEmpty()) return true;
        Object item = messages.size() == 1 ? messages.get(0) : messages.toArray(new EngineMessage[0]);
        long bytes = PayloadCodec.size(item);
        int packets = QUEUED_PACKETS.addAndGet(this, messages.size());
        long total = QUEUED_BYTES.addAndGet(this, bytes);
        if (packets > options.maxQueuedPackets() || total > options.maxQueuedBytes()) {
            QUEUED_PACKETS.addAndGet(this, -messages.size());
            QUEUED_BYTES.addAndGet(this, -bytes);
            if (!OVERFLOWED.compareAndSet(this, 0, 1)) return false; // already closing; say it once
            stats.slowSessionClosed();
            long held = endpoint.slowClientLog.admit();
            if (held >= 0) {
                LOG.log(System.Logger.Level.WARNING, "[rowcast] engine session " + id + " on " + endpoint.path
                        + ": outbound queue full (" + packets + " packets, " + total + " bytes; the limits are "
                        + options.maxQueuedPackets() + " packets and " + options.maxQueuedBytes() + " bytes, the server's"
                        + " EngineOptions maxQueuedPackets and maxQueuedBytes, not rowcast.yml keys); closing the session:"
                        + " the client reads more slowly than its events come, and reconnects. If many clients are cut"
                        + " so, send them fewer or smaller events (a collection's fields: or events:)"
                        + (held > 0 ? " (" + held + " more closed so since the last such line, not logged)" : ""));
            }
            runOnLoop(() -> terminate("transport error", Packet.CLOSE_PACKET));
            return false;
        }
        outbound.add(item);
        scheduleFlush();
        return true;
    }

    @Override
    public boolean canQueue(int messages, long bytes) {
        return queuedPackets + (long) messages <= options.maxQueuedPackets() && queuedBytes + bytes <= options.maxQueuedBytes();
    }

    @Override
    public void close() {
        runOnLoop(this::closeFromServer);
    }

    @Override
    public String toString() {
        return "EngineSession[" + id + ", " + transport + ", " + state + "]";
    }

    // ---- lifecycle (session loop)

    /** Registers the session, starts the heartbeat and tells the listener. */
    void start() {
        started = true;
        endpoint.add(this);
        stats.sessionOpened();
        schedulePing();
        try {
            endpoint.listener.onOpen(this);
        } catch (Throwable t) {
            listenerFailed("onOpen", t);
        }
        scheduleFlush();
    }

    /** Server shutdown: end at once, telling the client where we can. */
    void shutdown() {
        runOnLoop(() -> {
            // what still waits for its coalesced flush goes out before the close: a stopping server's
            // last events (an app's last rows, a cluster node's last broadcasts) reach the client
            Channel socket = ws;
            if (state == State.OPEN && socket != null && socket.eventLoop().inEventLoop()) {
                drainWebSocket();
            } else if (state == State.OPEN && socket == null && polling && pendingGet != null && !upgrading) {
                closeReason = "server shutting down";
                enqueueControl(Packet.CLOSE_PACKET);
                flush(); // answers the held GET with them and the close, and ends the session
            }
            terminate("server shutting down", Packet.CLOSE_PACKET);
        });
    }

    private void closeFromServer() {
        if (state != State.OPEN) return;
        state = State.CLOSING;
        closeReason = "forced close";
        cancel(pingTask);
        cancel(pingTimeoutTask);
        pingTimeoutTask = null;
        enqueueControl(Packet.CLOSE_PACKET);
        // Over polling the close packet waits for the client's next GET; don't wait forever.
        long wait = options.pingInterval().toMillis() + options.pingTimeout().toMillis();
        closeTimeoutTask = loop.schedule(() -> terminate("forced close", Packet.CLOSE_PACKET), wait, TimeUnit.MILLISECONDS);
        flush();
    }

    /**
     * Ends the session now. A held GET is answered with {@code pollAnswer}: {@code 1} when the
     * server ends it, {@code 6} (noop) when the client sent the close.
     */
    void terminate(String reason, Packet pollAnswer) {
        if (state == State.CLOSED) return;
        state = State.CLOSED;
        if (!started) return; // the WebSocket handshake failed: nobody knows this session
        cancel(pingTask);
        cancel(pingTimeoutTask);
        cancel(upgradeTimeoutTask);
        cancel(noopTask);
        cancel(closeTimeoutTask);
        endpoint.remove(this);
        stats.sessionClosed();
        if (pendingGet != null) answerPoll(List.of(pollAnswer));
        Channel socket = ws;
        if (socket != null && socket.isActive()) closeWebSocket(socket, WebSocketCloseStatus.NORMAL_CLOSURE);
        if (probe != null) closeWebSocket(probe, WebSocketCloseStatus.NORMAL_CLOSURE);
        probe = null;
        outbound.clear();
        QUEUED_PACKETS.set(this, 0);
        QUEUED_BYTES.set(this, 0);
        try {
            endpoint.listener.onClose(this, reason);
        } catch (Throwable t) {
            listenerFailed("onClose", t);
        }
    }

    // ---- heartbeat

    private void schedulePing() {
        // The deadline counts from the scheduled ping, so a late timer never extends it.
        pingDeadlineNanos = System.nanoTime() + options.pingInterval().toNanos() + options.pingTimeout().toNanos();
        pingTask = loop.schedule(this::sendPing, options.pingInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sendPing() {
        if (state != State.OPEN) return;
        enqueueControl(Packet.PING_PACKET);
        flush();
        long left = Math.max(0, pingDeadlineNanos - System.nanoTime());
        pingTimeoutTask = loop.schedule(() -> terminate("ping timeout", Packet.CLOSE_PACKET), left, TimeUnit.NANOSECONDS);
    }

    private void onPong() {
        if (pingTimeoutTask == null) return; // unsolicited pong: nothing to reset
        cancel(pingTimeoutTask);
        pingTimeoutTask = null;
        schedulePing();
    }

    /** True when the pong is overdue, even if the timeout timer has not run yet. */
    private boolean pingOverdue() {
        return System.nanoTime() - pingDeadlineNanos >= 0;
    }

    // ---- inbound packets (session loop)

    private void onPacket(InboundPacket packet) {
        if (state == State.CLOSED) return;
        switch (packet.type()) {
            case Packet.MESSAGE -> {
                if (state != State.OPEN) return;
                try {
                    if (packet.isBinary()) endpoint.listener.onBinary(this, packet.binary());
                    else endpoint.listener.onMessage(this, packet.text());
                } catch (Throwable t) {
                    listenerFailed(packet.isBinary() ? "onBinary" : "onMessage", t);
                }
            }
            case Packet.PONG -> onPong();
            // v4 heartbeats go server to client; the reference closes on a client ping.
            case Packet.PING -> terminate("transport error", Packet.CLOSE_PACKET);
            case Packet.CLOSE -> {
                if (polling && pendingGet == null) endpoint.rememberClientClose(id, CROSSING_POLL_WINDOW_NANOS);
                terminate("transport close", Packet.NOOP_PACKET);
            }
            default -> {
                // open, upgrade and noop carry nothing for an open session
            }
        }
    }

    // ---- polling (session loop)

    void onPollRequest(PendingPoll poll) {
        if (state == State.CLOSED) {
            if (endpoint.takeClientClose(id)) {
                // This poll crossed the client's close packet: end it as if it had been held.
                HttpResponses.payload(poll.channel, PayloadCodec.encodePayload(poll.channel.alloc(),
                        List.of(Packet.NOOP_PACKET)), poll.extraHeaders);
            } else {
                HttpResponses.error(poll.channel, EngineError.UNKNOWN_SID, poll.extraHeaders);
            }
            return;
        }
        if (!polling) {
            HttpResponses.error(poll.channel, EngineError.BAD_REQUEST, poll.extraHeaders);
            return;
        }
        if (pendingGet != null) {
            // Two GETs at once: the reference answers the first with a close and ends the session.
            HttpResponses.error(poll.channel, EngineError.BAD_REQUEST, poll.extraHeaders);
            terminate("transport error", Packet.CLOSE_PACKET);
            return;
        }
        if (state == State.OPEN && pingOverdue()) {
            HttpResponses.error(poll.channel, EngineError.UNKNOWN_SID, poll.extraHeaders);
            terminate("ping timeout", Packet.CLOSE_PACKET);
            return;
        }
        pendingGet = poll;
        poll.onClose = future -> runOnLoop(() -> {
            if (pendingGet == poll) {
                pendingGet = null;
                terminate("transport error", Packet.CLOSE_PACKET);
            }
        });
        poll.channel.closeFuture().addListener(poll.onClose);
        flush();
    }

    void onPostRequest(Channel channel, HttpHeaders extraHeaders, List<InboundPacket> packets, PacketParseException error) {
        if (state == State.CLOSED) {
            HttpResponses.error(channel, EngineError.UNKNOWN_SID, extraHeaders);
            return;
        }
        if (!polling) {
            HttpResponses.error(channel, EngineError.BAD_REQUEST, extraHeaders);
            return;
        }
        if (error != null) {
            LOG.log(System.Logger.Level.DEBUG, () -> "[rowcast] engine session " + id + ": bad POST payload: " + error.getMessage());
            HttpResponses.error(channel, EngineError.BAD_REQUEST, extraHeaders);
            terminate("parse error", Packet.CLOSE_PACKET);
            return;
        }
        for (InboundPacket packet : packets) {
            if (state == State.CLOSED) break;
            onPacket(packet);
        }
        HttpResponses.ok(channel, extraHeaders);
    }

    /** Session loop only; for tests and diagnostics. */
    boolean hasPendingPoll() {
        return pendingGet != null;
    }

    private void answerPoll(List<Object> items) {
        PendingPoll poll = pendingGet;
        pendingGet = null;
        poll.channel.closeFuture().removeListener(poll.onClose);
        ByteBuf body = PayloadCodec.encodePayload(poll.channel.alloc(), items);
        HttpResponses.payload(poll.channel, body, poll.extraHeaders);
    }

    // ---- upgrade (session loop)

    /** A WebSocket with this session's sid completed its 101: it may become the transport. */
    void attachProbe(Channel channel) {
        if (state != State.OPEN || !polling || probe != null) {
            closeWebSocket(channel, WebSocketCloseStatus.POLICY_VIOLATION);
            return;
        }
        probe = channel;
        upgradeTimeoutTask = loop.schedule(() -> {
            if (probe == channel) {
                LOG.log(System.Logger.Level.DEBUG, () -> "[rowcast] engine session " + id + ": upgrade timed out");
                abortUpgrade();
            }
        }, options.upgradeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onProbePacket(Channel channel, InboundPacket packet) {
        if (packet != null && packet.type() == Packet.PING && "probe".equals(packet.text())) {
            channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(Packet.PROBE_PONG.utf8())));
            upgrading = true;
            // Release the held GET so the client can pause polling; repeat for any GET that follows.
            if (pendingGet != null) answerPoll(List.of(Packet.NOOP_PACKET));
            cancel(noopTask);
            noopTask = loop.scheduleAtFixedRate(() -> {
                if (pendingGet != null) answerPoll(List.of(Packet.NOOP_PACKET));
            }, NOOP_PERIOD_MILLIS, NOOP_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        } else if (packet != null && packet.type() == Packet.UPGRADE) {
            completeUpgrade();
        } else {
            abortUpgrade();
        }
    }

    private void completeUpgrade() {
        cancel(upgradeTimeoutTask);
        cancel(noopTask);
        if (pendingGet != null) {
            // A client pauses polling before it sends 5, so this GET raced the upgrade: refuse it
            // as any poll after the upgrade is refused.
            PendingPoll late = pendingGet;
            pendingGet = null;
            late.channel.closeFuture().removeListener(late.onClose);
            HttpResponses.error(late.channel, EngineError.BAD_REQUEST, late.extraHeaders);
        }
        polling = false;
        upgrading = false;
        ws = probe;
        probe = null;
        transport = "websocket";
        stats.upgraded();
        flush();
    }

    private void abortUpgrade() {
        cancel(upgradeTimeoutTask);
        cancel(noopTask);
        if (probe != null) closeWebSocket(probe, WebSocketCloseStatus.NORMAL_CLOSURE);
        probe = null;
        upgrading = false;
        flush();
    }

    // ---- WebSocket inbound (called from the socket's loop; hops to the session loop)

    void onWebSocketText(Channel channel, String text) {
        runOnLoop(() -> {
            InboundPacket packet;
            try {
                packet = PayloadCodec.decodeText(text);
            } catch (PacketParseException e) {
                if (channel == ws) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "[rowcast] engine session " + id + ": " + e.getMessage());
                    terminate("parse error", Packet.CLOSE_PACKET);
                } else if (channel == probe) {
                    abortUpgrade();
                }
                return;
            }
            if (channel == ws) onPacket(packet);
            else if (channel == probe) onProbePacket(channel, packet);
        });
    }

    void onWebSocketBinary(Channel channel, byte[] data) {
        runOnLoop(() -> {
            if (channel == ws) onPacket(InboundPacket.binary(data));
            else if (channel == probe) abortUpgrade();
        });
    }

    void onWebSocketClosed(Channel channel) {
        runOnLoop(() -> {
            if (channel == ws) {
                terminate(closeReason != null ? closeReason : "transport close", Packet.CLOSE_PACKET);
            } else if (channel == probe) {
                probe = null;
                cancel(upgradeTimeoutTask);
                cancel(noopTask);
                upgrading = false;
                flush();
            }
        });
    }

    // ---- outbound

    private void enqueueControl(Packet packet) {
        QUEUED_PACKETS.incrementAndGet(this);
        QUEUED_BYTES.addAndGet(this, packet.utf8().length);
        outbound.add(packet);
    }

    private void scheduleFlush() {
        // Coalesce: the sends until the flush runs become one write/flush (see COALESCE_NANOS).
        if (FLUSH_SCHEDULED.compareAndSet(this, 0, 1)) {
            try {
                long wait = COALESCE_NANOS - (System.nanoTime() - lastFlushNanos);
                if (wait <= 0) loop.execute(flushTask);
                else loop.schedule(flushTask, wait, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                FLUSH_SCHEDULED.set(this, 0); // server stopping; the session is about to end
            }
        }
    }

    private void flush() {
        if (state == State.CLOSED) return;
        Channel socket = ws;
        if (socket != null) {
            if (socket.eventLoop().inEventLoop()) drainWebSocket();
            else socket.eventLoop().execute(this::drainWebSocket);
            return;
        }
        if (polling && pendingGet != null && !upgrading && !outbound.isEmpty()) {
            List<Object> items = new ArrayList<>();
            boolean closing = false;
            Object item;
            while ((item = outbound.poll()) != null) {
                dequeued(item);
                items.add(item);
                if (item == Packet.CLOSE_PACKET) {
                    closing = true;
                    break;
                }
            }
            answerPoll(items);
            if (closing) terminate(closeReason != null ? closeReason : "forced close", Packet.CLOSE_PACKET);
        }
    }

    /** Writes queued items while the socket is writable; runs on the WebSocket's event loop. */
    void drainWebSocket() {
        Channel socket = ws;
        if (socket == null || state == State.CLOSED) return;
        boolean wrote = false;
        Object item;
        while (socket.isWritable() && (item = outbound.poll()) != null) {
            dequeued(item);
            if (item == Packet.CLOSE_PACKET) {
                // A server close over WebSocket is a close frame, not a close packet.
                closeWebSocket(socket, WebSocketCloseStatus.NORMAL_CLOSURE);
                return;
            }
            write(socket, item);
            wrote = true;
        }
        if (wrote) socket.flush();
    }

    private static void write(Channel socket, Object item) {
        if (item instanceof EngineMessage message) {
            socket.write(frame(message), socket.voidPromise());
        } else if (item instanceof Packet packet) {
            socket.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(packet.utf8())), socket.voidPromise());
        } else {
            for (EngineMessage message : (EngineMessage[]) item) socket.write(frame(message), socket.voidPromise());
        }
    }

    private static Object frame(EngineMessage message) {
        // Wrapping the shared arrays copies nothing and owns nothing that needs releasing.
        return message.isBinary()
                ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message.binary()))
                : new TextWebSocketFrame(Unpooled.wrappedBuffer(message.textFrameUtf8()));
    }

    private void dequeued(Object item) {
        QUEUED_PACKETS.addAndGet(this, -(item instanceof EngineMessage[] unit ? unit.length : 1));
        QUEUED_BYTES.addAndGet(this, -PayloadCodec.size(item));
    }

    // ---- helpers

    private static void closeWebSocket(Channel channel, WebSocketCloseStatus status) {
        if (!channel.isActive()) return;
        channel.writeAndFlush(new CloseWebSocketFrame(status)).addListener(ChannelFutureListener.CLOSE);
    }

    private void runOnLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "[rowcast] engine session " + id + ": event loop stopped, task dropped");
        }
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) task.cancel(false);
    }

    private void listenerFailed(String callback, Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "[rowcast] engine listener " + endpoint.listener.getClass().getName()
                + "." + callback + " failed for session " + id + " on " + endpoint.path + "; the session goes on", t);
    }
}
