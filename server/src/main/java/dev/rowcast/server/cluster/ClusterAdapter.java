package dev.rowcast.server.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rowcast.server.protocol.Packet;
import dev.rowcast.server.protocol.PacketType;
import dev.rowcast.server.rooms.Adapter;
import dev.rowcast.server.rooms.InMemoryAdapter;
import java.util.Set;

/**
 * The adapter of a namespace on a node of a cluster: membership stays local (a socket lives on
 * one node), broadcasts go through the {@link ClusterLink} to every node, which delivers them to
 * its own sockets through {@link #local()}. Without an ack id, an event is recoverable when the
 * server keeps events for recovery, as in socket.io's cluster adapters.
 */
public final class ClusterAdapter implements Adapter {
    private final String namespace;
    private final InMemoryAdapter local;
    private final ClusterLink link;
    private final boolean recovery;

    public ClusterAdapter(String namespace, InMemoryAdapter local, ClusterLink link, boolean recovery) {
        this.namespace = namespace;
        this.local = local;
        this.link = link;
        this.recovery = recovery;
    }

    /** This node's room index, which the link's deliveries use. */
    public InMemoryAdapter local() {
        return local;
    }

    @Override
    public void addAll(String socketId, Set<String> rooms) {
        local.addAll(socketId, rooms);
    }

    @Override
    public void remove(String socketId, String room) {
        local.remove(socketId, room);
    }

    @Override
    public void removeAll(String socketId) {
        local.removeAll(socketId);
    }

    @Override
    public Set<String> socketRooms(String socketId) {
        return local.socketRooms(socketId);
    }

    @Override
    public long estimatedBytes() {
        return local.estimatedBytes();
    }

    /** The sockets of this node only. */
    @Override
    public Set<String> sockets(Set<String> rooms) {
        return local.sockets(rooms);
    }

    @Override
    public Set<String> rooms() {
        return local.rooms();
    }

    /**
     * Publishes to all nodes; every node, this one included, delivers when it reads the event back,
     * so all deliver in one order. Returns how many sockets of this node are targeted now.
     */
    @Override
    public int broadcast(Packet packet, Set<String> rooms, Set<String> exceptRooms) {
        if (!(packet.data() instanceof ArrayNode data) || packet.type() != PacketType.EVENT) {
            return local.broadcast(packet, rooms, exceptRooms); // acks and the like never leave the node
        }
        boolean recoverable = recovery && packet.id() == null;
        link.publish(namespace, data, rooms, exceptRooms, recoverable);
        int targeted = local.sockets(rooms).size();
        if (!exceptRooms.isEmpty()) targeted -= local.sockets(exceptRooms).size();
        return Math.max(0, targeted);
    }
}
