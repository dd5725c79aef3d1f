package dev.rowcast.server.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Records what the server and Netty log (both go to java.util.logging here) while it is open:
 * {@code try (LogCapture log = LogCapture.server()) { ... }}. Netty logs an exception thrown in a
 * listener of ours itself.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    /** Held strongly: java.util.logging keeps loggers weakly, and a collected one loses its handler. */
    private static final Logger SERVER = Logger.getLogger("dev.rowcast.server");
    private static final Logger NETTY = Logger.getLogger("io.netty");

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture() {
    }

    /** Everything logged under {@code dev.rowcast.server} and {@code io.netty} from now until {@link #close()}. */
    public static LogCapture server() {
        LogCapture capture = new LogCapture();
        SERVER.addHandler(capture);
        NETTY.addHandler(capture);
        return capture;
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** Each record as its level, message and, when it carries one, the exception: what an operator would read. */
    public List<String> lines() {
        return records.stream()
                .map(r -> r.getLevel() + " " + r.getMessage() + (r.getThrown() == null ? "" : " + stack trace of " + r.getThrown()))
                .toList();
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        SERVER.removeHandler(this);
        NETTY.removeHandler(this);
    }
}
