package dev.rowcast.server.log;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets one log line through per interval and holds back the rest; the next line let through
 * says how many were held back. For what any client can cause on every connection it opens
 * (a refused token, a stalled reader, a join past a limit): the log keeps the news, not the flood.
 * Thread-safe.
 */
public final class LogThrottle {
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong lastNanos = new AtomicLong();
    private final AtomicLong held = new AtomicLong();

    public LogThrottle(Duration interval) {
        this(interval, System::nanoTime);
    }

    LogThrottle(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    /** One line a minute, as every throttled line of the server. */
    public static LogThrottle perMinute() {
        return new LogThrottle(Duration.ofMinutes(1));
    }

    /** -1 when this line is held back; otherwise how many were held back since the last line let through. */
    public long admit() {
        long now = nanoClock.getAsLong();
        long last = lastNanos.get();
        // 0 stands for "never": a clock that reads 0 is taken as 1
        if ((last != 0 && now - last < intervalNanos) || !lastNanos.compareAndSet(last, now == 0 ? 1 : now)) {
            held.incrementAndGet();
            return -1;
        }
        return held.getAndSet(0);
    }
}
