package dev.rowcast.agent;

import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The agent's only log: System.Logger (JUL by default), never the app's logging, always "[rowcast]". */
public final class AgentLog {

    private static final System.Logger LOG = System.getLogger("dev.rowcast");
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

    private AgentLog() {}

    public static void info(String message) {
        LOG.log(Level.INFO, "[rowcast] " + message);
    }

    public static void warn(String message) {
        LOG.log(Level.WARNING, "[rowcast] " + message);
    }

    public static void warn(String message, Throwable cause) {
        LOG.log(Level.WARNING, "[rowcast] " + message, cause);
    }

    public static void error(String message) {
        LOG.log(Level.ERROR, "[rowcast] " + message);
    }

    public static void debug(String message) {
        LOG.log(Level.DEBUG, "[rowcast] " + message);
    }

    /** Logs a fault once per kind, so a failure on every row cannot flood the app's log. */
    public static void warnOnce(String kind, String message, Throwable cause) {
        if (ONCE.add(kind)) {
            LOG.log(Level.WARNING, "[rowcast] " + message + " (further '" + kind + "' faults are counted, not logged)", cause);
        }
    }
}
