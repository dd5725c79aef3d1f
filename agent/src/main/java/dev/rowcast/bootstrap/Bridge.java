package dev.rowcast.bootstrap;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The only code advice calls. It sits on the boot class path so that advice inlined into a class
 * of any class loader can reach it, and it forwards to the agent's {@link Sink}. Every method
 * swallows what the sink throws: nothing the agent does may reach the application.
 */
public final class Bridge {

    private static volatile Sink sink;

    /**
     * Session factories built before the agent's capture started (it starts once the app's start
     * has settled): handed to the sink when it is installed. Weak, so a factory the app let go is
     * not kept.
     */
    private static final Map<Object, Boolean> EARLY_FACTORIES = Collections.synchronizedMap(new WeakHashMap<>());

    /** Each thread's depth in Hibernate's work, and what its JDBC calls reported and recorded (asked on every statement). */
    private static final PerThread<Calls> CALLS = new PerThread<>(Calls::new);

    /**
     * A thread's place in the calls the hooks watch. JDBC calls nest: a pool's statement calls the
     * driver's (HikariCP's proxies, DBCP's delegating wrappers, whose {@code unwrap} returns
     * themselves), and a driver's method may call its own (MySQL's {@code executeUpdate()} calls
     * {@code executeLargeUpdate()}). Each layer's hook sees the same write.
     * <ul>
     *   <li>Of nested prepare calls the innermost reports: a prepare's exit reports when no prepare
     *       it made did, comparing the count of reported prepares with the count at its entry.</li>
     *   <li>An execute call's write is not recorded when a call nested in it recorded the same
     *       write (the same SQL and parameters) just before. Other statements run inside it, by a
     *       driver (MySQL's rewritten batches) or by a trigger on the app's thread, do not hide it.
     *       A write is kept for that comparison only while a call is open around it: this object
     *       lives long, and storing a new write into an old object takes G1's slow write barrier (a
     *       {@code StoreLoad} fence) on every row.</li>
     * </ul>
     */
    private static final class Calls extends PerThread.Owned {
        /** How deep the thread is in Hibernate's action queue: JDBC capture marks the writes made inside it. */
        int hibernateDepth;
        /** How deep the thread is in a Hibernate query's bulk write: a subclass's may call its superclass's. */
        int bulkDepth;
        /** prepareStatement/prepareCall calls that reported, so far. */
        int prepares;
        /** Writes recorded by execute calls on this thread, so far. */
        int records;
        /** Execute calls entered and not yet left: more than 0 while a recording call has one around it. */
        int executing;
        /** Execute calls entered so far, and their number when the last write was recorded: see {@link #onlyThisRanSince}. */
        int executions;
        int executionsAtRecord;
        /** The last write (or batch of writes) recorded inside a call that had one around it: compared with the outer call's. */
        Object lastRecord;
    }

    private Bridge() {}

    /** Installs the sink, then hands it each session factory built before. */
    public static void install(Sink newSink) {
        sink = newSink;
        Object[] early;
        synchronized (EARLY_FACTORIES) {
            early = EARLY_FACTORIES.keySet().toArray();
            EARLY_FACTORIES.clear();
        }
        for (Object factory : early) {
            sessionFactoryBuilt(factory);
        }
    }

    public static boolean active() {
        return sink != null;
    }

    /**
     * Entering Hibernate's work: the thread's calls, which the exit hands back to {@link #hibernateExit}.
     * The exit then skips the lookup, after a flush that has pushed the thread's lines out of the cache.
     */
    public static Object hibernateEnter() {
        Calls calls = CALLS.get();
        calls.hibernateDepth++;
        return calls;
    }

    /** @param calls what {@link #hibernateEnter} returned; null when the entry failed and marked nothing */
    public static void hibernateExit(Object calls) {
        if (calls instanceof Calls c && c.hibernateDepth > 0) {
            c.hibernateDepth--;
        }
    }

    public static boolean insideHibernate() {
        return CALLS.get().hibernateDepth > 0;
    }

    /** Whether the thread is in a Hibernate query's bulk write (see {@link #bulkEnter}), which says its own misses. */
    public static boolean insideBulkWrite() {
        return CALLS.get().bulkDepth > 0;
    }

    /** Entering a prepare call: the mark its exit hands to {@link #prepareInnermost}. */
    public static int prepareEnter() {
        return CALLS.get().prepares;
    }

    /** At a prepare call's exit: true, once, when no prepare call nested in it reported (see {@link Calls}). */
    public static boolean prepareInnermost(int mark) {
        Calls calls = CALLS.get();
        if (calls.prepares != mark) {
            return false;
        }
        calls.prepares++;
        return true;
    }

    /** Entering an execute call: the mark its exit hands on, for {@link #nestedRecord}. Its exit calls {@link #executeExit}. */
    public static int executeEnter() {
        Calls calls = CALLS.get();
        calls.executing++;
        calls.executions++;
        return calls.records;
    }

    /** Leaving an execute call, before what its exit records: a call still open around it then keeps the record. */
    public static void executeExit() {
        Calls calls = CALLS.get();
        if (calls.executing > 0) {
            calls.executing--;
        }
    }

    /** The last write recorded by a call nested in the one entered at {@code mark}; null when none was. */
    public static Object nestedRecord(int mark) {
        Calls calls = CALLS.get();
        return calls.records != mark ? calls.lastRecord : null;
    }

    /** Entering an executeBatch() call: as {@link #executeEnter}, the statement told first. */
    @OutOfLine
    public static int batchEnter(Object statement) {
        Sink s = sink;
        if (s != null) {
            try {
                s.batchExecuting(statement);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
        return executeEnter();
    }

    /**
     * An execute call recorded this write (or batch of writes) on this thread; kept while a call is
     * open around it. Returns its number among the thread's records, for {@link #onlyThisRanSince}.
     */
    public static int recorded(Object record) {
        Calls calls = CALLS.get();
        calls.records++;
        calls.executionsAtRecord = calls.executions;
        if (calls.executing > 0) {
            calls.lastRecord = record;
        }
        return calls.records;
    }

    /**
     * In an execute call's exit, after {@link #executeExit}: whether the last write this thread
     * recorded is the one {@link #recorded} numbered {@code record}, and this call (with the calls of
     * a pool's wrappers around it) is the only execution the thread began since, so that no
     * statement the agent did not record ran between them.
     */
    public static boolean onlyThisRanSince(int record) {
        Calls calls = CALLS.get();
        return record > 0 && calls.records == record && calls.executions - calls.executionsAtRecord == calls.executing + 1;
    }

    /**
     * The factory of the last session opened: a later session of it asks no more. Written by any
     * thread without a lock: one that reads an older value only reports its factory once more.
     */
    private static WeakReference<Object> lastSessionFactory = new WeakReference<>(null);

    /**
     * A session (or StatelessSession) of this factory is being opened. A factory built outside
     * Hibernate's registry before the hooks were in (Quarkus builds its own) is found so, before the
     * session's first write.
     */
    public static void sessionOpened(Object sessionFactory) {
        if (lastSessionFactory.get() != sessionFactory) {
            sessionOfAnotherFactory(sessionFactory);
        }
    }

    @OutOfLine
    private static void sessionOfAnotherFactory(Object sessionFactory) {
        lastSessionFactory = new WeakReference<>(sessionFactory);
        sessionFactoryBuilt(sessionFactory);
    }

    /** The sink may see a factory twice (a racing install, a session of it): it is idempotent. */
    public static void sessionFactoryBuilt(Object sessionFactory) {
        Sink s = sink;
        if (s == null) {
            EARLY_FACTORIES.put(sessionFactory, Boolean.TRUE);
            s = sink; // an install that began meanwhile may have drained the map before this put
            if (s == null || EARLY_FACTORIES.remove(sessionFactory) == null) {
                return;
            }
        }
        try {
            s.sessionFactoryBuilt(sessionFactory);
        } catch (Throwable ignored) {
            // the agent logs its own faults; the app never sees them
        }
    }

    @OutOfLine
    public static void statementPrepared(Object connection, Object statement, String sql) {
        Sink s = sink;
        if (s != null) {
            try {
                s.statementPrepared(connection, statement, sql);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    @OutOfLine
    public static void parameterSet(Object statement, int index, Object value) {
        set(statement, index, value);
    }

    /**
     * The setters of a primitive: the value is boxed here, out of line, not in the driver's setter,
     * whose compiled code the boxing made too large for C2 to inline it into the app's method.
     */
    @OutOfLine
    public static void parameterSetLong(Object statement, int index, long value) {
        set(statement, index, value);
    }

    /** See {@link #parameterSetLong}. */
    @OutOfLine
    public static void parameterSetInt(Object statement, int index, int value) {
        set(statement, index, value);
    }

    /** See {@link #parameterSetLong}. */
    @OutOfLine
    public static void parameterSetDouble(Object statement, int index, double value) {
        set(statement, index, value);
    }

    /** See {@link #parameterSetLong}. */
    @OutOfLine
    public static void parameterSetBoolean(Object statement, int index, boolean value) {
        set(statement, index, value);
    }

    /**
     * In what {@link #parametersRead} is handed: a parameter the app set to SQL NULL. A null there
     * means a value the read left to the setters' hooks.
     */
    public static final Object SQL_NULL = new Object();

    /**
     * Whether a statement's parameters are wanted, asked as an execute or addBatch call of a driver
     * whose parameters are read from the driver (H2's) begins: only a statement the capture watches
     * is read.
     */
    @OutOfLine
    public static boolean readsParameters(Object statement) {
        Sink s = sink;
        if (s != null) {
            try {
                return s.readsParameters(statement);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
        return false;
    }

    /** The parameters read from the driver, by position (see {@link #SQL_NULL}). */
    @OutOfLine
    public static void parametersRead(Object statement, Object[] values) {
        Sink s = sink;
        if (s != null) {
            try {
                s.parametersRead(statement, values);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    /** Reading a statement's parameters from its driver failed. */
    @OutOfLine
    public static void parametersUnread(Object statement, Throwable cause) {
        Sink s = sink;
        if (s != null) {
            try {
                s.parametersUnread(statement, cause);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    private static void set(Object statement, int index, Object value) {
        Sink s = sink;
        if (s != null) {
            try {
                s.parameterSet(statement, index, value);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    @OutOfLine
    public static void arrayCreated(Object array, Object[] elements) {
        Sink s = sink;
        if (s != null) {
            try {
                s.arrayCreated(array, elements);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    @OutOfLine
    public static void parametersCleared(Object statement) {
        Sink s = sink;
        if (s != null) {
            try {
                s.parametersCleared(statement);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    @OutOfLine
    public static void batchAdded(Object statement, String sqlOrNull) {
        Sink s = sink;
        if (s != null) {
            try {
                s.batchAdded(statement, sqlOrNull);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    @OutOfLine
    public static void batchCleared(Object statement) {
        Sink s = sink;
        if (s != null) {
            try {
                s.batchCleared(statement);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    /** Leaving an execute call ({@link #executeExit} first). @param mark what {@link #executeEnter} gave the call's entry */
    @OutOfLine
    public static void executed(Object statement, String sqlOrNull, boolean batch, Object result, Throwable thrown, int mark) {
        executeExit();
        Sink s = sink;
        if (s != null) {
            try {
                s.executed(statement, sqlOrNull, batch, result, thrown, mark);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    @OutOfLine
    public static void statementClosed(Object statement, Class<?> declaring) {
        Sink s = sink;
        if (s != null) {
            try {
                s.statementClosed(statement, declaring);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    @OutOfLine
    public static void committed(Object connection, Throwable thrown) {
        Sink s = sink;
        if (s != null) {
            try {
                s.committed(connection, thrown);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    @OutOfLine
    public static void rolledBack(Object connection, Object savepointOrNull, Throwable thrown) {
        Sink s = sink;
        if (s != null) {
            try {
                s.rolledBack(connection, savepointOrNull, thrown);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    @OutOfLine
    public static void savepointSet(Object connection, Object savepoint) {
        Sink s = sink;
        if (s != null) {
            try {
                s.savepointSet(connection, savepoint);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    @OutOfLine
    public static void savepointReleased(Object connection, Object savepoint) {
        Sink s = sink;
        if (s != null) {
            try {
                s.savepointReleased(connection, savepoint);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    @OutOfLine
    public static void autoCommitSet(Object connection, boolean autoCommit, Throwable thrown) {
        Sink s = sink;
        if (s != null) {
            try {
                s.autoCommitSet(connection, autoCommit, thrown);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    @OutOfLine
    public static void connectionClosed(Object connection) {
        Sink s = sink;
        if (s != null) {
            try {
                s.connectionClosed(connection);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    @OutOfLine
    public static void connectionSql(Object connection, String sql, Throwable thrown) {
        Sink s = sink;
        if (s != null) {
            try {
                s.connectionSql(connection, sql, thrown);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    /**
     * A StatelessSession wrote an entity's row: {@code fired} is the call that tells of it
     * ({@code firePostInsert}, {@code firePostUpdate}, {@code firePostUpsert}, {@code firePostDelete}),
     * {@code state} the row's values, null for a delete.
     */
    @OutOfLine
    public static void statelessWritten(Object session, String fired, Object entity, Object id, Object[] state, Object persister) {
        Sink s = sink;
        if (s != null) {
            try {
                s.statelessWritten(session, fired, entity, id, state, persister);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    /** Entering a Hibernate query's doExecuteUpdate(): what {@link #bulkExit} takes. */
    public static Object bulkEnter() {
        Calls calls = CALLS.get();
        calls.bulkDepth++;
        return calls;
    }

    /** The bulk write returned {@code count} (or threw: then nothing is reported); only the outermost call reports. */
    @OutOfLine
    public static void bulkExit(Object calls, Object query, int count, boolean returned) {
        if (!(calls instanceof Calls c) || c.bulkDepth == 0 || --c.bulkDepth > 0 || !returned) {
            return;
        }
        Sink s = sink;
        if (s != null) {
            try {
                s.bulkExecuted(query, count);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    /** A StatelessSession's batch call (7.x's insertMultiple and the like) begins: its rows wait for its end. */
    public static void statelessBatchEnter() {
        Sink s = sink;
        if (s != null) {
            try {
                s.statelessBatch(true, true);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    /** The batch call ended: its rows go on if it returned, and are dropped if it threw. */
    public static void statelessBatchExit(boolean returned) {
        Sink s = sink;
        if (s != null) {
            try {
                s.statelessBatch(false, returned);
            } catch (Throwable ignored) {
                // see sessionFactoryBuilt
            }
        }
    }

    /** Called reflectively by {@code dev.rowcast.api.Rowcast}; false when no agent is listening. */
    public static boolean emit(String room, String event, Object payload) {
        Sink s = sink;
        if (s == null) {
            return false;
        }
        try {
            s.emit(room, event, payload);
            return true;
        } catch (Throwable ignored) {
            return false;
        }
    }
}
