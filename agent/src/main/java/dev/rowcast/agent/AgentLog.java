package dev.rowcast.agent;

import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The agent's only log: System.Logger (JUL by default), never the app's logging, always "[rowcast]". */
public final class AgentLog {

    private static final System.Logger LOG = System.getLogger("dev.rowcast");
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

    /**
     * Set when the JVM exits. JUL's own shutdown hook resets its handlers meanwhile, so what the
     * agent says while it delivers its last rows (a warning of the pipeline's) goes to stderr itself.
     */
    private static volatile boolean exiting;

    private AgentLog() {}

    /** The JVM is exiting: from now on the log writes to stderr itself. */
    static void exiting() {
        exiting = true;
    }

    public static void info(String message) {
        log(Level.INFO, message, null);
    }

    public static void warn(String message) {
        log(Level.WARNING, message, null);
    }

    public static void warn(String message, Throwable cause) {
        log(Level.WARNING, message, cause);
    }

    public static void error(String message) {
        log(Level.ERROR, message, null);
    }

    public static void debug(String message) {
        if (!exiting) {
            LOG.log(Level.DEBUG, "[rowcast] " + message);
        }
    }

    /** SQL as a log line shows it: on one line, its first 117 characters and "..." when longer than 120. */
    public static String sql(String statement) {
        String flat = statement.strip().replaceAll("\\s+", " ");
        return flat.length() > 120 ? flat.substring(0, 117) + "..." : flat;
    }

    /** Logs a fault once per kind, so a failure on every row cannot flood the app's log. */
    public static void warnOnce(String kind, String message, Throwable cause) {
        if (ONCE.add(kind)) {
            log(Level.WARNING, message + " (said once; the same case again is not logged)", cause);
        }
    }

    private static void log(Level level, String message, Throwable cause) {
        if (exiting) {
            System.err.println("[rowcast] " + message + (cause == null ? "" : " (" + cause + ")"));
        } else {
            LOG.log(level, "[rowcast] " + message, cause);
        }
    }
}
