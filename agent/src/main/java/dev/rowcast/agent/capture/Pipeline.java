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
 * naps in short timed parks that no app thread needs to end (a row waits at most one nap), and
 * only after a longer idle time raises {@link #sleeping} and parks until an offer unparks it. A
 * wake-up per commit (a futex call, often a context switch of the app's thread) was the largest
 * part of what capture cost the app; now an app pays it only when it writes less than a row every
 * {@link #NAP_UNTIL_NANOS}, where it is a small part of the time between rows. The agent thread
 * does not spin: polling the queue while the app fills it moves the queue's cache lines between
 * the cores on every row, and a busy core beside the app's slows the app's own thread (on a
 * 2-core virtual machine, a shell loop on the other core cost an H2 insert loop 30% of its rate);
 * after a nap it takes every row that came meanwhile in one go. A nap costs the agent thread
 * about 45 us of CPU there (the timer and two context switches on a virtual machine), so a busy
 * app's rows are taken in bigger batches: each wake-up that finds {@link #BUSY_BATCH} rows or more
 * doubles the next nap, up to {@link #MAX_NAP_NANOS}; one that finds fewer goes back to the shortest.
 */
public final class Pipeline {

    private static final int CAPACITY = 65_536;
    /** The shortest nap: what it adds to a row's latency at most, plus the kernel's timer slack (50 us by default). */
    static final long MIN_NAP_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** The longest nap, the most a busy app's rows wait for: about 1,000 wake-ups a second, 4% of a core here. */
    static final long MAX_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Rows found at one wake-up that mean a busy app. */
    static final int BUSY_BATCH = 16;
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
    /** The agent thread's next nap (its own field). */
    private long nap = MIN_NAP_NANOS;

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
        int taken = 0;
        while (running || !queue.isEmpty()) {
            Object item = queue.poll();
            if (item != null) {
                handle(item);
                taken++;
                continue;
            }
            nap = nextNap(nap, taken);
            taken = 0;
            if (!awaitItem()) {
                return;
            }
        }
    }

    /** The nap after a wake-up that found {@code taken} rows: longer while the app is busy, the shortest once it is not. */
    static long nextNap(long nap, int taken) {
        return taken >= BUSY_BATCH ? Math.min(nap * 2, MAX_NAP_NANOS) : MIN_NAP_NANOS;
    }

    /** Naps, then parks until an offer or a stop; false when interrupted. */
    private boolean awaitItem() {
        long idleSince = System.nanoTime();
        while (queue.isEmpty()) {
            if (System.nanoTime() - idleSince < NAP_UNTIL_NANOS) {
                LockSupport.parkNanos(this, nap);
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
