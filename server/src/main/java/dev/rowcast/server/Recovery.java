package dev.rowcast.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connection state recovery of one namespace (Socket.IO 4.6+): every plain event gets an offset
 * as its last argument and is kept for {@code maxDisconnection}; a socket that lost its transport
 * is kept as long, so a client that comes back with its {@code pid} and last offset gets the same
 * id, rooms and data, and every event it missed. Thread-safe.
 */
final class Recovery {
    /** The reasons after which a client may come back; an explicit disconnect is final. */
    static final Set<String> RECOVERABLE = Set.of("transport error", "transport close", "forced close", "ping timeout",
            "server shutting down", "forced server close");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final long maxDisconnectionMillis;
    private final String offsetPrefix = randomId(6);
    private final AtomicLong offsets = new AtomicLong();
    private final ConcurrentLinkedDeque<Entry> log = new ConcurrentLinkedDeque<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    record Entry(String offset, long emittedAt, ArrayNode data, Set<String> rooms, Set<String> except) {
    }

    record Session(String sid, String pid, Set<String> rooms, Map<String, Object> data, long disconnectedAt) {
    }

    Recovery(long maxDisconnectionMillis) {
        this.maxDisconnectionMillis = maxDisconnectionMillis;
    }

    static String randomId(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Appends a fresh offset to the event and keeps it; returns the event to send. */
    ArrayNode record(ArrayNode eventAndArgs, Set<String> rooms, Set<String> except) {
        String offset = offsetPrefix + Long.toString(offsets.getAndIncrement(), 36);
        ArrayNode data = eventAndArgs.deepCopy().add(offset);
        long now = System.currentTimeMillis();
        log.add(new Entry(offset, now, data, Set.copyOf(rooms), Set.copyOf(except)));
        dropExpiredEntries(now);
        return data;
    }

    void persist(Socket socket, Set<String> rooms) {
        sessions.put(socket.pid(), new Session(socket.id(), socket.pid(), Set.copyOf(rooms), Map.copyOf(socket.data()),
                System.currentTimeMillis()));
    }

    /** The session and the events it missed after {@code offset}, or null when it cannot be recovered. */
    Restored restore(String pid, String offset) {
        Session session = sessions.remove(pid);
        long now = System.currentTimeMillis();
        if (session == null || now - session.disconnectedAt() > maxDisconnectionMillis) return null;
        List<ArrayNode> missed = new ArrayList<>();
        boolean found = false;
        for (Entry entry : log) {
            if (found) {
                boolean targeted = entry.rooms().isEmpty() || !Collections.disjoint(entry.rooms(), session.rooms());
                if (targeted && Collections.disjoint(entry.except(), session.rooms())) missed.add(entry.data());
            } else if (entry.offset().equals(offset)) {
                found = true;
            }
        }
        return found ? new Restored(session, missed) : null;
    }

    record Restored(Session session, List<ArrayNode> missed) {
    }

    /** Forgets sessions and events older than the window; run periodically. */
    void sweep() {
        long now = System.currentTimeMillis();
        sessions.values().removeIf(s -> now - s.disconnectedAt() > maxDisconnectionMillis);
        dropExpiredEntries(now);
    }

    private void dropExpiredEntries(long now) {
        Iterator<Entry> it = log.iterator();
        while (it.hasNext()) {
            Entry entry = it.next();
            if (now - entry.emittedAt() <= maxDisconnectionMillis) break;
            it.remove();
        }
    }
}
