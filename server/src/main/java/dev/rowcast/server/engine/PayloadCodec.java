package dev.rowcast.server.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Engine.IO v4 wire format without I/O: packets are {@code <type><data>}, polling payloads join
 * them with the record separator {@code \x1e}, and binary rides polling as {@code b<base64>}.
 */
final class PayloadCodec {
    static final char SEPARATOR = '\u001e';

    private PayloadCodec() {
    }

    /** One text packet (a polling payload part or a WebSocket text frame). */
    static InboundPacket decodeText(String packet) throws PacketParseException {
        if (packet.isEmpty()) throw new PacketParseException("empty packet");
        char type = packet.charAt(0);
        if (type < Packet.OPEN || type > Packet.NOOP) {
            throw new PacketParseException("unknown packet type '" + type + "'");
        }
        return new InboundPacket(type, packet.substring(1), null);
    }

    /** A polling POST body: packets separated by {@code \x1e}, binary ones as {@code b<base64>}. */
    static List<InboundPacket> decodePayload(String payload) throws PacketParseException {
        List<InboundPacket> packets = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = payload.indexOf(SEPARATOR, start);
            String part = end < 0 ? payload.substring(start) : payload.substring(start, end);
            packets.add(decodePart(part));
            if (end < 0) return packets;
            start = end + 1;
        }
    }

    private static InboundPacket decodePart(String part) throws PacketParseException {
        if (!part.isEmpty() && part.charAt(0) == 'b') {
            try {
                return InboundPacket.binary(Base64.getDecoder().decode(part.substring(1)));
            } catch (IllegalArgumentException e) {
                throw new PacketParseException("invalid base64 in binary packet: " + e.getMessage());
            }
        }
        return decodeText(part);
    }

    /** Size in bytes of an outbound item once encoded for WebSocket (also used for queue limits). */
    static long size(Object item) {
        if (item instanceof EngineMessage m) return m.isBinary() ? m.binary().length : m.textFrameUtf8().length;
        if (item instanceof Packet p) return p.utf8().length;
        long total = 0;
        for (EngineMessage m : (EngineMessage[]) item) total += size(m);
        return total;
    }

    /** Encodes queued items (Packet, EngineMessage or EngineMessage[]) as one polling payload. */
    static ByteBuf encodePayload(ByteBufAllocator alloc, List<?> items) {
        List<Object> parts = new ArrayList<>(items.size());
        for (Object item : items) {
            if (item instanceof EngineMessage[] unit) parts.addAll(List.of(unit));
            else parts.add(item);
        }
        int capacity = parts.size();
        for (Object part : parts) capacity += estimate(part);
        ByteBuf buf = alloc.buffer(capacity);
        try {
            for (int i = 0; i < parts.size(); i++) {
                if (i > 0) buf.writeByte(SEPARATOR);
                Object part = parts.get(i);
                if (part instanceof Packet packet) {
                    buf.writeBytes(packet.utf8());
                } else if (((EngineMessage) part).isBinary()) {
                    buf.writeByte('b');
                    buf.writeBytes(Base64.getEncoder().encode(((EngineMessage) part).binary()));
                } else {
                    buf.writeBytes(((EngineMessage) part).textFrameUtf8());
                }
            }
            return buf;
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    private static int estimate(Object part) {
        if (part instanceof Packet p) return p.utf8().length;
        EngineMessage m = (EngineMessage) part;
        return m.isBinary() ? 1 + (m.binary().length + 2) / 3 * 4 : m.textFrameUtf8().length;
    }
}
