package dev.rowcast.server.engine;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one {@link EngineServer}; readable from any thread at any time. */
public final class EngineStats {
    private final AtomicLong openSessions = new AtomicLong();
    private final LongAdder sessionsTotal = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder upgrades = new LongAdder();
    private final LongAdder slowSessionsClosed = new LongAdder();

    public long openSessions() { return openSessions.get(); }
    public long sessionsTotal() { return sessionsTotal.sum(); }
    /** Bytes read from sockets, HTTP and WebSocket framing included. */
    public long bytesIn() { return bytesIn.sum(); }
    /** Bytes written to sockets, HTTP and WebSocket framing included. */
    public long bytesOut() { return bytesOut.sum(); }
    /** Sessions moved from polling to WebSocket. */
    public long upgrades() { return upgrades.sum(); }
    /** Sessions closed because their outbound queue overflowed (a client that stopped reading). */
    public long slowSessionsClosed() { return slowSessionsClosed.sum(); }

    void sessionOpened() {
        openSessions.incrementAndGet();
        sessionsTotal.increment();
    }

    void sessionClosed() { openSessions.decrementAndGet(); }
    void read(long bytes) { bytesIn.add(bytes); }
    void written(long bytes) { bytesOut.add(bytes); }
    void upgraded() { upgrades.increment(); }
    void slowSessionClosed() { slowSessionsClosed.increment(); }

    @Override
    public String toString() {
        return "EngineStats[open=" + openSessions() + ", total=" + sessionsTotal() + ", in=" + bytesIn()
                + ", out=" + bytesOut() + ", upgrades=" + upgrades() + "]";
    }
}
