package dev.rowcast.server.engine;

/**
 * What the layer above Engine.IO (Socket.IO) is told about sessions.
 * Callbacks of one session run on its {@link EngineSocket#executor()}, one at a time;
 * a callback must not block.
 */
public interface EngineListener {
    /** A session completed its handshake; the open packet is already on its way. */
    void onOpen(EngineSocket socket);

    /** A text message (Engine.IO packet type 4, without the type character). */
    void onMessage(EngineSocket socket, String text);

    /** A binary message. The array belongs to the listener. */
    void onBinary(EngineSocket socket, byte[] data);

    /**
     * The session ended. Reasons, as the reference server names them: {@code "transport close"}
     * (the client sent a close packet or dropped its WebSocket), {@code "transport error"} (an
     * aborted poll, two polls at once, a client ping, or an overflowing outbound queue),
     * {@code "ping timeout"}, {@code "forced close"} ({@link EngineSocket#close()}),
     * {@code "parse error"}, {@code "server shutting down"}.
     */
    void onClose(EngineSocket socket, String reason);
}
