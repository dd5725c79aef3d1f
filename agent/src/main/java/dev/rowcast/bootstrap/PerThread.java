package dev.rowcast.bootstrap;

import java.util.function.Supplier;

/**
 * A value per thread, like a ThreadLocal, read first through a 64-slot array indexed by thread id.
 * The hooks ask for theirs several times per JDBC row, and an app thread's ThreadLocal map is often
 * crowded (frameworks make many and drop them unexpunged): its probing was 210 of the 480 JFR
 * samples the hooks cost a JDBC insert loop. A slot holds the last thread of its index to miss, and
 * names that thread, so it is only ever a shortcut to a thread's own value; threads of one index that
 * take turns fall back to the ThreadLocal. A dead thread's entry stays until its slot is taken again.
 */
public final class PerThread<T> {

    private static final int SLOTS = 64;

    private final ThreadLocal<Entry<T>> local;
    private final Entry<?>[] slots = new Entry<?>[SLOTS];

    public PerThread(Supplier<T> initial) {
        this.local = ThreadLocal.withInitial(() -> new Entry<>(initial.get()));
    }

    @SuppressWarnings("unchecked")
    public T get() {
        Thread thread = Thread.currentThread();
        int slot = (int) thread.getId() & (SLOTS - 1);
        Entry<?> entry = slots[slot];
        if (entry == null || entry.owner != thread) {
            entry = local.get();
            slots[slot] = entry; // a plain store: a reader sees this entry or an older one, and each names its owner
        }
        return (T) entry.value;
    }

    /** Made on its owner's thread; final fields, so another thread that reads the slot sees its owner. */
    private static final class Entry<T> {
        final Thread owner = Thread.currentThread();
        final T value;

        Entry(T value) {
            this.value = value;
        }
    }
}
