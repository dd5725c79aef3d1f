package dev.rowcast.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hand-off: every offer arrives in order, whether the agent thread is busy, napping or asleep; a full queue drops. */
class PipelineTest {

    private final List<Object> handled = Collections.synchronizedList(new ArrayList<>());
    private final Metrics metrics = new Metrics();
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.stop(2_000);
        }
    }

    @Test
    void eachProducersItemsArriveInTheOrderOffered() throws Exception {
        pipeline = new Pipeline(handled::add, metrics);
        pipeline.start();
        int producers = 4;
        int each = 20_000;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    pipeline.offer(new long[] {producer, i});
                    if (i % 1_000 == 0) {
                        // gaps long enough for the agent thread to nap and to fall asleep
                        sleepMillis(i % 3_000 == 0 ? 5 : 0);
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == producers * each);
        long[] next = new long[producers];
        for (Object item : List.copyOf(handled)) {
            long[] pair = (long[]) item;
            assertThat(pair[1]).as("item of producer %d", pair[0]).isEqualTo(next[(int) pair[0]]);
            next[(int) pair[0]]++;
        }
        assertThat(metrics.dropped()).isZero();
    }

    @Test
    void anOfferWakesTheAgentThreadAfterALongIdleTime() throws Exception {
        // it would sleep an hour unless an offer wakes it: a lost wake-up fails the await
        pipeline = new Pipeline(handled::add, metrics, TimeUnit.HOURS.toNanos(1));
        pipeline.start();
        for (int k = 0; k < 5; k++) {
            Thread.sleep(50); // past the spin and the naps (1 ms): the agent thread sleeps
            pipeline.offer("row " + k);
            int expected = k + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> handled.size() == expected);
        }
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlockingTheApp() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        startHeldUntil(release);
        int offered = 70_000;
        for (int i = 0; i < offered; i++) {
            pipeline.offer(i);
        }
        long dropped = metrics.dropped();
        assertThat(dropped).isPositive();
        release.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == offered - dropped);
        // what got through kept its order
        int previous = -1;
        for (Object item : List.copyOf(handled)) {
            assertThat((Integer) item).isGreaterThan(previous);
            previous = (Integer) item;
        }
    }

    @Test
    void aWritingAppsRowsAreTakenInBiggerBatchesAndASteadyTricklesWithoutWaiting() {
        long nap = napsAt(2_000, Pipeline.MIN_NAP_NANOS);
        assertThat(nap).as("2,000 rows a second: a row waits 1 ms at most").isEqualTo(Pipeline.BRISK_NAP_NANOS);
        nap = napsAt(5_000, nap);
        assertThat(nap).as("5,000 rows a second: a row waits 4 ms at most").isEqualTo(Pipeline.BUSY_NAP_NANOS);
        nap = napsAt(20_000, nap);
        assertThat(nap).as("an app writing in bulk: the longest nap").isEqualTo(Pipeline.MAX_NAP_NANOS);
        nap = napsAt(5_000, nap);
        assertThat(nap).as("the app slowed down: back to 4 ms").isEqualTo(Pipeline.BUSY_NAP_NANOS);
        assertThat(napsAt(14_000, Pipeline.MAX_NAP_NANOS)).as("a bulk rate eased off a little: the longest nap is kept")
                .isEqualTo(Pipeline.MAX_NAP_NANOS);
        assertThat(napsAt(3_500, nap)).as("a rate just under 4,000 a second after a faster one: the 4 ms nap is kept, not flipped")
                .isEqualTo(Pipeline.BUSY_NAP_NANOS);
        assertThat(napsAt(3_500, Pipeline.BRISK_NAP_NANOS)).as("the same rate from 1 ms naps: they stay 1 ms")
                .isEqualTo(Pipeline.BRISK_NAP_NANOS);
        assertThat(napsAt(2_500, nap)).as("slower still: back to 1 ms, the long nap is not kept").isEqualTo(Pipeline.BRISK_NAP_NANOS);
        assertThat(Pipeline.nextNap(Pipeline.MIN_NAP_NANOS, 2))
                .as("two rows at once in the shortest nap: it doubles, it does not jump to the longest")
                .isEqualTo(2 * Pipeline.MIN_NAP_NANOS);
        for (int wakeUp = 0; wakeUp < 10; wakeUp++) {
            nap = Pipeline.nextNap(nap, 1);
        }
        assertThat(nap).as("one row a nap, a steady trickle: the nap shrinks so the rows do not wait for it")
                .isEqualTo(Pipeline.MIN_NAP_NANOS);
    }

    /** The nap reached after ten wake-ups of an app writing {@code rowsPerSecond} steadily (two rows a nap at least), from {@code nap}. */
    private static long napsAt(long rowsPerSecond, long nap) {
        for (int wakeUp = 0; wakeUp < 10; wakeUp++) {
            int found = (int) Math.max(2, rowsPerSecond * nap / 1_000_000_000L);
            nap = Pipeline.nextNap(nap, found);
        }
        return nap;
    }

    @Test
    void afterAPauseTheNapFollowsHowLongTheAgentSlept() {
        assertThat(Pipeline.firstNap(TimeUnit.MILLISECONDS.toNanos(5)))
                .as("a row 5 ms after the last: no nap, the agent thread sleeps again once the row is handled").isZero();
        assertThat(Pipeline.firstNap(TimeUnit.MICROSECONDS.toNanos(200)))
                .as("a row 200 us after the last (5,000 a second): nap 1 ms, so the app need not wake the agent for each row")
                .isEqualTo(Pipeline.BRISK_NAP_NANOS);
    }

    @Test
    void stopDeliversWhatIsQueued() {
        CountDownLatch release = new CountDownLatch(1);
        startHeldUntil(release);
        for (int i = 0; i < 1_000; i++) {
            pipeline.offer(i);
        }
        release.countDown();
        pipeline.stop(10_000);
        assertThat(handled).hasSize(1_000);
    }

    /** Starts a pipeline whose agent thread holds its first item until {@code release} opens, so the queue fills. */
    private void startHeldUntil(CountDownLatch release) {
        pipeline = new Pipeline(item -> {
            awaitQuietly(release);
            handled.add(item);
        }, metrics);
        pipeline.start();
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
