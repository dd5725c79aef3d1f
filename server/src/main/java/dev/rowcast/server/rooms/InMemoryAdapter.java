package dev.rowcast.server.rooms;

import dev.rowcast.server.engine.EngineMessage;
import dev.rowcast.server.protocol.Packet;
import dev.rowcast.server.protocol.PacketEncoder;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Rooms of one namespace on one node: two concurrent indexes (room → sockets, socket → rooms).
 * Rooms are created and dropped inside {@code compute}, so a join racing the last leave of the
 * same room can never lose the joining socket.
 *
 * <p>Memory per socket is kept small for big idle fleets: a socket's rooms are one immutable set,
 * replaced on join and leave (sockets are in few rooms), and the room of a socket's own id is not
 * indexed by room at all: that room's members are found through the socket's own entry.
 *
 * <p>It keeps an estimate of the heap its rooms hold ({@link #estimatedBytes()}), so that the
 * joins clients ask for can be bounded server-wide. Measured on a 64-bit JVM with compressed
 * pointers: a room with one member of a 512-character name took 814 bytes, a further member of
 * a shared room 108; the estimate takes every name as two bytes a character (a name outside
 * Latin-1 is), so it is the larger.
 */
public final class InMemoryAdapter implements Adapter {
    /** A room's own share of the index besides its name: its entry and its set of members. */
    public static final long ROOM_BYTES = 256;
    /** One socket in one room: its entry in the room's set and in the socket's own set of rooms. */
    public static final long MEMBERSHIP_BYTES = 112;

    private final ConcurrentMap<String, Set<String>> socketsByRoom = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Set<String>> roomsBySocket = new ConcurrentHashMap<>();
    private final LongAdder footprint = new LongAdder();
    private final LocalDelivery delivery;

    public InMemoryAdapter(LocalDelivery delivery) {
        this.delivery = delivery;
    }

    @Override
    public void addAll(String socketId, Set<String> rooms) {
        roomsBySocket.compute(socketId, (k, own) -> with(own, rooms));
        for (String room : rooms) {
            if (room.equals(socketId)) continue;
            socketsByRoom.compute(room, (k, members) -> {
                Set<String> set = members;
                if (set == null) {
                    set = ConcurrentHashMap.newKeySet();
                    footprint.add(roomBytes(room));
                }
                if (set.add(socketId)) footprint.add(MEMBERSHIP_BYTES);
                return set;
            });
        }
    }

    @Override
    public void remove(String socketId, String room) {
        roomsBySocket.computeIfPresent(socketId, (k, own) -> without(own, room));
        if (!room.equals(socketId)) leaveRoom(socketId, room);
    }

    @Override
    public void removeAll(String socketId) {
        Set<String> own = roomsBySocket.remove(socketId);
        if (own == null) return;
        for (String room : own) {
            if (!room.equals(socketId)) leaveRoom(socketId, room);
        }
    }

    private void leaveRoom(String socketId, String room) {
        socketsByRoom.computeIfPresent(room, (k, members) -> {
            if (members.remove(socketId)) footprint.add(-MEMBERSHIP_BYTES);
            if (!members.isEmpty()) return members;
            footprint.add(-roomBytes(room));
            return null;
        });
    }

    /** The estimated heap a room takes besides its members. */
    public static long roomBytes(String room) {
        return ROOM_BYTES + 2L * room.length();
    }

    /** The estimated heap the rooms hold (a socket's own room aside, which costs nothing more). */
    @Override
    public long estimatedBytes() {
        return footprint.sum();
    }

    /** True when {@code room} is the id of a socket that is in its own room. */
    private boolean ownRoomTaken(String room) {
        Set<String> own = roomsBySocket.get(room);
        return own != null && own.contains(room);
    }

    @Override
    public Set<String> socketRooms(String socketId) {
        Set<String> own = roomsBySocket.get(socketId);
        return own == null ? Set.of() : own;
    }

    @Override
    public Set<String> sockets(Set<String> rooms) {
        if (rooms.isEmpty()) return Set.copyOf(roomsBySocket.keySet());
        Set<String> result = new HashSet<>();
        for (String room : rooms) {
            Set<String> members = socketsByRoom.get(room);
            if (members != null) result.addAll(members);
            if (ownRoomTaken(room)) result.add(room);
        }
        return result;
    }

    @Override
    public Set<String> rooms() {
        Set<String> rooms = new HashSet<>(socketsByRoom.keySet());
        roomsBySocket.forEach((socketId, own) -> {
            if (own.contains(socketId)) rooms.add(socketId);
        });
        return Set.copyOf(rooms);
    }

    /** True when a broadcast to {@code rooms} (every socket when empty) minus {@code exceptRooms} would reach a socket now. */
    public boolean reaches(Collection<String> rooms, Set<String> exceptRooms) {
        if (exceptRooms.isEmpty()) {
            if (rooms.isEmpty()) return !roomsBySocket.isEmpty();
            for (String room : rooms) {
                Set<String> members = socketsByRoom.get(room);
                if (members != null && !members.isEmpty() || ownRoomTaken(room)) return true;
            }
            return false;
        }
        Set<String> except = sockets(exceptRooms);
        for (String socketId : rooms.isEmpty() ? roomsBySocket.keySet() : sockets(rooms instanceof Set<String> set ? set : Set.copyOf(rooms))) {
            if (!except.contains(socketId)) return true;
        }
        return false;
    }

    @Override
    public int broadcast(Packet packet, Set<String> rooms, Set<String> exceptRooms) {
        return broadcast(() -> PacketEncoder.encode(packet), rooms, exceptRooms);
    }

    /**
     * As {@link #broadcast(Packet, Set, Set)} for an event its caller encodes: {@code encode} runs
     * at most once, on the first recipient.
     */
    public int broadcast(Supplier<List<EngineMessage>> encode, Set<String> rooms, Set<String> exceptRooms) {
        return broadcast(encode, rooms, exceptRooms, delivery);
    }

    /** As {@link #broadcast(Supplier, Set, Set)}, handing the event to each socket through {@code via}. */
    public int broadcast(Supplier<List<EngineMessage>> encode, Set<String> rooms, Set<String> exceptRooms, LocalDelivery via) {
        Set<String> except = exceptRooms.isEmpty() ? Set.of() : sockets(exceptRooms);
        Fanout fanout = new Fanout(encode, except, via);
        if (rooms.isEmpty()) {
            for (String socketId : roomsBySocket.keySet()) fanout.deliver(socketId);
        } else if (rooms.size() == 1) {
            String room = rooms.iterator().next();
            Set<String> members = socketsByRoom.get(room);
            if (members != null) {
                for (String socketId : members) fanout.deliver(socketId);
            }
            // The room of a socket's own id: that socket is never among the indexed members.
            if (ownRoomTaken(room)) fanout.deliver(room);
        } else {
            for (String socketId : sockets(rooms)) fanout.deliver(socketId);
        }
        return fanout.sent;
    }

    /** One broadcast: encoded once, on its first recipient, so a room nobody is in costs no encoding. */
    private final class Fanout {
        private final Supplier<List<EngineMessage>> encode;
        private final Set<String> except;
        private final LocalDelivery via;
        private List<EngineMessage> encoded;
        int sent;

        Fanout(Supplier<List<EngineMessage>> encode, Set<String> except, LocalDelivery via) {
            this.encode = encode;
            this.except = except;
            this.via = via;
        }

        void deliver(String socketId) {
            if (except.contains(socketId)) return;
            if (encoded == null) encoded = encode.get();
            if (via.deliver(socketId, encoded)) sent++;
        }
    }

    private static Set<String> with(Set<String> own, Set<String> rooms) {
        if (own == null) return Set.copyOf(rooms);
        if (own.containsAll(rooms)) return own;
        Set<String> grown = new HashSet<>(own);
        grown.addAll(rooms);
        return Set.copyOf(grown);
    }

    private static Set<String> without(Set<String> own, String room) {
        if (!own.contains(room)) return own;
        Set<String> shrunk = new HashSet<>(own);
        shrunk.remove(room);
        return Set.copyOf(shrunk);
    }
}
