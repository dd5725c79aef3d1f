package dev.rowcast.agent.capture;

import dev.rowcast.agent.AgentLog;
import io.netty.util.internal.shaded.org.jctools.queues.atomic.MpscChunkedAtomicArrayQueue;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The hand-off between the app's threads and the agent: the app thread only offers to a bounded
 * lock-free queue (never blocks; a full queue drops and counts), one agent thread drains it in
 * order, so the order of rows within a transaction and within a room is the commit order.
 *
 * <p>The app thread wakes the agent thread only when it sleeps. A wake-up costs the agent thread
 * about 35-45 us of CPU on a 2-core virtual machine (a timer or a futex, two context switches), an
 * unpark costs the app's thread about 15 us, and a busy core beside the app's slows the app's own
 * thread (a shell loop on the other core cost an H2 insert loop 30% of its rate), so the agent thread
 * wakes as seldom as latency allows:
 * <ul>
 *   <li>after a wake-up that found rows it naps, doubling the nap from {@link #MIN_NAP_NANOS} up to
 *       {@link #BRISK_NAP_NANOS} while each nap finds two rows or more (up to {@link #BUSY_NAP_NANOS}
 *       while rows come at 4,000 a second or more, and to {@link #MAX_NAP_NANOS} at 16,000), halving
 *       it while each finds one; a long nap is kept while the rate stays above three quarters of
 *       the one that reached it;</li>
 *   <li>a nap that found nothing means the app paused: the agent thread sleeps until the next offer
 *       wakes it. The first row after the pause costs the app one unpark;</li>
 *   <li>a sleep shorter than {@link #SHORT_SLEEP_NANOS} means rows come faster than about 2,000 a second:
 *       the next nap is {@link #BRISK_NAP_NANOS}, so they are taken some 1,000 times a second without
 *       the app waking anyone. A nap shorter than the gap between rows would find none at every
 *       other wake-up, and the agent thread would wake several times a row;</li>
 *   <li>a longer sleep means rows come slower than that: once they are handled the agent thread
 *       sleeps again, without a nap. A 100 us nap there found nothing almost every time: at 1,000
 *       rows a second it was one of two wake-ups per row, and without it the agent thread used
 *       49-61 ms of CPU a second instead of 72-77 (four runs each).</li>
 * </ul>
 * So it wakes about once per row while rows come slower than that, about 1,000 times a second up
 * to 4,000 rows a second, 250 times from there and 125 times from 16,000: a row waits at most 1, 4
 * and 8 ms. It never spins: polling the queue while the app fills it moves the queue's cache
 * lines between the cores on every row.
 */
public final class Pipeline {

    private static final int CAPACITY = 65_536;
    /** The queue's chunk, in slots: a new one every 128 rows costs the app's thread 4 bytes a row. */
    private static final int CHUNK = 128;
    /** The first nap after a wake-up that found rows, plus the kernel's timer slack (50 us by default). */
    static final long MIN_NAP_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** The longest nap while rows come slower than 4,000 a second: about 1,000 wake-ups a second, 4% of a core here. */
    static final long BRISK_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /**
     * The longest nap while rows come at {@link #BUSY_ROWS_PER_MILLI} or more: they wait up to 4 ms,
     * and the agent wakes 250 times a second instead of 1,000. On PostgreSQL, on cores the
     * database's backends share, the wake-ups were most of the pipeline's CPU: at 5,000 rows/s
     * 3.8-5.2 us per Hibernate row with 1 ms naps; at 8,000-10,000 rows/s 1.8-2.4 us per JDBC row with
     * 2 ms naps, 0.8-1.4 us with these.
     */
    static final long BUSY_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(4);
    /** Rows per millisecond of a nap (4,000 rows/s) that make the next nap {@link #BUSY_NAP_NANOS} at most. */
    static final long BUSY_ROWS_PER_MILLI = 4;
    /** The longest nap of all, for an app writing in bulk: its rows wait up to this long, and the agent wakes 125 times a second. */
    static final long MAX_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(8);
    /** Rows per millisecond of a nap (16,000 rows/s) that make the next nap {@link #MAX_NAP_NANOS} at most. */
    static final long BULK_ROWS_PER_MILLI = 16;
    /** A sleep shorter than this means rows come faster than about 2,000 a second: nap {@link #BRISK_NAP_NANOS} next. */
    static final long SHORT_SLEEP_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    /** A parked agent thread still looks now and then (a stop, a missed wake-up cannot hang it). */
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /**
     * JCTools' multi-producer queue, the copy inside Netty, in its form without sun.misc.Unsafe:
     * Netty's own factory would first run its platform checks (some 80 classes, with its logging),
     * while the app is starting. In chunks of {@link #CHUNK} slots, a new one whenever the rows
     * waiting outgrow the current one, as they do within a nap from some 16,000 rows a second: the
     * app's thread then stores each row into a young array. A single array of all the slots lives
     * long, and every store of a new row into an old array takes G1's slow write barrier (a
     * {@code StoreLoad} fence) on the app's thread.
     */
    private final Queue<Object> queue = new MpscChunkedAtomicArrayQueue<>(CHUNK, CAPACITY);
    private final Consumer<Object> consumer;
    private final Metrics metrics;
    private final Thread thread;
    private final long parkNanos;
    private volatile boolean running = true;
    /** The agent thread is parked or about to be: the next offer unparks it. */
    private volatile boolean sleeping;
    /** The first nap after a sleep that an offer ended, 0 for none (its own field). */
    private long nap = MIN_NAP_NANOS;
    /** The nap the agent thread slept last; 0 when its last sleep was one that an offer ended. Its own field. */
    private long napped;

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
        if (!queue.offer(item)) {
            // a row that gets in is counted where it is routed, off the app's thread
            if (item instanceof CapturedRow) {
                metrics.captured.increment();
            }
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
            if (!awaitItem(taken)) {
                return;
            }
            taken = 0;
        }
    }

    /**
     * The nap after a {@code nap} that found {@code taken} (one or more) rows: twice as long when
     * rows came faster than one a nap, up to the longest their rate allows; half as long when one
     * came (a nap that always finds the next row would otherwise stay long and make every row of a
     * steady 1,000 a second wait for it). The rate, not the count, picks the longest: a count would
     * keep a long nap once reached, down to a quarter of the rate that reached it. A long nap is kept
     * down to three quarters of that rate, no lower: a rate near a threshold would otherwise flip
     * the nap between 1 and 4 ms every few wake-ups (4,000 rows a second did so on PostgreSQL).
     */
    static long nextNap(long nap, int taken) {
        if (taken == 1) {
            return Math.max(nap / 2, MIN_NAP_NANOS);
        }
        long quarterRowsPerMilli = taken * 4_000_000L / nap;
        long bulkFrom = (nap > BUSY_NAP_NANOS ? 3 : 4) * BULK_ROWS_PER_MILLI;
        long busyFrom = (nap > BRISK_NAP_NANOS ? 3 : 4) * BUSY_ROWS_PER_MILLI;
        long longest = quarterRowsPerMilli >= bulkFrom ? MAX_NAP_NANOS
                : quarterRowsPerMilli >= busyFrom ? BUSY_NAP_NANOS : BRISK_NAP_NANOS;
        return Math.min(nap * 2, longest);
    }

    /**
     * Naps after a wake-up that found rows, unless the sleep before it says rows come slower than
     * a nap could gather; after one that found none, sleeps until an offer (or a stop) wakes it.
     * False when interrupted.
     */
    private boolean awaitItem(int taken) {
        // the rows came during the last nap: their rate over it sets the next (after a sleep, the first nap was set when it ended)
        long napNow = taken == 0 ? 0 : napped > 0 ? nextNap(napped, taken) : nap;
        if (napNow > 0) {
            napped = napNow;
            LockSupport.parkNanos(this, napNow);
        } else {
            long from = System.nanoTime();
            sleeping = true;
            if (queue.isEmpty() && running) {
                LockSupport.parkNanos(this, parkNanos);
            }
            sleeping = false;
            nap = firstNap(System.nanoTime() - from);
            napped = 0;
        }
        return !Thread.interrupted();
    }

    /**
     * The nap after a sleep of {@code slept} nanoseconds that an offer ended: 1 ms after a short
     * one, none after a long one (the agent thread sleeps again once the rows are handled).
     */
    static long firstNap(long slept) {
        return slept < SHORT_SLEEP_NANOS ? BRISK_NAP_NANOS : 0;
    }

    private void handle(Object item) {
        try {
            consumer.accept(item);
        } catch (Throwable t) {
            metrics.routedDropped.increment();
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
