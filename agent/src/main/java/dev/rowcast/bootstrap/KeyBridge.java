package dev.rowcast.bootstrap;

/**
 * The bridge for database-generated keys, beside {@link Bridge}: the statements that ask for keys
 * or return rows ({@code INSERT ... RETURNING}), the result sets that carry them, and each row the
 * app reads from such a set. Every call swallows what the listener throws.
 */
public final class KeyBridge {

    /**
     * True while at least one result set is watched: all that an unwatched {@code ResultSet.next()}
     * reads. Not volatile, so the JIT may keep it in a register across the app's loop (a volatile
     * read there halves a cheap next(); see bench/README.md). That is safe: the thread that reads a
     * key set is the one whose getGeneratedKeys() set the flag (or one the app handed the set to,
     * through a happens-before edge), and a stale true elsewhere only costs a lookup that misses.
     * Written under WatchedResultSets' lock.
     */
    public static boolean watching;

    private static volatile Listener listener;

    /**
     * The statement in an execute(sql, keys) call on this thread: a driver may call its own
     * execute(sql...) on the same statement inside it (PostgreSQL does), which must not report
     * again. A pool's proxy calling the driver's statement is a different object: the write both
     * see is recorded once (see {@link Bridge#nestedRecord}).
     */
    private static final ThreadLocal<Object> KEYED_EXECUTE = new ThreadLocal<>();

    private KeyBridge() {}

    /** What the agent does with these calls; the agent's JDBC capture installs the one implementation. */
    public interface Listener {

        /** prepareStatement(sql, RETURN_GENERATED_KEYS | int[] | String[]) returned this statement. */
        void keysRequested(Object statement);

        /** Statement.execute/executeUpdate/executeLargeUpdate(sql, keys) returned or threw; mark: see Bridge#nestedRecord. */
        void executedWithKeys(Object statement, String sql, boolean keys, Object result, Throwable thrown, int mark);

        /** executeQuery() or executeQuery(sql) returned a result set (or threw); mark: see Bridge#nestedRecord. */
        void queried(Object statement, String sqlOrNull, Object resultSet, Throwable thrown, int mark);

        /** getGeneratedKeys() (generatedKeys true) or getResultSet() returned this result set. */
        void resultSetReturned(Object statement, Object resultSet, boolean generatedKeys);

        /** A watched result set's next() returned; its cursor is on the row read when hasRow. */
        void rowRead(Object resultSet, boolean hasRow);

        /** A result set was closed while some set was watched. */
        void resultSetClosed(Object resultSet);
    }

    public static void install(Listener newListener) {
        listener = newListener;
    }

    @OutOfLine
    public static void keysRequested(Object statement) {
        Listener l = listener;
        if (l != null) {
            try {
                l.keysRequested(statement);
            } catch (Throwable ignored) {
                // the agent logs its own faults; the app never sees them
            }
        }
    }

    /** Entering execute(sql, keys) on statement; returns the statement of the call around it, which the exit hands back. */
    public static Object keyedExecuteEnter(Object statement) {
        Object outer = KEYED_EXECUTE.get();
        KEYED_EXECUTE.set(statement);
        return outer;
    }

    /** Inside execute(sql, keys) on this statement: the driver's nested execute(sql) is not reported on its own. */
    public static boolean insideKeyedExecute(Object statement) {
        return KEYED_EXECUTE.get() == statement;
    }

    /** Leaving execute(sql, keys) on statement, entered at mark; the statement's keyed call inside its own does not report. */
    @OutOfLine
    public static void executedWithKeys(Object outer, Object statement, String sql, Object keysArgument,
                                        Object result, Throwable thrown, int mark) {
        Bridge.executeExit();
        KEYED_EXECUTE.set(outer);
        Listener l = listener;
        if (l != null && outer != statement) {
            try {
                l.executedWithKeys(statement, sql, asksForKeys(keysArgument), result, thrown, mark);
            } catch (Throwable ignored) {
                // see keysRequested
            }
        }
    }

    /** RETURN_GENERATED_KEYS (1) or a non-empty column list asks for keys; NO_GENERATED_KEYS (2) does not. */
    public static boolean asksForKeys(Object keysArgument) {
        if (keysArgument instanceof Integer flag) {
            return flag == 1;
        }
        if (keysArgument instanceof int[] indexes) {
            return indexes.length > 0;
        }
        return keysArgument instanceof Object[] names && names.length > 0;
    }

    @OutOfLine
    public static void queried(Object statement, String sqlOrNull, Object resultSet, Throwable thrown, int mark) {
        Bridge.executeExit();
        Listener l = listener;
        if (l != null) {
            try {
                l.queried(statement, sqlOrNull, resultSet, thrown, mark);
            } catch (Throwable ignored) {
                // see keysRequested
            }
        }
    }

    @OutOfLine
    public static void resultSetReturned(Object statement, Object resultSet, boolean generatedKeys) {
        Listener l = listener;
        if (l != null && resultSet != null) {
            try {
                l.resultSetReturned(statement, resultSet, generatedKeys);
            } catch (Throwable ignored) {
                // see keysRequested
            }
        }
    }

    @OutOfLine
    public static void rowRead(Object resultSet, boolean hasRow) {
        Listener l = listener;
        if (l != null) {
            try {
                l.rowRead(resultSet, hasRow);
            } catch (Throwable ignored) {
                // see keysRequested
            }
        }
    }

    @OutOfLine
    public static void resultSetClosed(Object resultSet) {
        Listener l = listener;
        if (l != null) {
            try {
                l.resultSetClosed(resultSet);
            } catch (Throwable ignored) {
                // see keysRequested
            }
        }
    }
}
