package dev.rowcast.agent.jdbc;

import dev.rowcast.agent.AgentLog;
import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.agent.capture.RowMap;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the rows of one JDBC write from its parsed shape and parameters. An UPDATE or DELETE
 * carries what the statement itself says, its key (WHERE equalities) and, for an update, the SET
 * columns, and what {@link RowMemory} knows of the row: an update the columns its rooms read, a
 * delete the row as it was. The agent never reads the row back on the app's connection (see the
 * README). An insert also carries the key rows the app read back (generated keys, RETURNING) for
 * it. Used on the pipeline thread only.
 */
final class JdbcRows {

    /**
     * A parameter the agent does not copy (a stream, a LOB, a driver's own object), by its class:
     * its column is left out of the row, as the value is unknown, rather than sent as null over the
     * real one, and the log says so once per collection and column.
     */
    record Unreadable(String type) {}

    /** The columns said in the log to be left out, as collection and column. */
    private final Set<String> leftOutSaid = new HashSet<>();

    /** As many plans as the parser keeps shapes: an app of ever-new SQL makes the parser drop its maps, and these with them. */
    private static final int MAX_PLANS = SqlParser.MAX_CACHED;

    private final RowMemory memory;

    /** Each parsed column list's plan, by identity: the parser's cache hands out the same maps for the same SQL. */
    private final Map<Map<String, Object>, Plan> plans = new IdentityHashMap<>();

    JdbcRows(RowMemory memory) {
        this.memory = memory;
    }

    /** A write of this collection's table that could not be read: none of its remembered rows can be trusted. */
    void unread(CollectionConfig rule) {
        if (rule != null) {
            memory.forget(rule, null);
        }
    }

    /**
     * @param rule the collection of the write's table, null when none is
     * @param operation the shape's operation, null when the statement writes no row
     * @param keys the key rows of the write's execution, handed out row by row; null when it has none
     */
    void build(CollectionConfig rule, Operation operation, SqlShape shape, PendingWrite write, KeyRows.Cursor keys,
                      List<CapturedRow> out) {
        if (operation == null) {
            return;
        }
        if (SqlShape.UPSERT.equals(shape.operation()) && write.updateCount() == 2 && shape.rows().size() == 1) {
            // MySQL's count for an upsert that updated the row it met (1: inserted, or met unchanged): an
            // update of that row, found by the inserted row's id, with what the upsert sets in it
            if (keys != null) {
                keys.skip(1);
            }
            if (rule != null && rule.wants(Operation.UPDATE)) {
                Map<String, Object> inserted = resolve(rule, shape.rows().get(0), write.params());
                Map<String, Object> data = new LinkedHashMap<>();
                if (inserted.containsKey("id")) {
                    data.put("id", inserted.get("id"));
                }
                data.putAll(resolve(rule, shape.updates(), write.params()));
                Object id = data.get("id");
                // the row it met may be another than this id's (another unique key): nothing is taken from memory
                memory.forget(rule, id);
                upsertMet(rule, shape);
                out.add(new CapturedRow(rule, Operation.UPDATE, id, data, plan(shape.updates()).columnNames, "jdbc"));
            } else if (rule != null) {
                memory.forget(rule, resolve(null, shape.rows().get(0), write.params()).get("id"));
                upsertMet(rule, shape);
            }
            return;
        }
        if (SqlShape.UPSERT.equals(shape.operation()) && rule != null && !shape.key().isEmpty()) {
            Object id = resolve(null, shape.key(), write.params()).get("id");
            if (memory.remembers(rule, id)) {
                // ON CONFLICT (id) DO UPDATE of a row the collection has seen written: it met that row
                if (keys != null) {
                    keys.skip(1);
                }
                if (rule.wants(Operation.UPDATE)) {
                    out.add(upsertUpdate(rule, shape, write, id));
                } else {
                    memory.forget(rule, id);
                }
                return;
            }
        }
        if (rule == null || !rule.wants(operation)) {
            if (keys != null && operation == Operation.CREATE) {
                // the next write of the same batch takes the key rows after these
                keys.skip(shape.rows().size());
            }
            if (rule != null && operation != Operation.CREATE) {
                // a change the collection does not publish: its remembered rows no longer hold
                for (Map<String, Object> key : keys(null, shape, write)) {
                    if (key.get("id") != null) {
                        memory.forget(rule, key.get("id"));
                    } else if (operation == Operation.UPDATE) {
                        memory.updatedMany(rule, key, listedIds(shape, write), plan(shape.rows().get(0)).columnNames);
                    } else {
                        memory.deletedMany(rule, key, listedIds(shape, write));
                    }
                }
            }
            return;
        }
        switch (operation) {
            case CREATE -> {
                for (Map<String, Object> row : shape.rows()) {
                    Map<String, Object> key = keys == null ? null : keys.next();
                    Map<String, Object> data = withKey(resolve(rule, row, write.params()), key);
                    // the id column, else the only generated key; never another column the statement sets
                    Object id = data.containsKey("id") ? data.get("id") : key != null && key.size() == 1 ? key.values().iterator().next() : null;
                    if (SqlShape.UPSERT.equals(shape.operation()) && !shape.key().isEmpty()) {
                        // inserted, or met the row of this id unseen: only what holds either way is remembered,
                        // the id and what the SET shows (a column it leaves may keep a value the agent never saw)
                        memory.created(rule, id, certain(rule, shape, write, id));
                    } else if (SqlShape.UPSERT.equals(shape.operation())
                            || write.updateCount() >= 0 && write.updateCount() < shape.rows().size()) {
                        // an upsert inserted, or met an existing row left as it was or set otherwise; an INSERT
                        // IGNORE or ON CONFLICT DO NOTHING wrote fewer rows than it lists: which ones is not known
                        memory.forget(rule, id);
                        if (SqlShape.UPSERT.equals(shape.operation())) {
                            upsertMet(rule, shape);
                        }
                    } else {
                        memory.created(rule, id, data);
                    }
                    out.add(new CapturedRow(rule, Operation.CREATE, id, data, List.of(), "jdbc"));
                }
            }
            case UPDATE -> {
                for (Map<String, Object> key : keys(rule, shape, write)) {
                    out.add(updated(rule, shape, write, key));
                }
            }
            default -> {
                for (Map<String, Object> key : keys(rule, shape, write)) {
                    // rows are known by their id column only: WHERE order_id = ? that deleted one row names no row
                    Object id = key.get("id");
                    if (id == null) {
                        memory.deletedMany(rule, key, listedIds(shape, write));
                    }
                    out.add(new CapturedRow(rule, Operation.DELETE, id, memory.deleted(rule, id, key), List.of(), "jdbc"));
                }
            }
        }
    }

    /** An UPDATE's row of this key. */
    private CapturedRow updated(CollectionConfig rule, SqlShape shape, PendingWrite write, Map<String, Object> key) {
        Map<String, Object> set = resolve(rule, shape.rows().get(0), write.params());
        Map<String, Object> data = new LinkedHashMap<>(key);
        data.putAll(set);
        List<String> changes = plan(shape.rows().get(0)).columnNames;
        // a column set to what the statement does not show (n = n + 1, LOWER(?), a stream) is left
        // out: WHERE n = ? and the memory hold its value from before the write
        List<String> unknown = null;
        for (String column : changes) {
            if (!set.containsKey(column)) {
                data.remove(column);
                unknown = unknown == null ? new ArrayList<>() : unknown;
                unknown.add(column);
            }
        }
        // rows are known by their id column only: a WHERE on another column (one row or several)
        // names none, as its value may be another row's id, and may have changed any of those it meets
        Object id = key.get("id");
        if (id == null) {
            memory.updatedMany(rule, key, listedIds(shape, write), changes);
        }
        return new CapturedRow(rule, Operation.UPDATE, id,
                memory.updated(rule, id, data, unknown == null ? List.of() : unknown, write.updateCount() > 0), changes, "jdbc");
    }

    /**
     * For a write by a list of ids that makes no row per id ({@link #keys}): its ids, as the memory
     * keys them, which the rows it changed are among; null for any other write, or a list not known.
     */
    private static Set<Object> listedIds(SqlShape shape, PendingWrite write) {
        if (!(shape.key().get("id") instanceof SqlShape.AnyOf any)) {
            return null;
        }
        List<Object> ids = ids(any, write.params());
        if (ids == null) {
            return null;
        }
        Set<Object> keys = new HashSet<>();
        for (Object id : ids) {
            keys.add(RowMemory.key(id));
        }
        return keys;
    }

    /**
     * The WHERE's key, a map a row. For {@code id IN (...)} or {@code id = ANY(?)}: one for each id
     * when the write changed as many rows as the list has ids (or did not say how many); else one
     * key without the id, a write of several rows, as a WHERE on another column is.
     */
    private List<Map<String, Object>> keys(CollectionConfig rule, SqlShape shape, PendingWrite write) {
        if (!(shape.key().get("id") instanceof SqlShape.AnyOf any)) {
            return List.of(resolve(rule, shape.key(), write.params()));
        }
        Map<String, Object> others = new LinkedHashMap<>(shape.key());
        others.remove("id");
        Map<String, Object> rest = resolve(rule, others, write.params());
        List<Object> ids = ids(any, write.params());
        if (ids == null || write.updateCount() >= 0 && write.updateCount() != ids.size()) {
            return List.of(rest);
        }
        List<Map<String, Object>> keys = new ArrayList<>(ids.size());
        for (Object id : ids) {
            Map<String, Object> key = new LinkedHashMap<>();
            key.put("id", id);
            key.putAll(rest);
            keys.add(key);
        }
        return keys;
    }

    /** The list's ids, each once, a bound array's elements for it; null when one is not known. */
    private static List<Object> ids(SqlShape.AnyOf any, Object[] params) {
        Set<Object> ids = new LinkedHashSet<>();
        for (Object item : any.items()) {
            Object value = item;
            if (item instanceof SqlShape.Param p) {
                if (p.index() > params.length) {
                    return null;
                }
                value = p.of(params[p.index() - 1]);
            }
            List<?> values = value instanceof List<?> list ? list : value instanceof Object[] array ? Arrays.asList(array) : null;
            for (Object id : values != null ? values : Collections.singletonList(value)) {
                if (id == null || id == SqlShape.UNKNOWN || id instanceof Unreadable || id instanceof List<?>) {
                    return null;
                }
                ids.add(id);
            }
        }
        return new ArrayList<>(ids);
    }

    /**
     * The columns with a value: each parameter the statement binds, each literal it names.
     *
     * @param rule the collection whose published row this is, for the log's line on a column left out; null for none
     */
    private Map<String, Object> resolve(CollectionConfig rule, Map<String, Object> columns, Object[] params) {
        Plan plan = plan(columns);
        if (plan.lastParam > params.length) {
            return resolveSlowly(rule, columns, params); // fewer parameters than the SQL names: only those set
        }
        Object[] values = new Object[plan.columns.length];
        boolean unreadable = false;
        for (int i = 0; i < values.length; i++) {
            int param = plan.params[i];
            values[i] = param == 0 ? plan.literals[i] : plan.casts[i] == null ? params[param - 1] : plan.casts[i].apply(params[param - 1]);
            if (values[i] instanceof DriverValues.JsonDocument json) {
                values[i] = json.parsed();
            }
            unreadable |= values[i] instanceof Unreadable;
        }
        return unreadable ? readable(rule, plan.columns, values) : new RowMap(plan.columns, values);
    }

    /**
     * An upsert that met the row of this id: an update of it with what the upsert sets, room columns
     * the SET lacks taken from the remembered row. A column set to what the statement does not show
     * ({@code n = t.n + 1}) is named in the changes and let go of, as an UPDATE's.
     */
    private CapturedRow upsertUpdate(CollectionConfig rule, SqlShape shape, PendingWrite write, Object id) {
        Map<String, Object> set = resolve(rule, shape.updates(), write.params());
        Map<String, Object> data = withId(id, set);
        List<String> changes = plan(shape.updates()).columnNames;
        List<String> unknown = changes.stream().filter(column -> !set.containsKey(column)).toList();
        return new CapturedRow(rule, Operation.UPDATE, id, memory.updated(rule, id, data, unknown, true), changes, "jdbc");
    }

    /**
     * An upsert whose conflict is not on the id may have met any row (by another unique key): each
     * remembered row lets go of what its SET sets, as after an UPDATE of rows not known by their id.
     */
    private void upsertMet(CollectionConfig rule, SqlShape shape) {
        if (!shape.updates().isEmpty()) {
            memory.updatedMany(rule, Map.of(), null, plan(shape.updates()).columnNames);
        }
    }

    /** What an upsert by id leaves in the row whether it inserted or updated: the id, and what its SET shows. */
    private Map<String, Object> certain(CollectionConfig rule, SqlShape shape, PendingWrite write, Object id) {
        return withId(id, resolve(rule, shape.updates(), write.params()));
    }

    private static Map<String, Object> withId(Object id, Map<String, Object> columns) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.putAll(columns);
        return row;
    }

    /** The columns whose value is known. */
    private Map<String, Object> readable(CollectionConfig rule, String[] columns, Object[] values) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < columns.length; i++) {
            if (values[i] instanceof Unreadable unreadable) {
                leftOut(rule, columns[i], unreadable);
            } else {
                data.put(columns[i], values[i]);
            }
        }
        return data;
    }

    private void leftOut(CollectionConfig rule, String column, Unreadable value) {
        if (rule != null && rule.fields().allows(column) && leftOutSaid.add(rule.slug() + "\0" + column)) {
            AgentLog.warn("collection " + rule.slug() + ": column " + column + " is left out of its rows' data: the app binds it"
                    + " as " + value.type() + ", which Rowcast does not copy into events (it copies text, numbers, booleans,"
                    + " dates, times, UUIDs, bytes up to " + JdbcCapture.MAX_BYTES + ", and arrays of up to " + ArrayParams.MAX_VALUES
                    + " of these); fields: { exclude: [" + column + "] } keeps it out without this line");
        }
    }

    private Plan plan(Map<String, Object> columns) {
        Plan plan = plans.get(columns);
        if (plan == null) {
            if (plans.size() >= MAX_PLANS) {
                plans.clear();
            }
            plan = new Plan(columns);
            plans.put(columns, plan);
        }
        return plan;
    }

    private Map<String, Object> resolveSlowly(CollectionConfig rule, Map<String, Object> columns, Object[] params) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : columns.entrySet()) {
            Object value = e.getValue();
            if (value instanceof SqlShape.Param p) {
                Object param = p.index() <= params.length ? p.of(params[p.index() - 1]) : null;
                if (param instanceof DriverValues.JsonDocument json) {
                    param = json.parsed();
                }
                if (param instanceof Unreadable unreadable) {
                    leftOut(rule, e.getKey(), unreadable);
                } else if (p.index() <= params.length) {
                    data.put(e.getKey(), param);
                }
            } else if (value != SqlShape.UNKNOWN) {
                data.put(e.getKey(), value);
            }
        }
        return data;
    }

    /**
     * A parsed column list made once into arrays: the columns with a known value, and for each the
     * 1-based parameter it takes (0: the literal beside it). A row is then one values array.
     */
    private static final class Plan {
        final String[] columns;
        final int[] params;
        final Object[] literals;
        /** For each column, the cast its parameter is read with when bound as text; null for none. */
        final TextCast[] casts;
        final int lastParam;
        /** Every column the statement sets, as an update's {@code changes}. */
        final List<String> columnNames;

        Plan(Map<String, Object> parsed) {
            List<String> names = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            for (Map.Entry<String, Object> e : parsed.entrySet()) {
                if (e.getValue() != SqlShape.UNKNOWN) {
                    names.add(e.getKey());
                    values.add(e.getValue());
                }
            }
            columns = new String[names.size()];
            for (int i = 0; i < columns.length; i++) {
                // interned, as "id" and the rules' property names are: a row map compares by identity first
                columns[i] = names.get(i).intern();
            }
            params = new int[columns.length];
            literals = new Object[columns.length];
            casts = new TextCast[columns.length];
            int last = 0;
            for (int i = 0; i < columns.length; i++) {
                if (values.get(i) instanceof SqlShape.Param p) {
                    params[i] = p.index();
                    casts[i] = p.cast();
                    last = Math.max(last, p.index());
                } else {
                    literals[i] = values.get(i);
                }
            }
            lastParam = last;
            columnNames = List.copyOf(parsed.keySet());
        }
    }

    /**
     * The statement's columns with the key row's added, in the key row's column order (for
     * RETURNING * the table's); where both have a column, the statement's value stands.
     */
    private static Map<String, Object> withKey(Map<String, Object> data, Map<String, Object> key) {
        if (key == null || key.isEmpty()) {
            return data;
        }
        Map<String, Object> merged = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : key.entrySet()) {
            merged.put(e.getKey(), data.containsKey(e.getKey()) ? data.get(e.getKey()) : e.getValue());
        }
        for (Map.Entry<String, Object> e : data.entrySet()) {
            merged.putIfAbsent(e.getKey(), e.getValue());
        }
        return merged;
    }
}
