package dev.rowcast.agent.jdbc;

import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.RoomTemplate;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of each {@code table:} collection as this agent last published them, so that an UPDATE
 * or DELETE that names only the key still carries what its rooms need, and a delete the row as it
 * was. Nothing is read from the database: a row the agent never saw written (before it started,
 * by another process) is not known, and its update or delete carries what the statement says.
 *
 * <p>A remembered row is only as fresh as this agent's view of it, so an update takes only the
 * columns its room templates read and the statement does not set (a message's chat, a row's
 * owner), and the memory lets go of what it cannot follow: a write of several rows empties the
 * collection's, Hibernate's write of a row its entry, switching capture off all of it. Each
 * collection keeps its {@code capacity} most recently used rows. Used on the pipeline thread only.
 */
final class RowMemory {

    /** Rows per collection unless {@code -Drowcast.jdbc.rememberedRows} says otherwise; 0 remembers none. */
    static final int DEFAULT_CAPACITY = 10_000;

    private final int capacity;
    private final Map<CollectionConfig, Map<Object, Map<String, Object>>> rows = new HashMap<>();
    /** The top-level columns each collection's room templates read. */
    private final Map<CollectionConfig, List<String>> roomColumns = new HashMap<>();
    /** Set from any thread when capture stops; the pipeline then forgets everything before its next use. */
    private volatile boolean stale;

    RowMemory(int capacity) {
        this.capacity = capacity;
    }

    static RowMemory fromSystemProperties() {
        return new RowMemory(Integer.getInteger("rowcast.jdbc.rememberedRows", DEFAULT_CAPACITY));
    }

    /** Capture stopped: writes made meanwhile go unseen, so no remembered row can be trusted. Any thread. */
    void invalidate() {
        stale = true;
    }

    /** A row this collection published as created: remembered as written (the map itself, which no one changes). */
    void created(CollectionConfig rule, Object id, Map<String, Object> data) {
        if (capacity > 0 && id != null) {
            collection(rule).put(key(id), data);
        }
    }

    /**
     * An update's row with the room columns it lacks taken from the remembered row, which takes the
     * update's columns in turn. A write of several rows ({@code id} null) forgets the collection's rows.
     */
    Map<String, Object> updated(CollectionConfig rule, Object id, Map<String, Object> data) {
        if (capacity == 0) {
            return data;
        }
        if (id == null) {
            collection(rule).clear();
            return data;
        }
        Map<Object, Map<String, Object>> known = collection(rule);
        Object key = key(id);
        Map<String, Object> remembered = known.get(key);
        if (remembered == null) {
            return data;
        }
        Map<String, Object> now = new LinkedHashMap<>(remembered);
        now.putAll(data);
        known.put(key, now);
        Map<String, Object> filled = null;
        for (String column : roomColumns(rule)) {
            if (!data.containsKey(column) && remembered.containsKey(column)) {
                if (filled == null) {
                    filled = new LinkedHashMap<>(data);
                }
                filled.put(column, remembered.get(column));
            }
        }
        return filled == null ? data : filled;
    }

    /** A delete's row: the remembered row as it was, with the statement's own columns; forgotten. */
    Map<String, Object> deleted(CollectionConfig rule, Object id, Map<String, Object> data) {
        if (capacity == 0) {
            return data;
        }
        if (id == null) {
            collection(rule).clear();
            return data;
        }
        Map<String, Object> remembered = collection(rule).remove(key(id));
        if (remembered == null) {
            return data;
        }
        Map<String, Object> was = new LinkedHashMap<>(remembered);
        was.putAll(data);
        return was;
    }

    /** A row written otherwise (Hibernate, an upsert): its remembered columns may no longer hold. */
    void forget(CollectionConfig rule, Object id) {
        if (stale) {
            clear();
        }
        Map<Object, Map<String, Object>> known = rows.get(rule);
        if (known != null) {
            if (id == null) {
                known.clear();
            } else {
                known.remove(key(id));
            }
        }
    }

    int size() {
        int size = 0;
        for (Map<Object, Map<String, Object>> known : rows.values()) {
            size += known.size();
        }
        return size;
    }

    private Map<Object, Map<String, Object>> collection(CollectionConfig rule) {
        if (stale) {
            clear();
        }
        return rows.computeIfAbsent(rule, r -> new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Map<String, Object>> eldest) {
                return size() > capacity;
            }
        });
    }

    private void clear() {
        stale = false;
        rows.clear();
    }

    private List<String> roomColumns(CollectionConfig rule) {
        return roomColumns.computeIfAbsent(rule, r -> {
            List<String> columns = new ArrayList<>();
            for (RoomTemplate room : r.rooms()) {
                for (String path : room.properties()) {
                    String column = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
                    if (!columns.contains(column)) {
                        columns.add(column);
                    }
                }
            }
            return List.copyOf(columns);
        });
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
