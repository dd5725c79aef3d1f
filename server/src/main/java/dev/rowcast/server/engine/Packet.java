package dev.rowcast.server.engine;

import java.nio.charset.StandardCharsets;

/**
 * An Engine.IO packet other than a message: open, close, ping, pong, noop. Messages travel as
 * {@link EngineMessage} so their shared encoding is reused.
 */
final class Packet {
    static final char OPEN = '0';
    static final char CLOSE = '1';
    static final char PING = '2';
    static final char PONG = '3';
    static final char MESSAGE = '4';
    static final char UPGRADE = '5';
    static final char NOOP = '6';

    static final Packet CLOSE_PACKET = new Packet(CLOSE, "");
    static final Packet PING_PACKET = new Packet(PING, "");
    static final Packet NOOP_PACKET = new Packet(NOOP, "");
    static final Packet PROBE_PONG = new Packet(PONG, "probe");

    final char type;
    private final byte[] utf8;

    private Packet(char type, String data) {
        this.type = type;
        this.utf8 = (type + data).getBytes(StandardCharsets.UTF_8);
    }

    static Packet open(String json) {
        return new Packet(OPEN, json);
    }

    /** The wire form ({@code <type><data>}); shared, do not modify. */
    byte[] utf8() {
        return utf8;
    }

    @Override
    public String toString() {
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
