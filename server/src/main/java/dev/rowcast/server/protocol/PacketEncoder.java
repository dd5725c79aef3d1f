package dev.rowcast.server.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rowcast.server.engine.EngineMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a packet into Engine.IO messages: one text message, then one binary message per
 * attachment. Stateless and thread-safe; the result may be sent to any number of sessions.
 */
public final class PacketEncoder {
    private PacketEncoder() {
    }

    public static List<EngineMessage> encode(Packet packet) {
        List<byte[]> attachments = new ArrayList<>(0);
        JsonNode data = packet.data();
        if (data != null && packet.attachmentCount() > 0) {
            data = withPlaceholders(data.deepCopy(), attachments);
        }
        PacketType type = packet.type();
        if (!attachments.isEmpty()) {
            if (type == PacketType.EVENT) type = PacketType.BINARY_EVENT;
            else if (type == PacketType.ACK) type = PacketType.BINARY_ACK;
            else if (!type.isBinary()) {
                throw new IllegalArgumentException("binary data is only allowed in EVENT and ACK packets, not " + type);
            }
        } else if (type == PacketType.BINARY_EVENT) {
            type = PacketType.EVENT;
        } else if (type == PacketType.BINARY_ACK) {
            type = PacketType.ACK;
        }

        StringBuilder text = new StringBuilder(64);
        text.append(type.code());
        if (type.isBinary()) text.append(attachments.size()).append('-');
        if (!"/".equals(packet.namespace())) text.append(packet.namespace()).append(',');
        if (packet.id() != null) text.append(packet.id().longValue());
        if (data != null) text.append(json(data));

        List<EngineMessage> messages = new ArrayList<>(1 + attachments.size());
        messages.add(EngineMessage.text(text.toString()));
        for (byte[] attachment : attachments) messages.add(EngineMessage.binary(attachment));
        return List.copyOf(messages);
    }

    /** Compact JSON, keys in insertion order. */
    public static String json(JsonNode node) {
        try {
            return PacketJson.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Replaces binary nodes, depth first in document order, as the reference does. */
    private static JsonNode withPlaceholders(JsonNode node, List<byte[]> attachments) {
        if (node.isBinary()) {
            ObjectNode placeholder = PacketJson.NODES.objectNode();
            placeholder.put("_placeholder", true);
            placeholder.put("num", attachments.size());
            try {
                attachments.add(node.binaryValue());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e); // a BinaryNode never fails here
            }
            return placeholder;
        }
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> field : List.copyOf(object.properties())) {
                object.replace(field.getKey(), withPlaceholders(field.getValue(), attachments));
            }
        } else if (node instanceof ArrayNode array) {
            for (int k = 0; k < array.size(); k++) array.set(k, withPlaceholders(array.get(k), attachments));
        }
        return node;
    }
}
