package dev.rowcast.server.engine;

/** The client sent something that is not an Engine.IO v4 packet; the session closes with "parse error". */
final class PacketParseException extends Exception {
    PacketParseException(String message) {
        super(message, null, false, false);
    }
}
