package dev.rowcast.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rowcast.server.cluster.ClusterAdapter;
import dev.rowcast.server.cluster.ClusterLink;
import dev.rowcast.server.protocol.Packet;
import dev.rowcast.server.protocol.PacketEncoder;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

/** Hands what the cluster stream carries to this node's sockets of the named namespace. */
final class ClusterDelivery implements ClusterLink.Receiver {
    private final Function<String, Namespace> namespaces;

    private ClusterDelivery(Function<String, Namespace> namespaces) {
        this.namespaces = namespaces;
    }

    static ClusterLink open(ServerOptions options, Function<String, Namespace> namespaces) {
        Duration window = options.recovery() != null ? options.recovery() : Duration.ofMinutes(2);
        return ClusterLink.open(options.cluster().withStreamMaxAge(window), new ClusterDelivery(namespaces));
    }

    @Override
    public void deliver(String namespace, ArrayNode eventAndArgs, Set<String> rooms, Set<String> except, String offset) {
        Namespace ns = namespaces.apply(namespace);
        if (ns == null) return; // no socket of this node ever used that namespace
        Packet packet = Packet.event(namespace, eventAndArgs, null);
        ((ClusterAdapter) ns.adapter()).local().broadcast(() -> PacketEncoder.encode(packet), rooms, except,
                (socketId, encoded) -> ns.deliver(socketId, encoded, offset));
    }
}
