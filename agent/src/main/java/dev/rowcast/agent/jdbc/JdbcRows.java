package dev.rowcast.agent.jdbc;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the rows of one JDBC write from its parsed shape and parameters. An UPDATE or DELETE
 * carries only what the statement itself says: its key (WHERE equalities) and, for an update, the
 * SET columns. The agent never reads the row back on the app's connection (see the README). An
 * insert also carries the key rows the app read back (generated keys, RETURNING) for it.
 */
final class JdbcRows {

    private JdbcRows() {}

    /**
     * @param rule the collection of the write's table, null when none is
     * @param keys the key rows of the write's execution, handed out row by row; null when it has none
     */
    static void build(CollectionConfig rule, SqlShape shape, PendingWrite write, KeyRows.Cursor keys, long ts,
                      List<CapturedRow> out) {
        if (shape.operation() == null) {
            return;
        }
        Operation operation = Operation.ofWireName(shape.operation());
        if (rule == null || !rule.wants(operation)) {
            if (keys != null && operation == Operation.CREATE) {
                // the next write of the same batch takes the key rows after these
                keys.skip(shape.rows().size());
            }
            return;
        }
        switch (shape.operation()) {
            case "create" -> {
                for (Map<String, Object> row : shape.rows()) {
                    Map<String, Object> key = keys == null ? null : keys.next();
                    Map<String, Object> data = withKey(resolve(row, write.params()), key);
                    Object id = !data.containsKey("id") && key != null && key.size() == 1 ? key.values().iterator().next() : idOf(data);
                    out.add(new CapturedRow(rule, Operation.CREATE, id, data, List.of(), "jdbc", ts));
                }
            }
            case "update" -> {
                Map<String, Object> key = resolve(shape.key(), write.params());
                Map<String, Object> set = resolve(shape.rows().get(0), write.params());
                Map<String, Object> data = new LinkedHashMap<>(key);
                data.putAll(set);
                out.add(new CapturedRow(rule, Operation.UPDATE, idOf(key), data, new ArrayList<>(shape.rows().get(0).keySet()), "jdbc", ts));
            }
            default -> {
                Map<String, Object> key = resolve(shape.key(), write.params());
                out.add(new CapturedRow(rule, Operation.DELETE, idOf(key), key, List.of(), "jdbc", ts));
            }
        }
    }

    private static Map<String, Object> resolve(Map<String, Object> columns, Object[] params) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : columns.entrySet()) {
            Object value = e.getValue();
            if (value instanceof SqlShape.Param p) {
                if (p.index() <= params.length) {
                    data.put(e.getKey(), params[p.index() - 1]);
                }
            } else if (value != SqlShape.UNKNOWN) {
                data.put(e.getKey(), value);
            }
        }
        return data;
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

    /** The key: a column named id, else the only key column. */
    private static Object idOf(Map<String, Object> columns) {
        if (columns.containsKey("id")) {
            return columns.get("id");
        }
        return columns.size() == 1 ? columns.values().iterator().next() : null;
    }
}
