package dev.rowcast.server.rooms;

import dev.rowcast.server.engine.EngineMessage;
import dev.rowcast.server.protocol.Packet;
import dev.rowcast.server.protocol.PacketEncoder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Rooms of one namespace on one node: two concurrent indexes (room → sockets, socket → rooms).
 * Rooms are created and dropped inside {@code compute}, so a join racing the last leave of the
 * same room can never lose the joining socket.
 */
public final class InMemoryAdapter implements Adapter {
    private final ConcurrentMap<String, Set<String>> socketsByRoom = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Set<String>> roomsBySocket = new ConcurrentHashMap<>();
    private final LocalDelivery delivery;

    public InMemoryAdapter(LocalDelivery delivery) {
        this.delivery = delivery;
    }

    @Override
    public void addAll(String socketId, Set<String> rooms) {
        Set<String> own = roomsBySocket.computeIfAbsent(socketId, k -> ConcurrentHashMap.newKeySet());
        for (String room : rooms) {
            own.add(room);
            socketsByRoom.compute(room, (k, members) -> {
                Set<String> set = members != null ? members : ConcurrentHashMap.newKeySet();
                set.add(socketId);
                return set;
            });
        }
    }

    @Override
    public void remove(String socketId, String room) {
        Set<String> own = roomsBySocket.get(socketId);
        if (own != null) own.remove(room);
        leaveRoom(socketId, room);
    }

    @Override
    public void removeAll(String socketId) {
        Set<String> own = roomsBySocket.remove(socketId);
        if (own == null) return;
        for (String room : own) leaveRoom(socketId, room);
    }

    private void leaveRoom(String socketId, String room) {
        socketsByRoom.computeIfPresent(room, (k, members) -> {
            members.remove(socketId);
            return members.isEmpty() ? null : members;
        });
    }

    @Override
    public Set<String> socketRooms(String socketId) {
        Set<String> own = roomsBySocket.get(socketId);
        return own == null ? Set.of() : Set.copyOf(own);
    }

    @Override
    public Set<String> sockets(Set<String> rooms) {
        if (rooms.isEmpty()) return Set.copyOf(roomsBySocket.keySet());
        Set<String> result = new HashSet<>();
        for (String room : rooms) {
            Set<String> members = socketsByRoom.get(room);
            if (members != null) result.addAll(members);
        }
        return result;
    }

    @Override
    public Set<String> rooms() {
        return Set.copyOf(socketsByRoom.keySet());
    }

    @Override
    public int broadcast(Packet packet, Set<String> rooms, Set<String> exceptRooms) {
        Set<String> except = exceptRooms.isEmpty() ? Set.of() : sockets(exceptRooms);
        List<EngineMessage> encoded = PacketEncoder.encode(packet);
        int sent = 0;
        if (rooms.isEmpty()) {
            for (String socketId : roomsBySocket.keySet()) {
                if (!except.contains(socketId) && delivery.deliver(socketId, encoded)) sent++;
            }
        } else if (rooms.size() == 1) {
            Set<String> members = socketsByRoom.get(rooms.iterator().next());
            if (members == null) return 0;
            for (String socketId : members) {
                if (!except.contains(socketId) && delivery.deliver(socketId, encoded)) sent++;
            }
        } else {
            for (String socketId : sockets(rooms)) {
                if (!except.contains(socketId) && delivery.deliver(socketId, encoded)) sent++;
            }
        }
        return sent;
    }
}
