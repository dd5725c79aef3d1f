package dev.rowcast.server.protocol;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns Engine.IO messages into Socket.IO packets. One decoder per connection: a binary packet
 * arrives as a text message followed by its attachments, and the decoder holds it until the
 * last one. Every malformed input raises {@link ProtocolException} and nothing else.
 */
public final class PacketDecoder {
    /** As in the reference parser: more attachments than this are refused. */
    public static final int MAX_ATTACHMENTS = 10;

    /** Ack ids above this are not exact in JavaScript, so no real client sends them. */
    private static final long MAX_ACK_ID = (1L << 53) - 1;

    private static final Set<String> RESERVED_EVENTS = Set.of(
            "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    private Packet pending;
    private int expectedAttachments;
    private final List<byte[]> attachments = new ArrayList<>();

    /** Decodes a text message; returns null while a binary packet awaits its attachments. */
    public Packet decodeText(String text) throws ProtocolException {
        if (pending != null) {
            throw new ProtocolException("got a text packet while " + (expectedAttachments - attachments.size())
                    + " binary attachment(s) were still expected");
        }
        if (text.isEmpty()) throw new ProtocolException("empty packet");
        int i = 0;
        PacketType type = PacketType.fromCode(text.charAt(i));
        if (type == null) throw new ProtocolException("unknown packet type '" + text.charAt(0) + "'");

        int attachmentCount = 0;
        if (type.isBinary()) {
            int start = i + 1;
            int dash = text.indexOf('-', start);
            if (dash < 0 || dash == start || dash - start > 2 || !allDigits(text, start, dash)) {
                throw new ProtocolException("binary packet without a valid attachment count ('<type><n>-')");
            }
            attachmentCount = Integer.parseInt(text, start, dash, 10);
            if (attachmentCount > MAX_ATTACHMENTS) {
                throw new ProtocolException("too many attachments: " + attachmentCount + " (at most "
                        + MAX_ATTACHMENTS + ")");
            }
            i = dash;
        }

        String namespace = "/";
        if (i + 1 < text.length() && text.charAt(i + 1) == '/') {
            int start = i + 1;
            int comma = text.indexOf(',', start);
            // the tests send "40/custom" with no comma: the namespace then runs to the end
            int end = comma < 0 ? text.length() : comma;
            namespace = text.substring(start, end);
            i = comma < 0 ? text.length() - 1 : comma;
        }

        Long id = null;
        if (i + 1 < text.length() && isDigit(text.charAt(i + 1))) {
            int start = i + 1;
            int end = start;
            while (end < text.length() && isDigit(text.charAt(end))) end++;
            if (end - start > 16) throw new ProtocolException("ack id too long: " + (end - start) + " digits");
            long value = Long.parseLong(text, start, end, 10);
            if (value > MAX_ACK_ID) throw new ProtocolException("ack id out of range: " + value);
            id = value;
            i = end - 1;
        }

        JsonNode data = null;
        if (i + 1 < text.length()) {
            try {
                data = PacketJson.MAPPER.readTree(text.substring(i + 1));
            } catch (JacksonException | RuntimeException e) {
                throw new ProtocolException("invalid JSON payload in " + type + " packet", e);
            }
            if (data == null || !isPayloadValid(type, data)) {
                throw new ProtocolException("invalid payload for " + type + " packet");
            }
        } else if (type == PacketType.EVENT || type == PacketType.BINARY_EVENT) {
            throw new ProtocolException("event packet without payload");
        }
        if ((type == PacketType.ACK || type == PacketType.BINARY_ACK) && id == null) {
            throw new ProtocolException("ack packet without id");
        }

        Packet packet = new Packet(type, namespace, id, data);
        // As in the reference parser, only binary packets have placeholders; elsewhere
        // {"_placeholder":true,...} is the sender's own data.
        if (!type.isBinary()) return packet;
        if (attachmentCount == 0) return substitute(packet, List.of());
        pending = packet;
        expectedAttachments = attachmentCount;
        return null;
    }

    /** Decodes a binary message: the next attachment of the pending packet. */
    public Packet decodeBinary(byte[] data) throws ProtocolException {
        if (pending == null) throw new ProtocolException("got a binary message while no binary packet was pending");
        attachments.add(data);
        if (attachments.size() < expectedAttachments) return null;
        Packet packet = pending;
        List<byte[]> buffers = List.copyOf(attachments);
        pending = null;
        expectedAttachments = 0;
        attachments.clear();
        return substitute(packet, buffers);
    }

    /** True while a binary packet waits for attachments. */
    public boolean isReconstructing() {
        return pending != null;
    }

    private static Packet substitute(Packet packet, List<byte[]> buffers) throws ProtocolException {
        if (packet.data() == null) {
            if (!buffers.isEmpty()) throw new ProtocolException("attachments sent for a packet without payload");
            return packet;
        }
        JsonNode data = replacePlaceholders(packet.data(), buffers);
        return new Packet(packet.type(), packet.namespace(), packet.id(), data);
    }

    private static JsonNode replacePlaceholders(JsonNode node, List<byte[]> buffers) throws ProtocolException {
        if (node instanceof ObjectNode object) {
            JsonNode marker = object.get("_placeholder");
            if (marker != null && marker.isBoolean() && marker.booleanValue()) {
                JsonNode num = object.get("num");
                if (num == null || !num.isIntegralNumber() || !num.canConvertToInt()
                        || num.intValue() < 0 || num.intValue() >= buffers.size()) {
                    throw new ProtocolException("illegal attachment placeholder " + object);
                }
                return PacketJson.NODES.binaryNode(buffers.get(num.intValue()));
            }
            for (String name : List.copyOf(object.properties().stream().map(Map.Entry::getKey).toList())) {
                object.replace(name, replacePlaceholders(object.get(name), buffers));
            }
        } else if (node instanceof ArrayNode array) {
            for (int k = 0; k < array.size(); k++) {
                array.set(k, replacePlaceholders(array.get(k), buffers));
            }
        }
        return node;
    }

    private static boolean isPayloadValid(PacketType type, JsonNode data) {
        return switch (type) {
            case CONNECT -> data.isObject();
            case DISCONNECT -> false;
            case CONNECT_ERROR -> data.isObject() || data.isTextual();
            case EVENT, BINARY_EVENT -> data.isArray() && !data.isEmpty() && isEventName(data.get(0));
            case ACK, BINARY_ACK -> data.isArray();
        };
    }

    private static boolean isEventName(JsonNode first) {
        return first.isNumber() || (first.isTextual() && !RESERVED_EVENTS.contains(first.textValue()));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean allDigits(String s, int from, int to) {
        for (int k = from; k < to; k++) if (!isDigit(s.charAt(k))) return false;
        return true;
    }
}
