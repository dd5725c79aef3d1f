package dev.rowcast.server.rooms;

import dev.rowcast.server.protocol.Packet;
import java.util.Set;

/**
 * Room membership of one namespace and the fan-out of packets to it. The in-memory
 * implementation serves one node; one backed by a broker (Redis) can serve several.
 * All methods are thread-safe.
 */
public interface Adapter {
    /** Adds the socket to each room (creating rooms as needed). */
    void addAll(String socketId, Set<String> rooms);

    /** Removes the socket from one room; an emptied room disappears. */
    void remove(String socketId, String room);

    /** Removes the socket from all its rooms. */
    void removeAll(String socketId);

    /** The rooms the socket is in (a snapshot; empty if unknown). */
    Set<String> socketRooms(String socketId);

    /** The sockets in any of the rooms, or every socket of the namespace when rooms is empty. */
    Set<String> sockets(Set<String> rooms);

    /** Every room that has at least one socket (a snapshot). */
    Set<String> rooms();

    /**
     * An estimate of the heap this node's room index holds, in bytes, that grows with the rooms
     * and their names; 0 when the adapter does not know (then nothing bounds what clients join).
     */
    default long estimatedBytes() {
        return 0;
    }

    /**
     * Sends the packet to every socket in any of {@code rooms} (all sockets when empty) that is in
     * none of {@code exceptRooms}. The packet is encoded once for all recipients.
     *
     * @return the number of sockets it was handed to
     */
    int broadcast(Packet packet, Set<String> rooms, Set<String> exceptRooms);
}
