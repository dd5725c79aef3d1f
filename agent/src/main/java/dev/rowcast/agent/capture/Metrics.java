package dev.rowcast.agent.capture;

import java.util.concurrent.atomic.LongAdder;

/** The counters JMX shows. */
public final class Metrics {

    public final LongAdder captured = new LongAdder();
    public final LongAdder emitted = new LongAdder();
    public final LongAdder dropped = new LongAdder();
}
