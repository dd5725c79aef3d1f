package dev.rowcast.agent.capture;

import dev.rowcast.agent.AgentLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The hand-off between the app's threads and the agent: the app thread only offers to a bounded
 * queue (never blocks; a full queue drops and counts), one agent thread drains it in order, so
 * the order of rows within a transaction and within a room is the commit order.
 */
public final class Pipeline {

    private static final int CAPACITY = 65_536;

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Consumer<Object> consumer;
    private final Metrics metrics;
    private final Thread thread;
    private volatile boolean running = true;

    /** @param consumer handles a {@link CapturedRow} or any other queued item, on the agent thread */
    public Pipeline(Consumer<Object> consumer, Metrics metrics) {
        this.consumer = consumer;
        this.metrics = metrics;
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
        }
    }

    private void drain() {
        List<Object> batch = new ArrayList<>(256);
        while (running || !queue.isEmpty()) {
            try {
                Object first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 255);
                for (Object item : batch) {
                    handle(item);
                }
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
