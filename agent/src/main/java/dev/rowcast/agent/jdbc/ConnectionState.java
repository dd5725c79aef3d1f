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

    synchronized void rollbackTo(Object savepoint) {
        Integer at = marks.get(savepoint);
        if (at == null) {
            return;
        }
        buffer.subList(Math.min(at, buffer.size()), buffer.size()).clear();
        // savepoints set after this one are gone with the rollback
        for (Iterator<Integer> it = marks.values().iterator(); it.hasNext(); ) {
            if (it.next() > at) {
                it.remove();
            }
        }
    }

    synchronized void release(Object savepoint) {
        marks.remove(savepoint);
    }

    synchronized boolean isEmpty() {
        return buffer.isEmpty();
    }
}
