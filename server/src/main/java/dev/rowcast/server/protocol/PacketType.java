package dev.rowcast.server.protocol;

/** Socket.IO v5 packet types; the ordinal is the digit on the wire. */
public enum PacketType {
    CONNECT,
    DISCONNECT,
    EVENT,
    ACK,
    CONNECT_ERROR,
    BINARY_EVENT,
    BINARY_ACK;

    private static final PacketType[] BY_CODE = values();

    /** The wire digit, {@code '0'..'6'}. */
    public char code() {
        return (char) ('0' + ordinal());
    }

    /** The type for a wire digit, or null when the character is not one. */
    public static PacketType fromCode(char c) {
        int i = c - '0';
        return i >= 0 && i < BY_CODE.length ? BY_CODE[i] : null;
    }

    public boolean isBinary() {
        return this == BINARY_EVENT || this == BINARY_ACK;
    }
}
