package dev.rowcast.server;

import dev.rowcast.server.engine.EngineMessage;
import dev.rowcast.server.protocol.Packet;
import dev.rowcast.server.rooms.InMemoryAdapter;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An emit to a set of sockets of one namespace: those in any of the target rooms (all when none
 * is named) and in none of the excluded rooms. Each socket's id is a room, so
 * {@code except(socket.id())} leaves out one socket. Immutable; each call returns a new operator.
 */
public final class BroadcastOperator {
    private final Namespace namespace;
    private final Set<String> rooms;
    private final Set<String> exceptRooms;

    BroadcastOperator(Namespace namespace, Set<String> rooms, Set<String> exceptRooms) {
        this.namespace = namespace;
        this.rooms = rooms;
        this.exceptRooms = exceptRooms;
    }

    public BroadcastOperator to(String... more) {
        return new BroadcastOperator(namespace, plus(rooms, more), exceptRooms);
    }

    public BroadcastOperator except(String... more) {
        return new BroadcastOperator(namespace, rooms, plus(exceptRooms, more));
    }

    /** Encodes the event once and hands it to every matching socket; returns how many. */
    public int emit(String event, Object... args) {
        Socket.checkEventName(event);
        Recovery recovery = namespace.recovery();
        String nsp = namespace.name();
        // in a cluster the shared stream gives each event its offset, on every node alike; another adapter gets a packet
        if (!(namespace.adapter() instanceof InMemoryAdapter local) || recovery != null && recovery.shared()) {
            return namespace.adapter().broadcast(Packet.event(nsp, Socket.eventArray(event, args), null), rooms, exceptRooms);
        }
        // encoded on the first recipient, so an event for an empty room costs no encoding
        if (recovery == null) return local.broadcast(() -> Socket.encodeEvent(nsp, event, args, null), rooms, exceptRooms);
        Lock emitting = recovery.emitting();
        emitting.lock();
        try {
            // kept on its first recipient, or for a session away that would get it on its return: an event
            // that nobody can receive now or later is neither encoded nor kept
            RecordOnce record = new RecordOnce(recovery, offset -> Socket.encodeEvent(nsp, event, args, offset));
            int sent = local.broadcast(record, rooms, exceptRooms,
                    (socketId, encoded) -> namespace.deliver(socketId, encoded, record.offset));
            if (!record.done() && recovery.awaits(rooms, exceptRooms)) record.get();
            return sent;
        } finally {
            emitting.unlock();
        }
    }

    /**
     * True when an emit now would reach at least one socket, or would be kept for a disconnected
     * one that may still recover it; always true in a cluster, whose other nodes are not asked.
     * A caller with a costly payload checks this first.
     */
    public boolean hasAudience() {
        return hasAudience(namespace, rooms, exceptRooms);
    }

    /** As {@link #hasAudience()} for an emit to {@code rooms} (every socket when empty), without making its operator. */
    static boolean hasAudience(Namespace namespace, Collection<String> rooms, Set<String> exceptRooms) {
        Recovery recovery = namespace.recovery();
        if (!(namespace.adapter() instanceof InMemoryAdapter local) || recovery != null && recovery.shared()) return true;
        if (recovery == null) return local.reaches(rooms, exceptRooms);
        // a session being recovered is, under this lock, either still away or already back in its rooms
        Lock emitting = recovery.emitting();
        emitting.lock();
        try {
            return local.reaches(rooms, exceptRooms) || recovery.awaits(rooms, exceptRooms);
        } finally {
            emitting.unlock();
        }
    }

    /** The ids of the sockets an emit would reach now. */
    public Set<String> socketIds() {
        Set<String> ids = new HashSet<>(namespace.adapter().sockets(rooms));
        if (!exceptRooms.isEmpty()) ids.removeAll(namespace.adapter().sockets(exceptRooms));
        return ids;
    }

    /** Records the event with recovery the first time it is asked for its frames. */
    private final class RecordOnce implements Supplier<List<EngineMessage>> {
        private final Recovery recovery;
        private final Function<String, List<EngineMessage>> encodeWithOffset;
        private List<EngineMessage> encoded;
        String offset;

        RecordOnce(Recovery recovery, Function<String, List<EngineMessage>> encodeWithOffset) {
            this.recovery = recovery;
            this.encodeWithOffset = encodeWithOffset;
        }

        @Override
        public List<EngineMessage> get() {
            if (encoded == null) {
                encoded = recovery.record(offset -> {
                    this.offset = offset;
                    return encodeWithOffset.apply(offset);
                }, rooms, exceptRooms);
            }
            return encoded;
        }

        boolean done() {
            return encoded != null;
        }
    }

    private static Set<String> plus(Set<String> set, String[] more) {
        if (set.isEmpty() && more.length == 1) return Set.of(more[0]); // to(room), once per emit
        Set<String> result = new HashSet<>(set);
        for (String room : more) result.add(room);
        return Set.copyOf(result);
    }
}
