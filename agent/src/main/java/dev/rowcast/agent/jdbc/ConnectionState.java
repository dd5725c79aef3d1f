package dev.rowcast.agent.jdbc;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The uncommitted writes of one physical connection, with a mark per open savepoint so that
 * {@code rollback(savepoint)} drops only what came after it. Only the connection's own thread
 * touches it (JDBC connections are not shared across threads mid-transaction), under its lock.
 */
final class ConnectionState {

    Boolean autoCommit;
    private final List<PendingWrite> buffer = new ArrayList<>();
    private final Map<Object, Integer> marks = new IdentityHashMap<>();
    /** Autocommitted writes waiting for the app to read their generated keys (see JdbcCapture#record). */
    private List<PendingWrite> parked = List.of();
    private long parkedAt;

    synchronized void add(PendingWrite write) {
        buffer.add(write);
    }

    synchronized List<PendingWrite> drain() {
        List<PendingWrite> out = List.copyOf(buffer);
        buffer.clear();
        marks.clear();
        return out;
    }

    synchronized void mark(Object savepoint) {
        marks.put(savepoint, buffer.size());
    }

    /** Drops the writes after the savepoint; returns them. */
    synchronized List<PendingWrite> rollbackTo(Object savepoint) {
        Integer at = marks.get(savepoint);
        if (at == null) {
            return List.of();
        }
        List<PendingWrite> tail = buffer.subList(Math.min(at, buffer.size()), buffer.size());
        List<PendingWrite> dropped = List.copyOf(tail);
        tail.clear();
        // savepoints set after this one are gone with the rollback
        for (Iterator<Integer> it = marks.values().iterator(); it.hasNext(); ) {
            if (it.next() > at) {
                it.remove();
            }
        }
        return dropped;
    }

    synchronized void release(Object savepoint) {
        marks.remove(savepoint);
    }

    synchronized void park(List<PendingWrite> writes, long ts) {
        parked = writes;
        parkedAt = ts;
    }

    synchronized long parkedAt() {
        return parkedAt;
    }

    synchronized List<PendingWrite> takeParked() {
        List<PendingWrite> out = parked;
        parked = List.of();
        return out;
    }

    synchronized boolean isEmpty() {
        return buffer.isEmpty();
    }
}
