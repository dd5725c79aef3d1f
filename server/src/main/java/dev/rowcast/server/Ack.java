package dev.rowcast.server;

/**
 * The answer to a client event that asked for one ({@code socket.emit("ev", data, callback)}).
 * For an event without an ack id, {@link #requested()} is false and {@link #send} does nothing.
 * Only the first {@link #send} is delivered, from any thread.
 */
public interface Ack {
    boolean requested();

    /** Sends the ack; byte[] arguments become binary attachments. */
    void send(Object... args);
}
