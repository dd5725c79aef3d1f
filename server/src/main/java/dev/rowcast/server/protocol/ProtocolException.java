package dev.rowcast.server.protocol;

/** A Socket.IO packet that breaks the protocol; the connection that sent it must be closed. */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
