package dev.rowcast.server.engine;

/** A decoded client packet: a type and either text data (possibly empty) or binary data. */
record InboundPacket(char type, String text, byte[] binary) {
    static InboundPacket binary(byte[] data) {
        return new InboundPacket(Packet.MESSAGE, null, data);
    }

    boolean isBinary() {
        return binary != null;
    }
}
