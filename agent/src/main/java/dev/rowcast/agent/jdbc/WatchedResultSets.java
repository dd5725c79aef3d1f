package dev.rowcast.agent.jdbc;

import dev.rowcast.bootstrap.KeyBridge;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The result sets whose rows are generated keys, by identity and weakly held. Usually empty, and
 * then {@link KeyBridge#watching} is false; a set is watched only from {@code getGeneratedKeys()}
 * (or the executeQuery of an {@code INSERT ... RETURNING}) until its expected rows are read, its
 * next() says false, it or its statement closes, or its writes are handed to the pipeline.
 */
final class WatchedResultSets {

    /** One watched set: the app's cursor position in it and the columns worth copying. */
    static final class Watch {
        final WeakReference<Object> resultSet;
        final KeyRows keys;
        int rowsRead;
        int[] columns;
        String[] labels;

        Watch(Object resultSet, KeyRows keys) {
            this.resultSet = new WeakReference<>(resultSet);
            this.keys = keys;
        }
    }

    private static final Watch[] NONE = new Watch[0];

    // copy on write: the slow path of next() scans it without a lock
    private volatile Watch[] watches = NONE;

    synchronized void watch(Object resultSet, KeyRows keys) {
        List<Watch> kept = new ArrayList<>(watches.length + 1);
        for (Watch w : watches) {
            Object set = w.resultSet.get();
            if (set == resultSet) {
                // the driver handed the same set out again: its cursor has not moved back
                return;
            }
            // a new set for the same keys starts before its first row again
            if (set != null && w.keys != keys) {
                kept.add(w);
            }
        }
        kept.add(new Watch(resultSet, keys));
        publish(kept);
    }

    Watch find(Object resultSet) {
        for (Watch w : watches) {
            if (w.resultSet.get() == resultSet) {
                return w;
            }
        }
        return null;
    }

    synchronized void unwatch(KeyRows keys) {
        if (watches.length == 0) {
            return;
        }
        List<Watch> kept = new ArrayList<>(watches.length);
        for (Watch w : watches) {
            if (w.keys != keys && w.resultSet.get() != null) {
                kept.add(w);
            }
        }
        publish(kept);
    }

    int size() {
        return watches.length;
    }

    private void publish(List<Watch> kept) {
        Watch[] next = kept.isEmpty() ? NONE : kept.toArray(Watch[]::new);
        watches = next;
        KeyBridge.watching = next.length > 0;
    }
}
