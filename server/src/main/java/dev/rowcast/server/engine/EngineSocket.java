package dev.rowcast.server.engine;

import java.util.List;
import java.util.concurrent.Executor;

/**
 * One Engine.IO session, whatever its transport (polling, websocket, or polling upgraded).
 *
 * <p>Threading: every {@link EngineListener} callback for a session runs on {@link #executor()},
 * one at a time, so the layer above needs no locks for per-session state. {@link #send} and
 * {@link #close} may be called from any thread.
 */
public interface EngineSocket {
    /** The Engine.IO session id (the {@code sid} of the open packet). */
    String id();

    /** What the client sent when it opened the session. */
    Handshake handshake();

    /** {@code "polling"} or {@code "websocket"}: the transport in use now. */
    String transport();

    /** The single-threaded executor that runs this session's callbacks (its Netty event loop). */
    Executor executor();

    /**
     * Queues messages in order, as one unit (a Socket.IO packet and its binary attachments).
     * Returns false, sending nothing, when the session is closed or its outbound queue is full.
     */
    boolean send(List<EngineMessage> messages);

    default boolean send(EngineMessage message) {
        return send(List.of(message));
    }

    /**
     * True when {@link #send} would now take that many more messages of that many bytes (as sent on
     * a WebSocket) without its outbound queue passing a limit.
     */
    default boolean canQueue(int messages, long bytes) {
        return true;
    }

    /** Closes the session from the server side; the listener then sees {@code onClose(.., "forced close")}. */
    void close();

    boolean isOpen();
}
