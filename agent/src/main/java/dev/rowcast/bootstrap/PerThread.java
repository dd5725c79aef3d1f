package dev.rowcast.bootstrap;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A value per thread, like a ThreadLocal, read first through a 1,024-slot array indexed by thread
 * id. The hooks ask for theirs several times per JDBC row, and an app thread's ThreadLocal map is
 * often crowded (frameworks make many and drop them unexpunged): its probing was 210 of the 480 JFR
 * samples the hooks cost a JDBC insert loop. A slot holds the value of the last thread of its index
 * to miss, and each value names its thread, so a slot is only ever a shortcut to a thread's own
 * value; threads of one index that take turns fall back to the ThreadLocal. A dead thread's value
 * stays until its slot is taken again.
 *
 * <p>The slot holds the value itself, not an entry pointing to it: a hook that runs right after the
 * driver's own work finds these lines out of the core's first-level cache, and each object on the
 * way is one more miss.
 *
 * <p>1,024 slots, so that the threads of a pool, whose ids are near each other, each have their
 * own. Two threads sharing a slot miss on every call, in hooks whose compiled code had never met a
 * miss (a thread misses only on its first call): with 64 slots, the capture benchmark, which starts
 * its four inserting threads anew for each window, met that 89 s into each JVM. The JIT's log then
 * had 8-24 traps within half a second in hooks no thread calls first, each deoptimising the driver's
 * or Hibernate's method the hook is inlined in, and C2 spent 1.1-1.5 s compiling them again. With
 * 1,024 slots the log has none.
 */
public final class PerThread<T extends PerThread.Owned> {

    static final int SLOTS = 1024;
    /** Fills the empty slots: it names no thread, so it is no thread's. */
    private static final Owned VACANT = new Owned(null);

    private final ThreadLocal<T> local;
    private final Owned[] slots = new Owned[SLOTS];

    public PerThread(Supplier<T> initial) {
        this.local = ThreadLocal.withInitial(initial);
        Arrays.fill(slots, VACANT);
    }

    @SuppressWarnings("unchecked")
    public T get() {
        Thread thread = Thread.currentThread();
        int slot = (int) thread.getId() & (SLOTS - 1);
        Owned value = slots[slot];
        // an empty slot holds VACANT: one test for it and for another thread's
        if (value.owner != thread) {
            value = local.get();
            slots[slot] = value; // a plain store: a reader sees this value or an older one, and each names its owner
        }
        return (T) value;
    }

    /**
     * A per-thread value: made on its owner's thread (the ThreadLocal's initial value), and naming it
     * in a final field, so another thread that reads the slot sees the right owner.
     */
    public static class Owned {
        final Thread owner;

        protected Owned() {
            this.owner = Thread.currentThread();
        }

        private Owned(Thread owner) {
            this.owner = owner;
        }
    }
}
