package dev.rowcast.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import java.util.Objects;

/**
 * One Socket.IO packet as a value.
 *
 * <p>Binary attachments live inside {@code data} as Jackson {@link BinaryNode}s, where the
 * client put its buffers: the decoder substitutes them for the placeholders and the encoder
 * turns them back into placeholders plus binary messages. So a packet is BINARY_EVENT or
 * BINARY_ACK on the wire exactly when its data holds a binary node.
 *
 * @param type      EVENT/ACK also stand for their binary forms when encoding
 * @param namespace {@code "/"} for the main namespace
 * @param id        ack id, or null when none
 * @param data      the JSON payload, or null when none
 */
public record Packet(PacketType type, String namespace, Long id, JsonNode data) {

    public Packet {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(namespace, "namespace");
    }

    public static Packet event(String namespace, ArrayNode eventAndArgs, Long ackId) {
        return new Packet(PacketType.EVENT, namespace, ackId, eventAndArgs);
    }

    public static Packet ack(String namespace, long ackId, ArrayNode args) {
        return new Packet(PacketType.ACK, namespace, ackId, args);
    }

    /** Number of binary nodes in the data: the attachments this packet carries on the wire. */
    public int attachmentCount() {
        return countBinary(data);
    }

    private static int countBinary(JsonNode node) {
        if (node == null) return 0;
        if (node.isBinary()) return 1;
        int n = 0;
        if (node.isContainerNode()) {
            for (JsonNode child : node) n += countBinary(child);
        }
        return n;
    }
}
