package dev.rowcast.agent.capture;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters JMX shows. Each is the sum of what any thread counts (the app's, in an adder) and
 * what the pipeline thread counts alone, with a plain store: it counts every row it routes, and an
 * adder's compare-and-swap for each would be two atomic instructions a row on the thread that keeps
 * up with the app's.
 */
public final class Metrics {

    public final LongAdder captured = new LongAdder();
    public final LongAdder emitted = new LongAdder();
    public final LongAdder dropped = new LongAdder();
    /** Counted on the pipeline thread only. */
    public final OneWriter routedCaptured = new OneWriter();
    public final OneWriter routedEmitted = new OneWriter();
    public final OneWriter routedDropped = new OneWriter();

    public long captured() {
        return captured.sum() + routedCaptured.get();
    }

    public long emitted() {
        return emitted.sum() + routedEmitted.get();
    }

    public long dropped() {
        return dropped.sum() + routedDropped.get();
    }

    /** A count that one thread writes and any thread reads; an increment is an ordered store, no atomic instruction. */
    public static final class OneWriter {
        private final AtomicLong value = new AtomicLong();

        /** On the writing thread only. */
        public void increment() {
            value.lazySet(value.getPlain() + 1);
        }

        public long get() {
            return value.get();
        }
    }
}
