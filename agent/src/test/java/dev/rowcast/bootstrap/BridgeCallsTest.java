package dev.rowcast.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Nested execute calls (a pool's around the driver's) see one write: the outer call finds what the
 * call inside it recorded. Each case runs on a thread of its own, whose calls start at none.
 */
class BridgeCallsTest {

    @Test
    void theOuterCallFindsTheWriteRecordedInsideIt() throws Exception {
        onNewThread(() -> {
            int outer = Bridge.executeEnter();
            Bridge.executeEnter();
            Object write = new Object();
            Bridge.executeExit(); // the driver's call leaves, then records
            Bridge.recorded(write);
            assertThat(Bridge.nestedRecord(outer)).isSameAs(write);
            Bridge.executeExit();
        });
    }

    @Test
    void aCallFindsNothingWhenNoCallInsideItRecorded() throws Exception {
        onNewThread(() -> {
            int first = Bridge.executeEnter();
            Bridge.executeEnter();
            Bridge.executeExit();
            Bridge.recorded(new Object());
            Bridge.executeExit();
            assertThat(Bridge.nestedRecord(first)).isNotNull();

            int second = Bridge.executeEnter();
            Bridge.executeExit();
            assertThat(Bridge.nestedRecord(second)).isNull();
        });
    }

    @Test
    void anExitWithoutItsEntryDoesNotHideALaterNestedWrite() throws Exception {
        onNewThread(() -> {
            // an entry that failed (its advice suppresses what it throws) still runs its exit
            Bridge.executeExit();
            int outer = Bridge.executeEnter();
            Bridge.executeEnter();
            Object write = new Object();
            Bridge.executeExit();
            Bridge.recorded(write);
            assertThat(Bridge.nestedRecord(outer)).isSameAs(write);
            Bridge.executeExit();
        });
    }

    /**
     * A query of the last generated key sees its insert as the thread's last execution only when
     * nothing began between them: through a pool's wrapper too, but not after another statement,
     * nor for a write that a later one (on another connection) followed.
     */
    @Test
    void onlyTheQueryRightAfterAWriteRanSinceIt() throws Exception {
        onNewThread(() -> {
            int insert = insertThroughAPool();
            assertThat(queryThroughAPool(insert)).isTrue();
            // the same query again: it began after the first
            assertThat(queryThroughAPool(insert)).isFalse();

            int first = insertThroughAPool();
            Bridge.executeEnter(); // a statement the agent does not record, an insert into another table
            Bridge.executeExit();
            assertThat(queryThroughAPool(first)).isFalse();

            int earlier = insertThroughAPool();
            int later = insertThroughAPool();
            assertThat(queryThroughAPool(earlier)).isFalse();
            assertThat(later).isGreaterThan(earlier);
            assertThat(Bridge.onlyThisRanSince(-1)).isFalse();
        });
    }

    /** A write recorded by the driver's execute call inside a pool's; returns its number. */
    private static int insertThroughAPool() {
        Bridge.executeEnter();
        Bridge.executeEnter();
        Bridge.executeExit();
        int number = Bridge.recorded(new Object());
        Bridge.executeExit();
        return number;
    }

    /** A query run through a pool's call, asked at the driver's exit as the agent asks it. */
    private static boolean queryThroughAPool(int record) {
        Bridge.executeEnter();
        Bridge.executeEnter();
        Bridge.executeExit();
        boolean alone = Bridge.onlyThisRanSince(record);
        Bridge.executeExit();
        return alone;
    }

    private static void onNewThread(Runnable body) throws Exception {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        thread.start();
        thread.join(10_000);
        assertThat(thread.isAlive()).isFalse();
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
    }
}
