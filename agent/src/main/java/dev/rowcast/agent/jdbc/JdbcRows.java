package dev.rowcast.agent.jdbc;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.Operation;
import dev.rowcast.config.RowcastConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the rows of one JDBC write from its parsed shape and parameters. An UPDATE or DELETE
 * carries only what the statement itself says: its key (WHERE equalities) and, for an update, the
 * SET columns. The agent never reads the row back on the app's connection (see the README).
 */
final class JdbcRows {

    private JdbcRows() {}

    static void build(RowcastConfig config, SqlShape shape, PendingWrite write, long ts, List<CapturedRow> out) {
        if (shape.operation() == null) {
            return;
        }
        Operation operation = Operation.ofWireName(shape.operation());
        CollectionConfig rule = config.forTable(shape.table()).orElse(null);
        if (rule == null || !rule.wants(operation)) {
            return;
        }
        switch (shape.operation()) {
            case "create" -> {
                for (Map<String, Object> row : shape.rows()) {
                    Map<String, Object> data = resolve(row, write.params());
                    out.add(new CapturedRow(rule, Operation.CREATE, idOf(data), data, List.of(), "jdbc", ts));
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

    /** The key: a column named id, else the only key column. */
    private static Object idOf(Map<String, Object> columns) {
        if (columns.containsKey("id")) {
            return columns.get("id");
        }
        return columns.size() == 1 ? columns.values().iterator().next() : null;
    }
}
