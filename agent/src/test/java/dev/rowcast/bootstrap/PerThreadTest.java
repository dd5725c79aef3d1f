package dev.rowcast.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Each thread gets its own value, always the same one, also when another thread shares its slot. */
class PerThreadTest {

    static final class Value extends PerThread.Owned {
    }

    private final PerThread<Value> perThread = new PerThread<>(Value::new);

    @Test
    void eachThreadKeepsItsOwnValue() throws Exception {
        Set<Value> seen = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        AtomicReference<String> wrong = new AtomicReference<>();
        CyclicBarrier start = new CyclicBarrier(8);
        for (int k = 0; k < 8; k++) {
            threads.add(new Thread(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    wrong.set("barrier: " + e);
                    return;
                }
                Value mine = perThread.get();
                seen.add(mine);
                for (int i = 0; i < 100_000; i++) {
                    if (perThread.get() != mine) {
                        wrong.set(Thread.currentThread().getName() + " got another value at call " + i);
                        return;
                    }
                }
            }));
        }
        runAll(threads);
        assertThat(wrong.get()).isNull();
        assertThat(seen).hasSize(8);
        assertThat(perThread.get()).isSameAs(perThread.get()).isNotIn(seen);
    }

    /** Two threads whose ids fall in one slot take turns in it: each still only ever sees its own value. */
    @Test
    void threadsSharingASlotEachGetTheirOwn() throws Exception {
        AtomicReference<String> wrong = new AtomicReference<>();
        Set<Value> seen = ConcurrentHashMap.newKeySet();
        CyclicBarrier turn = new CyclicBarrier(2);
        Runnable alternate = () -> {
            try {
                Value mine = perThread.get();
                seen.add(mine);
                for (int i = 0; i < 2_000; i++) {
                    turn.await(10, TimeUnit.SECONDS); // both ask at once, turn after turn, and take the slot from each other
                    if (perThread.get() != mine) {
                        wrong.set(Thread.currentThread().getName() + " got another value at turn " + i);
                    }
                }
            } catch (Exception e) {
                wrong.set(e.toString());
            }
        };
        Thread first = new Thread(alternate, "first");
        Thread second = new Thread(alternate, "second");
        // thread ids are given at construction: make threads until one lands in the first one's slot
        while ((second.getId() - first.getId()) % PerThread.SLOTS != 0) {
            second = new Thread(alternate, "second");
        }
        runAll(List.of(first, second));
        assertThat(wrong.get()).isNull();
        assertThat(seen).hasSize(2);
    }

    private static void runAll(List<Thread> threads) throws InterruptedException {
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
        }
    }
}
