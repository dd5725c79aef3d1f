package dev.rowcast.agent.jdbc;

import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.Operation;
import dev.rowcast.config.RoomTemplate;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What each {@code table:} collection needs to remember of the rows it published, so that an
 * UPDATE or DELETE that names only the key still carries what its rooms need, and a delete the row
 * as it was. Nothing is read from the database: a row the agent never saw written (before it
 * started, by another process) is not known, and its update or delete carries what the statement
 * says.
 *
 * <p>A collection that publishes deletes keeps its rows whole; one that does not keeps only the
 * columns its room templates read (a message's chat, a row's owner), and one whose rooms read no
 * column keeps nothing. A remembered row is only as fresh as this agent's view of it, so an update
 * takes only those room columns from it, and the memory lets go of what it cannot follow: a write
 * of several rows the columns it sets in the rows it may have met, Hibernate's write of a row its
 * entry in the tables Hibernate writes, switching capture off all of it. Each collection keeps at most the {@code capacity} rows it saw written last (a
 * row forgotten leaves its place empty until that many more are written), in a {@link RowRing}:
 * a room column's whole-number value leaves the collector nothing to copy. Used on the pipeline
 * thread only.
 */
final class RowMemory {

    /** Rows per collection unless {@code -Drowcast.jdbc.rememberedRows} says otherwise; 0 remembers none. */
    static final int DEFAULT_CAPACITY = 10_000;

    private final int capacity;
    /**
     * By identity: the config's collections are built once, and a record's hash reads every field
     * (its sets and lists included) on every row.
     */
    private final Map<CollectionConfig, Store> stores = new IdentityHashMap<>();
    /** Set from any thread when capture stops; the pipeline then forgets everything before its next use. */
    private volatile boolean stale;

    RowMemory(int capacity) {
        this.capacity = capacity;
    }

    static RowMemory fromSystemProperties() {
        return new RowMemory(Math.max(0, Integer.getInteger("rowcast.jdbc.rememberedRows", DEFAULT_CAPACITY)));
    }

    /** Capture stopped: writes made meanwhile go unseen, so no remembered row can be trusted. Any thread. */
    void invalidate() {
        stale = true;
    }

    /** A row this collection published as created. */
    void created(CollectionConfig rule, Object id, Map<String, Object> data) {
        Store store = store(rule);
        if (store != null && id != null) {
            store.rows.put(id, store.whole ? new Object[] {small(data)} : store.roomValues(data, null));
        }
    }

    /**
     * An update's row with the room columns it lacks taken from the remembered row, which takes the
     * update's columns in turn. With no id (a write of several rows), the row as it is: see
     * {@link #updatedMany}. An update that also set {@code unknown} columns to values it does not
     * show ({@code SET n = n + 1}): the remembered row lets go of those, and they are not taken from it.
     *
     * @param counted the write's count said it changed a row, so the row is there: one a delete of
     *                several rows may have taken is no longer in doubt (a count the driver did not
     *                give leaves it so)
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> updated(CollectionConfig rule, Object id, Map<String, Object> data, Collection<String> unknown,
                                boolean counted) {
        Store store = known(rule, id);
        if (store == null) {
            return data;
        }
        Object[] remembered = store.rows.get(id);
        if (remembered == null) {
            return data;
        }
        Object[] rooms;
        Object[] kept;
        if (store.whole) {
            Map<String, Object> now = new LinkedHashMap<>((Map<String, Object>) remembered[0]);
            now.putAll(data);
            now.keySet().removeAll(unknown);
            kept = new Object[] {small(now)};
            rooms = store.roomValues(now, null);
        } else {
            rooms = store.roomValues(data, remembered);
            for (int i = 0; i < rooms.length; i++) {
                if (unknown.contains(store.roomColumns[i])) {
                    rooms[i] = ABSENT;
                }
            }
            kept = rooms;
        }
        boolean doubted = !counted && !store.rows.certain(id);
        // SET id = ? moves the row to its new id; SET id = id + 100 to one not known
        Object newId = unknown.contains("id") ? null : data.containsKey("id") ? data.get("id") : id;
        if (newId == null || !key(newId).equals(key(id))) {
            store.rows.remove(id);
        }
        if (newId != null) {
            store.rows.put(newId, kept);
            if (doubted) {
                store.rows.doubt(newId);
            }
        }
        Map<String, Object> filled = null;
        for (int i = 0; i < store.roomColumns.length; i++) {
            String column = store.roomColumns[i];
            if (!data.containsKey(column) && rooms[i] != ABSENT) {
                if (filled == null) {
                    filled = new LinkedHashMap<>(data);
                }
                filled.put(column, rooms[i]);
            }
        }
        return filled == null ? data : filled;
    }

    /** A delete's row: the remembered row as it was, with the statement's own columns; forgotten. */
    @SuppressWarnings("unchecked")
    Map<String, Object> deleted(CollectionConfig rule, Object id, Map<String, Object> data) {
        Store store = known(rule, id);
        if (store == null) {
            return data;
        }
        Object[] remembered = store.rows.remove(id);
        if (remembered == null || !store.whole || !(remembered[0] instanceof Map<?, ?> row)) {
            return data;
        }
        Map<String, Object> was = new LinkedHashMap<>((Map<String, Object>) row);
        was.putAll(data);
        return was;
    }

    /**
     * The collection's store for a write of the row with this id; null when there is nothing to
     * look up: no store, or no id (a write of several rows goes to {@link #updatedMany} or
     * {@link #deletedMany}).
     */
    private Store known(CollectionConfig rule, Object id) {
        return id == null ? null : store(rule);
    }

    /**
     * An UPDATE of rows not known by their id ({@code WHERE chat = ?}, or a list of ids that changed
     * fewer rows than it holds). Which remembered rows it changed is not known, so each one it may
     * have changed lets go of the columns the write sets, and the rest of the memory holds: a later
     * update by id still finds its row's rooms, unless this write set a room column of that row.
     * A row whose remembered whole number differs from the WHERE's for that column is one it cannot
     * have changed. Setting {@code id} empties the collection's memory.
     *
     * @param where   the WHERE's equalities, which each changed row met
     * @param ids     the ids the changed rows are among ({@link #key} of each); null for any
     * @param changed the columns the SET names, whatever it sets them to
     */
    @SuppressWarnings("unchecked")
    void updatedMany(CollectionConfig rule, Map<String, Object> where, Set<Object> ids, Collection<String> changed) {
        Store store = store(rule);
        if (store == null) {
            return;
        }
        if (changed.contains("id")) {
            store.rows.clear();
            return;
        }
        Wanted wanted = store.wanted(where);
        RowRing rows = store.rows;
        if (store.whole) {
            rows.forEachSlot(slot -> {
                if (rows.cell(slot, 0) instanceof Map<?, ?> row && !Collections.disjoint(row.keySet(), changed)
                        && store.mayMeet(wanted, ids, slot)) {
                    Map<String, Object> now = new LinkedHashMap<>((Map<String, Object>) row);
                    now.keySet().removeAll(changed);
                    rows.setAt(slot, new Object[] {now});
                }
            });
            return;
        }
        List<Integer> cells = new ArrayList<>();
        for (int i = 0; i < store.roomColumns.length; i++) {
            if (changed.contains(store.roomColumns[i])) {
                cells.add(i);
            }
        }
        if (cells.isEmpty()) {
            return;
        }
        rows.forEachSlot(slot -> {
            if (store.mayMeet(wanted, ids, slot)) {
                Object[] now = new Object[store.roomColumns.length];
                for (int i = 0; i < now.length; i++) {
                    now[i] = cells.contains(i) ? ABSENT : rows.cell(slot, i);
                }
                rows.setAt(slot, now);
            }
        });
    }

    /**
     * A DELETE of rows not known by their id: each remembered row it may have deleted (as for
     * {@link #updatedMany}) is kept, for an update of it to find its rooms if it is still there, but
     * no longer counts as a row that exists ({@link #remembers}) until it is written again.
     */
    void deletedMany(CollectionConfig rule, Map<String, Object> where, Set<Object> ids) {
        Store store = store(rule);
        if (store != null) {
            Wanted wanted = store.wanted(where);
            RowRing rows = store.rows;
            rows.forEachSlot(slot -> {
                if (!rows.doubtedAt(slot) && store.mayMeet(wanted, ids, slot)) {
                    rows.doubtAt(slot);
                }
            });
        }
    }

    /**
     * Whether this collection remembers the row of this id, so that the row exists as far as the
     * agent saw: not one a delete of several rows may have taken.
     */
    boolean remembers(CollectionConfig rule, Object id) {
        Store store = store(rule);
        return store != null && id != null && store.rows.certain(id);
    }

    /** A row written otherwise (Hibernate, an upsert): its remembered columns may no longer hold. */
    void forget(CollectionConfig rule, Object id) {
        Store store = store(rule);
        if (store != null) {
            if (id == null) {
                store.rows.clear();
            } else {
                store.rows.remove(id);
            }
        }
    }

    /** A write no collection can place (SQL that could not be read): every remembered row is let go. */
    void forgetAll() {
        for (Store store : stores.values()) {
            store.rows.clear();
        }
    }

    /**
     * A row of this id written otherwise (by Hibernate, which reports it itself): its row is let go
     * in each collection whose table {@code written} says such a write may have changed.
     */
    void forgetWritten(Object id, Predicate<String> written) {
        if (id == null || stores.isEmpty()) {
            return;
        }
        for (Map.Entry<CollectionConfig, Store> entry : stores.entrySet()) {
            if (entry.getKey().table().map(written::test).orElse(true)) {
                entry.getValue().rows.remove(id);
            }
        }
    }

    /** The collection's store, null when it has nothing to remember. */
    private Store store(CollectionConfig rule) {
        if (stale) {
            stale = false;
            for (Store store : stores.values()) {
                store.rows.clear();
            }
        }
        if (capacity <= 0) {
            return null;
        }
        Store store = stores.get(rule);
        if (store == null) {
            String[] rooms = roomColumns(rule);
            boolean whole = rule.wants(Operation.DELETE);
            store = whole || rooms.length > 0 ? new Store(rooms, whole, capacity) : NOTHING;
            stores.put(rule, store);
        }
        return store == NOTHING ? null : store;
    }

    /** The store of a collection with nothing to remember. */
    private static final Store NOTHING = new Store(new String[0], false, 0);

    /** The top-level columns a collection's room templates read. */
    private static String[] roomColumns(CollectionConfig rule) {
        List<String> columns = new ArrayList<>();
        for (RoomTemplate room : rule.rooms()) {
            for (String column : room.columns()) {
                if (!columns.contains(column)) {
                    columns.add(column);
                }
            }
        }
        return columns.toArray(String[]::new);
    }

    /**
     * Longer text than this, arrays and JSON documents of more values than this, and bytes (an array
     * or document holding any of these too) are not kept: a delete's row goes without them.
     */
    static final int MAX_KEPT_CHARS = 1_000;

    /** The row without its bytes, long text and long arrays, which would make ten thousand rows a heap's worth. */
    static Map<String, Object> small(Map<String, Object> row) {
        boolean large = false;
        for (Object value : row.values()) {
            large |= large(value);
        }
        if (!large) {
            return row;
        }
        Map<String, Object> kept = new LinkedHashMap<>();
        row.forEach((column, value) -> {
            if (!large(value)) {
                kept.put(column, value);
            }
        });
        return kept;
    }

    private static boolean large(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map.size() > MAX_KEPT_CHARS || large(map.values());
        }
        if (value instanceof Collection<?> items) {
            if (items.size() > MAX_KEPT_CHARS) {
                return true;
            }
            for (Object item : items) {
                if (large(item)) {
                    return true;
                }
            }
            return false;
        }
        return value instanceof byte[] || value instanceof CharSequence text && text.length() > MAX_KEPT_CHARS;
    }

    /**
     * A WHERE's comparisons of columns to whole numbers, as one store reads them.
     *
     * @param cells for a store of room columns, each column's place among them (-1: not kept)
     */
    private record Wanted(String[] columns, long[] values, int[] cells) {}

    /** A room column's value the row does not have (null is a value: a room then does not resolve). */
    private static final Object ABSENT = new Object();

    /** One collection's rows: whole maps (one value each), or the values of its room columns. */
    private static final class Store {
        final String[] roomColumns;
        final boolean whole;
        final RowRing rows;

        Store(String[] roomColumns, boolean whole, int capacity) {
            this.roomColumns = roomColumns;
            this.whole = whole;
            this.rows = new RowRing(capacity, whole ? 1 : roomColumns.length);
        }

        /** The WHERE's comparisons to whole numbers, as this store reads them. */
        Wanted wanted(Map<String, Object> where) {
            List<String> columns = new ArrayList<>();
            List<Long> values = new ArrayList<>();
            for (Map.Entry<String, Object> condition : where.entrySet()) {
                if (key(condition.getValue()) instanceof Long number) {
                    columns.add(condition.getKey());
                    values.add(number);
                }
            }
            int[] cells = new int[columns.size()];
            for (int i = 0; i < cells.length; i++) {
                cells[i] = whole ? 0 : Arrays.asList(roomColumns).indexOf(columns.get(i));
            }
            return new Wanted(columns.toArray(String[]::new), values.stream().mapToLong(Long::longValue).toArray(), cells);
        }

        /**
         * Whether the row in this slot may be one that a write of several rows met: its id among
         * {@code ids}, and no column the WHERE compares to a whole number in which it remembers
         * another number, or NULL. Other values are not compared: a database may hold 'Ann' equal to
         * 'ann'. Makes no object for a row kept as whole numbers.
         */
        boolean mayMeet(Wanted wanted, Set<Object> ids, int slot) {
            if (ids != null && !rows.keyIn(slot, ids)) {
                return false;
            }
            for (int i = 0; i < wanted.columns.length; i++) {
                if (differs(wanted, i, slot)) {
                    return false;
                }
            }
            return true;
        }

        /** Whether the row in this slot remembers another whole number than the WHERE's (or NULL) in its column {@code i}. */
        private boolean differs(Wanted wanted, int i, int slot) {
            Object had;
            if (whole) {
                if (!(rows.cell(slot, 0) instanceof Map<?, ?> row) || !row.containsKey(wanted.columns[i])) {
                    return false;
                }
                had = row.get(wanted.columns[i]);
            } else {
                int cell = wanted.cells[i];
                if (cell < 0) {
                    return false;
                }
                if (rows.wholeAt(slot, cell)) {
                    return rows.longAt(slot, cell) != wanted.values[i];
                }
                had = rows.cell(slot, cell);
            }
            return had == null || had != ABSENT && key(had) instanceof Long number && number != wanted.values[i];
        }

        /** The room columns' values in {@code data}, else in {@code before} (ABSENT where neither has one). */
        Object[] roomValues(Map<String, Object> data, Object[] before) {
            Object[] values = new Object[roomColumns.length];
            for (int i = 0; i < values.length; i++) {
                String column = roomColumns[i];
                values[i] = data.containsKey(column) ? data.get(column) : before != null ? before[i] : ABSENT;
            }
            return values;
        }
    }

    /** An id as a map key: a whole number bound as int, long or a literal is one key. */
    static Object key(Object id) {
        if (id instanceof Integer || id instanceof Short || id instanceof Byte) {
            return ((Number) id).longValue();
        }
        if (id instanceof BigInteger big && big.bitLength() < 64) {
            return big.longValue();
        }
        if (id instanceof BigDecimal decimal) {
            try {
                return decimal.longValueExact();
            } catch (ArithmeticException e) {
                return decimal.stripTrailingZeros();
            }
        }
        return id;
    }
}
