package dev.rowcast.agent.capture;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters JMX shows. The pipeline thread counts every row it routes: an adder's
 * compare-and-swap for each would be an atomic instruction a row for the rows captured, and one
 * more for the rows emitted, on the thread that keeps up with the app's. So what it counts is kept
 * apart, in stores of one writer. The app's threads count only what never reaches the pipeline
 * (a full queue's rows, a listener's faults), in adders, and JMX reads the sum.
 */
public final class Metrics {

    /** Counted on any thread. */
    public final LongAdder captured = new LongAdder();
    public final LongAdder dropped = new LongAdder();

    // counted on the pipeline thread only
    public final OneWriter routedCaptured = new OneWriter();
    public final OneWriter routedDropped = new OneWriter();
    public final OneWriter emitted = new OneWriter();

    public long captured() {
        return captured.sum() + routedCaptured.get();
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
