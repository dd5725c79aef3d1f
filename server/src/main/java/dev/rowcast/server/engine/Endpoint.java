package dev.rowcast.server.engine;

import dev.rowcast.server.log.LogThrottle;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** One mounted path (e.g. {@code /socket.io}) with its listener and its live sessions. */
final class Endpoint {
    final String path;
    final EngineListener listener;
    /** Clients that stop reading can be closed by the hundred at once: one line a minute says so. */
    final LogThrottle slowClientLog = LogThrottle.perMinute();
    private final ConcurrentMap<String, EngineSession> sessions = new ConcurrentHashMap<>();
    /** Sessions the client just closed over polling, each with the deadline of its one allowed late GET. */
    private final ConcurrentMap<String, Long> closedByClient = new ConcurrentHashMap<>();

    Endpoint(String path, EngineListener listener) {
        this.path = path;
        this.listener = listener;
    }

    EngineSession session(String id) {
        return sessions.get(id);
    }

    void add(EngineSession session) {
        sessions.put(session.id(), session);
    }

    void remove(EngineSession session) {
        sessions.remove(session.id(), session);
    }

    /**
     * Remembers, for {@code windowNanos}, that the client closed this session: a GET that was
     * already on its way then ends with noop like a held one, instead of an error.
     */
    void rememberClientClose(String id, long windowNanos) {
        long now = System.nanoTime();
        closedByClient.values().removeIf(deadline -> deadline - now < 0);
        closedByClient.put(id, now + windowNanos);
    }

    /** True once per remembered close, within its window. */
    boolean takeClientClose(String id) {
        Long deadline = closedByClient.remove(id);
        return deadline != null && deadline - System.nanoTime() > 0;
    }

    Collection<EngineSession> sessions() {
        return sessions.values();
    }
}
