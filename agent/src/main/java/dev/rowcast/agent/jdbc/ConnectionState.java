package dev.rowcast.agent.jdbc;

import dev.rowcast.bootstrap.Bridge;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The uncommitted writes of one physical connection, with a mark per open savepoint so that
 * {@code rollback(savepoint)} drops only what came after it.
 *
 * <p>A write's add and a commit's drain take no lock: a JDBC connection is used by one thread at a
 * time, and a pool that hands one to the next thread does so through its own synchronization, which
 * orders these fields too. A lock there was two atomic instructions on the app's thread at each
 * write and two more at each commit, nearly a third of what capture cost a commit per row on H2.
 * The rarer calls (savepoints, rollbacks) keep their lock. A session two connection objects share
 * ({@link SharedSessions}: H2's XA handle and the connection its resource commits on, which a
 * transaction manager's timeout may roll back from a thread of its own) locks every call. A pool
 * that closes a connection its app still uses (abandoned-connection reclaim) may race the app's
 * thread here: the pending work of a connection closed under it is reported by no one anyway.
 * The writes parked for their generated keys keep a lock: a result set's end may publish them.
 */
final class ConnectionState {

    private static final byte UNKNOWN = 0, OFF = 1, ON = 2;
    /**
     * The connection's autocommit mode as last set or asked of the driver. A byte, not a Boolean:
     * {@code setAutoCommit} runs once or twice per transaction, and a reference stored into this
     * long-lived object takes the collector's slow write barrier on the app's thread.
     */
    private byte autoCommit;
    /**
     * A BEGIN written in SQL opened a transaction: the autocommit mode says off until the COMMIT
     * or ROLLBACK that ends it, in SQL or through JDBC. Then the driver is asked again: H2's BEGIN
     * turns its autocommit off and the transaction's end turns it on, whatever it was before;
     * PostgreSQL's driver keeps its mode throughout.
     */
    boolean sqlTransaction;
    /**
     * The driver said autocommit was off right after that BEGIN (H2's BEGIN turns it off; MySQL's
     * and PostgreSQL's leave it on): only then does turning autocommit on end the transaction.
     */
    boolean beginTurnedAutoCommitOff;
    /** H2: the id of the transaction PREPARE COMMIT prepared on this session, which a plain commit or rollback ends. */
    String preparedName;
    /** The transaction's one write while it has exactly one and {@link #buffer} is null: most have one. */
    private PendingWrite only;
    /** Its writes once it has two or a savepoint was marked; null otherwise. */
    private List<PendingWrite> buffer;
    private final Map<Object, Integer> marks = new IdentityHashMap<>();
    /**
     * Savepoints set in SQL, by name: a stack of mark keys each, as PostgreSQL keeps a name set
     * twice (the later one hides the earlier until it is released). Null until one is set.
     */
    private Map<String, ArrayDeque<Object>> named;
    /** Autocommitted writes waiting for the app to read their generated keys (see JdbcCapture#record). */
    private List<PendingWrite> parked = List.of();
    private long parkedAt;
    /** Read without the lock on every write and commit: parked writes are rare (autocommit + generated keys). */
    private volatile boolean hasParked;

    /**
     * Some write in the buffer may carry key rows; most carry none, and then a commit has none to
     * seal. Written by add() and the drains, read before a drain, all on the connection's thread.
     */
    private boolean keyed;

    /**
     * A statement failed on a database that then aborts the whole transaction (PostgreSQL): its
     * commit() rolls back, and by default says nothing of it. Ended by the transaction's end or a
     * rollback to a savepoint, which PostgreSQL's apps use to go on after a failure.
     */
    private volatile boolean aborted;

    /** Two connection objects share this session (see the class): from now on every call locks. */
    private volatile boolean shared;

    void shareAcrossThreads() {
        if (!shared) {
            shared = true;
        }
    }

    void add(PendingWrite write) {
        if (shared) {
            synchronized (this) {
                addNow(write);
            }
        } else {
            addNow(write);
        }
    }

    private void addNow(PendingWrite write) {
        if (write.keys() != null) {
            keyed = true;
        }
        if (buffer != null) {
            buffer.add(write);
        } else if (only == null) {
            only = write;
        } else {
            writes().add(write);
        }
    }

    /**
     * The number {@link Bridge#recorded} gave the transaction's last write when it was a single
     * write, recorded on this connection's thread; -1 after a batch or a rollback to a savepoint,
     * whose last write is not the last the database ran.
     */
    int lastRecord = -1;

    /** The transaction's last write so far, or null. On the connection's thread. */
    synchronized PendingWrite lastWrite() {
        return buffer != null ? (buffer.isEmpty() ? null : buffer.get(buffer.size() - 1)) : only;
    }

    /** The last write, if it is still {@code was}, becomes {@code now} (which carries key rows); whether it did. */
    synchronized boolean replaceLast(PendingWrite was, PendingWrite now) {
        if (lastWrite() != was) {
            return false;
        }
        if (buffer != null) {
            buffer.set(buffer.size() - 1, now);
        } else {
            only = now;
        }
        keyed = true;
        return true;
    }

    /** Whether a write {@link #drain()} would hand out may carry key rows. */
    boolean keyed() {
        return keyed;
    }

    /** The buffer as a list, the single write moved into it. */
    private List<PendingWrite> writes() {
        if (buffer == null) {
            buffer = new ArrayList<>(4);
            if (only != null) {
                buffer.add(only);
                only = null;
            }
        }
        return buffer;
    }

    /** The transaction's write and nothing else when it has exactly one (then drained), else null. */
    PendingWrite drainOnly() {
        if (shared) {
            synchronized (this) {
                return drainOnlyNow();
            }
        }
        return drainOnlyNow();
    }

    private PendingWrite drainOnlyNow() {
        PendingWrite out = only;
        if (out != null) {
            only = null;
            keyed = false;
            if (!marks.isEmpty()) {
                marks.clear();
                named = null;
            }
        }
        return out;
    }

    /**
     * The transaction's writes, handed out; the connection starts clean. A transaction that holds
     * nothing (Hibernate's, whose rows come through its listener, or one of reads) costs four reads.
     */
    List<PendingWrite> drain() {
        if (shared) {
            synchronized (this) {
                return drainNow();
            }
        }
        return drainNow();
    }

    private List<PendingWrite> drainNow() {
        if (only == null && buffer == null && !keyed && marks.isEmpty()) {
            return List.of();
        }
        if (!marks.isEmpty()) {
            marks.clear(); // not when empty: IdentityHashMap.clear() fills its whole table
            named = null;
        }
        keyed = false;
        if (only != null) {
            List<PendingWrite> out = List.of(only);
            only = null;
            return out;
        }
        if (buffer == null || buffer.isEmpty()) {
            return List.of();
        }
        // handed over, not copied: the pipeline thread reads it after the queue's hand-off, nothing here writes it again
        List<PendingWrite> out = buffer;
        buffer = null;
        return out;
    }

    synchronized void abort() {
        aborted = true;
    }

    /** A write succeeded, so the transaction is not aborted. Read before it is written: this runs on every write. */
    void writeSucceeded() {
        if (aborted) {
            aborted = false;
        }
    }

    /** Whether the transaction now ending was aborted; the next one starts clean. */
    boolean takeAborted() {
        boolean was = aborted;
        if (was) {
            aborted = false;
        }
        return was;
    }

    synchronized void mark(Object savepoint) {
        marks.put(savepoint, writes().size());
    }

    /** Drops the writes after the savepoint; returns them. */
    synchronized List<PendingWrite> rollbackTo(Object savepoint) {
        lastRecord = -1;
        aborted = false;
        Integer at = marks.get(savepoint);
        if (at == null) {
            return List.of();
        }
        List<PendingWrite> all = writes();
        List<PendingWrite> tail = all.subList(Math.min(at, all.size()), all.size());
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

    /** SAVEPOINT name, in SQL. */
    synchronized void markNamed(String name) {
        Object key = new Object();
        mark(key);
        nameMark(name, key);
    }

    /** Names a marked savepoint (one set through JDBC with a name), so that a rollback to it in SQL finds it. */
    synchronized void nameMark(String name, Object key) {
        if (name == null) {
            return;
        }
        if (named == null) {
            named = new HashMap<>();
        }
        named.computeIfAbsent(name, n -> new ArrayDeque<>()).push(key);
    }

    /** ROLLBACK TO SAVEPOINT name, in SQL: see {@link #rollbackTo}. */
    synchronized List<PendingWrite> rollbackToNamed(String name) {
        lastRecord = -1;
        Object key = liveNamed(name);
        aborted = false;
        return key == null ? List.of() : rollbackTo(key);
    }

    /** RELEASE SAVEPOINT name, in SQL: the latest savepoint of that name goes. */
    synchronized void releaseNamed(String name) {
        Object key = liveNamed(name);
        if (key != null) {
            // the key is now no mark's: live() takes it off its name's stack
            marks.remove(key);
        }
    }

    /**
     * The latest savepoint of that name that a rollback to an earlier one has not removed; null when
     * none. The name as written first (PostgreSQL tells {@code s1} from {@code "S1"}), else in any
     * case (H2 and MySQL do not).
     */
    private Object liveNamed(String name) {
        if (named == null) {
            return null;
        }
        Object key = live(named.get(name));
        if (key == null) {
            for (Map.Entry<String, ArrayDeque<Object>> entry : named.entrySet()) {
                if (key == null && entry.getKey().equalsIgnoreCase(name)) {
                    key = live(entry.getValue());
                }
            }
        }
        return key;
    }

    private Object live(ArrayDeque<Object> keys) {
        if (keys == null) {
            return null;
        }
        while (!keys.isEmpty() && !marks.containsKey(keys.peek())) {
            keys.pop();
        }
        return keys.peek();
    }

    synchronized void park(List<PendingWrite> writes, long committedAt) {
        parked = writes;
        parkedAt = committedAt;
        hasParked = !writes.isEmpty();
    }

    boolean hasParked() {
        return hasParked;
    }

    /** When the parked writes committed, epoch millis. */
    synchronized long parkedAt() {
        return parkedAt;
    }

    synchronized List<PendingWrite> takeParked() {
        List<PendingWrite> out = parked;
        parked = List.of();
        hasParked = false;
        return out;
    }

    synchronized boolean isEmpty() {
        return only == null && (buffer == null || buffer.isEmpty());
    }

    /** Whether the autocommit mode is known (set through JDBC or SQL, or asked of the driver). */
    boolean autoCommitKnown() {
        return autoCommit != UNKNOWN;
    }

    /** Whether autocommit is known to be on. */
    boolean autoCommitOn() {
        return autoCommit == ON;
    }

    void autoCommit(boolean on) {
        autoCommit = on ? ON : OFF;
    }

    /** The driver is to be asked again at the next write. */
    void forgetAutoCommit() {
        autoCommit = UNKNOWN;
    }
}
