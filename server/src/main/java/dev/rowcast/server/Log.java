package dev.rowcast.server;

/** The server's logger; every message carries the {@code [rowcast]} prefix. */
final class Log {
    private static final System.Logger LOGGER = System.getLogger("dev.rowcast.server");

    private Log() {
    }

    static void debug(String message) {
        if (LOGGER.isLoggable(System.Logger.Level.DEBUG)) LOGGER.log(System.Logger.Level.DEBUG, "[rowcast] " + message);
    }

    static void warn(String message, Throwable error) {
        LOGGER.log(System.Logger.Level.WARNING, "[rowcast] " + message, error);
    }

    static void info(String message) {
        LOGGER.log(System.Logger.Level.INFO, "[rowcast] " + message);
    }
}
