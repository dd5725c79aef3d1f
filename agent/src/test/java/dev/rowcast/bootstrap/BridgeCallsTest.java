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
