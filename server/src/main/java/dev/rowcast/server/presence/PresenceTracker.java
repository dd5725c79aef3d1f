package dev.rowcast.server.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who is present in which room, counting a user once however many sockets (tabs) they have
 * there. Pure bookkeeping, no I/O: each call says whether the server should announce a
 * {@code presence:join} (the user's first socket in the room) or a {@code presence:leave}
 * (their last one). Thread-safe; one lock keeps both indexes consistent, and every operation
 * is a few map lookups, so contention is short.
 */
public final class PresenceTracker {
    /** A user who left a room when their last socket there went away. */
    public record Departure(String room, String userId) {
    }

    private final Object lock = new Object();
    // room -> user -> that user's sockets in the room; insertion-ordered so list() is join order
    private final Map<String, LinkedHashMap<String, Set<String>>> rooms = new HashMap<>();
    // socket -> its (room, user) memberships, for disconnect()
    private final Map<String, Set<Departure>> bySocket = new HashMap<>();

    /** @return true when this is the user's first socket in the room: announce {@code presence:join} */
    public boolean join(String room, String userId, String socketId) {
        requireArguments(room, userId, socketId);
        synchronized (lock) {
            Set<String> sockets = rooms.computeIfAbsent(room, r -> new LinkedHashMap<>())
                    .computeIfAbsent(userId, u -> new LinkedHashSet<>());
            boolean first = sockets.isEmpty();
            if (sockets.add(socketId)) {
                bySocket.computeIfAbsent(socketId, s -> new LinkedHashSet<>()).add(new Departure(room, userId));
            }
            return first;
        }
    }

    /** @return true when that was the user's last socket in the room: announce {@code presence:leave} */
    public boolean leave(String room, String userId, String socketId) {
        requireArguments(room, userId, socketId);
        synchronized (lock) {
            Set<Departure> memberships = bySocket.get(socketId);
            if (memberships == null || !memberships.remove(new Departure(room, userId))) {
                return false; // not present: nothing to announce
            }
            if (memberships.isEmpty()) {
                bySocket.remove(socketId);
            }
            return removeSocket(room, userId, socketId);
        }
    }

    /** @return the (room, user) pairs whose last socket this was: announce a {@code presence:leave} for each */
    public List<Departure> disconnect(String socketId) {
        Objects.requireNonNull(socketId, "socketId");
        synchronized (lock) {
            Set<Departure> memberships = bySocket.remove(socketId);
            if (memberships == null) {
                return List.of();
            }
            List<Departure> departures = new ArrayList<>();
            for (Departure membership : memberships) {
                if (removeSocket(membership.room(), membership.userId(), socketId)) {
                    departures.add(membership);
                }
            }
            return List.copyOf(departures);
        }
    }

    /** @return the users present in the room, each once, in the order they arrived */
    public List<String> list(String room) {
        synchronized (lock) {
            Map<String, Set<String>> users = rooms.get(room);
            return users == null ? List.of() : List.copyOf(users.keySet());
        }
    }

    /** @return whether the user has at least one socket in the room */
    public boolean isPresent(String room, String userId) {
        synchronized (lock) {
            Map<String, Set<String>> users = rooms.get(room);
            return users != null && users.containsKey(userId);
        }
    }

    /** @return how many rooms have at least one user present */
    public int roomCount() {
        synchronized (lock) {
            return rooms.size();
        }
    }

    private boolean removeSocket(String room, String userId, String socketId) {
        LinkedHashMap<String, Set<String>> users = rooms.get(room);
        Set<String> sockets = users.get(userId);
        sockets.remove(socketId);
        if (!sockets.isEmpty()) {
            return false;
        }
        users.remove(userId);
        if (users.isEmpty()) {
            rooms.remove(room); // empty rooms are dropped so that churn cannot grow the map
        }
        return true;
    }

    private static void requireArguments(String room, String userId, String socketId) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(socketId, "socketId");
    }
}
