package dev.rowcast.bootstrap;

import java.util.function.Supplier;

/**
 * A value per thread, like a ThreadLocal, read first through a 64-slot array indexed by thread id.
 * The hooks ask for theirs several times per JDBC row, and an app thread's ThreadLocal map is often
 * crowded (frameworks make many and drop them unexpunged): its probing was 210 of the 480 JFR
 * samples the hooks cost a JDBC insert loop. A slot holds the value of the last thread of its index
 * to miss, and each value names its thread, so a slot is only ever a shortcut to a thread's own
 * value; threads of one index that take turns fall back to the ThreadLocal. A dead thread's value
 * stays until its slot is taken again.
 *
 * <p>The slot holds the value itself, not an entry pointing to it: a hook that runs right after the
 * driver's own work finds these lines out of the core's first-level cache, and each object on the
 * way is one more miss.
 */
public final class PerThread<T extends PerThread.Owned> {

    private static final int SLOTS = 64;

    private final ThreadLocal<T> local;
    private final Owned[] slots = new Owned[SLOTS];

    public PerThread(Supplier<T> initial) {
        this.local = ThreadLocal.withInitial(initial);
    }

    @SuppressWarnings("unchecked")
    public T get() {
        Thread thread = Thread.currentThread();
        int slot = (int) thread.getId() & (SLOTS - 1);
        Owned value = slots[slot];
        if (value == null || value.owner != thread) {
            value = local.get();
            slots[slot] = value; // a plain store: a reader sees this value or an older one, and each names its owner
        }
        return (T) value;
    }

    /**
     * A per-thread value: made on its owner's thread (the ThreadLocal's initial value), and naming it
     * in a final field, so another thread that reads the slot sees the right owner.
     */
    public abstract static class Owned {
        final Thread owner = Thread.currentThread();
    }
}
