package dev.rowcast.agent.jdbc;

import java.util.Arrays;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * A bounded map from a row's id to a few values, first in first out, kept in arrays instead of an
 * object per entry. {@link RowMemory} writes one entry for every row an app inserts, and the young
 * collector copies whatever of it is alive at each collection: with a LinkedHashMap that was an
 * entry, a boxed key and an array per row, some 0.9 MB a collection at 10,000 rows, which made the
 * collector's pauses take 1-1.5% of an H2 insert loop's time against 0.3% without the memory. Here
 * a whole-number id (as {@link RowMemory#key} makes it) and an {@code Integer} or {@code Long}
 * value are kept as longs in primitive arrays, which hold no reference for the collector to follow;
 * other ids and values (text, UUIDs, a whole row's map) stay references. The arrays grow by doubling
 * up to the bound, and once old they are not copied again. Used on one thread.
 */
final class RowRing {

    private static final int FIRST_SLOTS = 256;
    private static final byte FREE = 0;
    private static final byte LONG_KEY = 1;
    private static final byte OBJECT_KEY = 2;
    private static final byte REF = 0;
    private static final byte INT = 1;
    private static final byte LONG = 2;

    private final int bound;
    private final int width;
    /** Per slot: FREE, or how its key is kept. */
    private byte[] keyKinds;
    /** Per slot: the entry's row may be gone (see {@link #doubt}). */
    private boolean[] doubted;
    private long[] longKeys;
    private Object[] objectKeys;
    /** Per slot, {@code width} cells each: how the value is kept, and the value as a long or a reference. */
    private byte[] kinds;
    private long[] longs;
    private Object[] refs;
    /** Open addressing with linear probing: slot + 1, 0 for none. A power of two, at least twice the slots. */
    private int[] index;
    private int shift;
    /** The slot written next; once the slots reach the bound it wraps, and the slot's old entry goes. */
    private int next;
    /** Slots below this may be in use (for a clear). */
    private int touched;

    /** @param bound the most entries kept, 0 for none; @param width the values of each entry */
    RowRing(int bound, int width) {
        if (bound < 0 || bound > 1 << 28 || width < 0) {
            throw new IllegalArgumentException("a row ring holds 0 to 2^28 entries of 0 or more values, not " + bound + " of " + width);
        }
        this.bound = bound;
        this.width = width;
        allocate(Math.min(bound, FIRST_SLOTS));
    }

    /** The values kept for this id (a new array), or null. */
    Object[] get(Object id) {
        int slot = find(RowMemory.key(id));
        return slot < 0 ? null : values(slot);
    }

    /** Keeps these values for this id: in its slot if it has one, else in the next, whose entry goes. */
    void put(Object id, Object[] values) {
        if (bound == 0) {
            return;
        }
        Object key = RowMemory.key(id);
        int slot = find(key);
        if (slot < 0) {
            slot = claim();
            if (key instanceof Long number) {
                keyKinds[slot] = LONG_KEY;
                longKeys[slot] = number;
            } else {
                keyKinds[slot] = OBJECT_KEY;
                objectKeys[slot] = key;
            }
            link(slot, hash(key));
        }
        doubted[slot] = false;
        write(slot, values);
    }

    private void write(int slot, Object[] values) {
        int base = slot * width;
        for (int i = 0; i < width; i++) {
            Object value = values[i];
            if (value instanceof Integer number) {
                kinds[base + i] = INT;
                longs[base + i] = number;
                refs[base + i] = null;
            } else if (value instanceof Long number) {
                kinds[base + i] = LONG;
                longs[base + i] = number;
                refs[base + i] = null;
            } else {
                kinds[base + i] = REF;
                refs[base + i] = value;
            }
        }
    }

    /** Whether this id is kept and not in doubt. */
    boolean certain(Object id) {
        int slot = find(RowMemory.key(id));
        return slot >= 0 && !doubted[slot];
    }

    /**
     * Hands each entry's slot to the visitor, in slot order, to read with {@link #keyIn},
     * {@link #cell} and {@link #doubtedAt}: a look over every entry that makes no object for any.
     */
    void forEachSlot(IntConsumer visitor) {
        for (int slot = 0; slot < touched; slot++) {
            if (keyKinds[slot] != FREE) {
                visitor.accept(slot);
            }
        }
    }

    /** Whether the key of the entry in this slot is among these keys (as {@link RowMemory#key} makes them). */
    boolean keyIn(int slot, Set<Object> keys) {
        return keys.contains(keyOf(slot));
    }

    /** Value {@code i} of the entry in this slot. */
    Object cell(int slot, int i) {
        int at = slot * width + i;
        return switch (kinds[at]) {
            case INT -> Integer.valueOf((int) longs[at]);
            case LONG -> Long.valueOf(longs[at]);
            default -> refs[at];
        };
    }

    /** Whether value {@code i} of the entry in this slot is kept as a whole number, {@link #longAt}. */
    boolean wholeAt(int slot, int i) {
        return kinds[slot * width + i] != REF;
    }

    long longAt(int slot, int i) {
        return longs[slot * width + i];
    }

    /** Whether the entry in this slot is in doubt: its row may be gone. It stays, for {@link #get}, until a {@link #put} of its id. */
    boolean doubtedAt(int slot) {
        return doubted[slot];
    }

    void doubtAt(int slot) {
        doubted[slot] = true;
    }

    /** Puts the entry of this id, if there is one, in doubt. */
    void doubt(Object id) {
        int slot = find(RowMemory.key(id));
        if (slot >= 0) {
            doubted[slot] = true;
        }
    }

    /** New values for the entry in this slot. */
    void setAt(int slot, Object[] values) {
        write(slot, values);
    }

    private Object keyOf(int slot) {
        return keyKinds[slot] == LONG_KEY ? (Object) longKeys[slot] : objectKeys[slot];
    }

    /** Forgets this id; returns what was kept for it, or null. */
    Object[] remove(Object id) {
        int slot = find(RowMemory.key(id));
        if (slot < 0) {
            return null;
        }
        Object[] values = values(slot);
        free(slot);
        return values;
    }

    /** Forgets every id. */
    void clear() {
        if (touched == 0) {
            return;
        }
        Arrays.fill(keyKinds, 0, touched, FREE);
        Arrays.fill(doubted, 0, touched, false);
        Arrays.fill(objectKeys, 0, touched, null);
        Arrays.fill(refs, 0, touched * width, null);
        Arrays.fill(index, 0);
        next = 0;
        touched = 0;
    }

    private Object[] values(int slot) {
        Object[] values = new Object[width];
        int base = slot * width;
        for (int i = 0; i < width; i++) {
            values[i] = switch (kinds[base + i]) {
                case INT -> Integer.valueOf((int) longs[base + i]);
                case LONG -> Long.valueOf(longs[base + i]);
                default -> refs[base + i];
            };
        }
        return values;
    }

    /** The slot of this key (as {@link RowMemory#key} makes it), or -1. */
    private int find(Object key) {
        int mask = index.length - 1;
        for (int at = hash(key) >>> shift; ; at = (at + 1) & mask) {
            int entry = index[at];
            if (entry == 0) {
                return -1;
            }
            if (holds(entry - 1, key)) {
                return entry - 1;
            }
        }
    }

    private boolean holds(int slot, Object key) {
        return key instanceof Long number
                ? keyKinds[slot] == LONG_KEY && longKeys[slot] == number
                : keyKinds[slot] == OBJECT_KEY && key.equals(objectKeys[slot]);
    }

    private static int hash(Object key) {
        return (key instanceof Long number ? Long.hashCode(number) : key.hashCode()) * 0x9E3779B9;
    }

    private int slotHash(int slot) {
        return keyKinds[slot] == LONG_KEY ? Long.hashCode(longKeys[slot]) * 0x9E3779B9 : hash(objectKeys[slot]);
    }

    private void link(int slot, int hash) {
        int mask = index.length - 1;
        int at = hash >>> shift;
        while (index[at] != 0) {
            at = (at + 1) & mask;
        }
        index[at] = slot + 1;
    }

    /** The slot for a new entry: the next one, after growing or wrapping; an entry still in it goes. */
    private int claim() {
        if (next == keyKinds.length) {
            if (keyKinds.length < bound) {
                grow();
            } else {
                next = 0;
            }
        }
        int slot = next++;
        touched = Math.max(touched, next);
        if (keyKinds[slot] != FREE) {
            free(slot);
        }
        return slot;
    }

    /** Takes the slot out of the index (shifting back the entries probed past it) and empties it. */
    private void free(int slot) {
        int mask = index.length - 1;
        int at = slotHash(slot) >>> shift;
        while (index[at] != slot + 1) {
            at = (at + 1) & mask;
        }
        int hole = at;
        for (int probe = (hole + 1) & mask; index[probe] != 0; probe = (probe + 1) & mask) {
            int home = slotHash(index[probe] - 1) >>> shift;
            // the entry at probe may move to the hole unless its home lies after the hole, up to probe (cyclically)
            if (((probe - home) & mask) >= ((probe - hole) & mask)) {
                index[hole] = index[probe];
                hole = probe;
            }
        }
        index[hole] = 0;
        keyKinds[slot] = FREE;
        doubted[slot] = false;
        objectKeys[slot] = null;
        Arrays.fill(refs, slot * width, slot * width + width, null);
    }

    private void allocate(int slots) {
        keyKinds = new byte[slots];
        doubted = new boolean[slots];
        longKeys = new long[slots];
        objectKeys = new Object[slots];
        kinds = new byte[slots * width];
        longs = new long[slots * width];
        refs = new Object[slots * width];
        int indexLength = Integer.highestOneBit(Math.max(2, slots) * 2 - 1) << 1;
        index = new int[indexLength];
        shift = 32 - Integer.numberOfTrailingZeros(indexLength);
    }

    private void grow() {
        byte[] oldKeyKinds = keyKinds;
        boolean[] oldDoubted = doubted;
        long[] oldLongKeys = longKeys;
        Object[] oldObjectKeys = objectKeys;
        byte[] oldKinds = kinds;
        long[] oldLongs = longs;
        Object[] oldRefs = refs;
        int used = oldKeyKinds.length;
        allocate(Math.min(bound, used * 2));
        System.arraycopy(oldKeyKinds, 0, keyKinds, 0, used);
        System.arraycopy(oldDoubted, 0, doubted, 0, used);
        System.arraycopy(oldLongKeys, 0, longKeys, 0, used);
        System.arraycopy(oldObjectKeys, 0, objectKeys, 0, used);
        System.arraycopy(oldKinds, 0, kinds, 0, used * width);
        System.arraycopy(oldLongs, 0, longs, 0, used * width);
        System.arraycopy(oldRefs, 0, refs, 0, used * width);
        for (int slot = 0; slot < used; slot++) {
            if (keyKinds[slot] != FREE) {
                link(slot, slotHash(slot));
            }
        }
    }
}
