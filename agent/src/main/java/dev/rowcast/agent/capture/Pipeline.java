package dev.rowcast.agent.capture;

import dev.rowcast.agent.AgentLog;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The hand-off between the app's threads and the agent: the app thread only offers to a bounded
 * lock-free queue (never blocks; a full queue drops and counts), one agent thread drains it in
 * order, so the order of rows within a transaction and within a room is the commit order.
 *
 * <p>The app thread wakes the agent thread only when it has gone to sleep: an idle agent thread
 * spins briefly, then naps in short timed parks that no app thread needs to end (a row waits at
 * most one nap), and only after a longer idle time raises {@link #sleeping} and parks until an
 * offer unparks it. A wake-up per commit (a futex call, often a context switch of the app's thread)
 * was the largest part of what capture cost the app; now an app pays it only when it writes less
 * than a row every {@link #NAP_UNTIL_NANOS}, where it is a small part of the time between rows.
 */
public final class Pipeline {

    private static final int CAPACITY = 65_536;
    /** How long an idle agent thread polls before it naps: covers the gap between the commits of a busy app. */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(10);
    /**
     * One nap: what it adds to a row's latency at most (plus the kernel's timer slack, 50 us by
     * default). Each costs the agent thread a few microseconds of CPU, so not much shorter.
     */
    private static final long NAP_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** After this long without a row the agent thread sleeps until an offer wakes it. */
    private static final long NAP_UNTIL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** A parked agent thread still looks now and then (a stop, a missed wake-up cannot hang it). */
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Queue<Object> queue = PlatformDependent.newFixedMpscQueue(CAPACITY);
    private final Consumer<Object> consumer;
    private final Metrics metrics;
    private final Thread thread;
    private final long parkNanos;
    private volatile boolean running = true;
    /** The agent thread is parked or about to be: the next offer unparks it. */
    private volatile boolean sleeping;

    /** @param consumer handles a {@link CapturedRow} or any other queued item, on the agent thread */
    public Pipeline(Consumer<Object> consumer, Metrics metrics) {
        this(consumer, metrics, PARK_NANOS);
    }

    /** @param parkNanos the longest sleep without a wake-up (a test makes it long, so a missed wake-up shows) */
    Pipeline(Consumer<Object> consumer, Metrics metrics, long parkNanos) {
        this.consumer = consumer;
        this.metrics = metrics;
        this.parkNanos = parkNanos;
        this.thread = new Thread(this::drain, "rowcast-pipeline");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Called on the app's thread: O(1), never blocks, never throws. */
    public void offer(Object item) {
        if (item instanceof CapturedRow) {
            metrics.captured.increment();
        }
        if (!queue.offer(item)) {
            metrics.dropped.increment();
            AgentLog.warnOnce("queue-full", "capture queue full (" + CAPACITY + " rows): the pipeline cannot keep up, rows are dropped", null);
            return;
        }
        // the offer's CAS and this volatile read pair with drain's write of sleeping and its isEmpty(): no wake-up is lost
        if (sleeping) {
            sleeping = false;
            LockSupport.unpark(thread);
        }
    }

    private void drain() {
        while (running || !queue.isEmpty()) {
            Object item = queue.poll();
            if (item != null) {
                handle(item);
                continue;
            }
            if (!awaitItem()) {
                return;
            }
        }
    }

    /** Spins, naps, then parks until an offer or a stop; false when interrupted. */
    private boolean awaitItem() {
        long idleSince = System.nanoTime();
        while (queue.isEmpty()) {
            long idle = System.nanoTime() - idleSince;
            if (idle < SPIN_NANOS) {
                Thread.onSpinWait();
                continue;
            }
            if (idle < NAP_UNTIL_NANOS) {
                LockSupport.parkNanos(this, NAP_NANOS);
                if (Thread.interrupted()) {
                    return false;
                }
                if (!running) {
                    return true;
                }
                continue;
            }
            sleeping = true;
            if (queue.isEmpty() && running) {
                LockSupport.parkNanos(this, parkNanos);
            }
            sleeping = false;
            if (Thread.interrupted()) {
                return false;
            }
            if (!running) {
                return true;
            }
        }
        return true;
    }

    private void handle(Object item) {
        try {
            consumer.accept(item);
        } catch (Throwable t) {
            metrics.dropped.increment();
            AgentLog.warnOnce("pipeline-" + t.getClass().getName(), "could not route a captured row: " + t, t);
        }
    }

    /** Stops after delivering what is queued, waiting at most {@code millis}. */
    public void stop(long millis) {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
