package dev.rowcast.agent.route;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.FieldFilter;
import dev.rowcast.config.Operation;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A captured row → the event {@code realtime:{slug}} (SPEC §4) for the rooms its rules compute. */
public final class Router {

    /** {@link Operation#wireName()} of each operation, made once rather than lower-cased for every row. */
    private static final String[] WIRE_NAMES = Arrays.stream(Operation.values()).map(Operation::wireName).toArray(String[]::new);

    public Delivery route(CapturedRow row) {
        CollectionConfig rule = row.rule();
        // rooms read the whole row; the fields filter only shapes what clients see
        List<String> rooms = rule.roomsFor(row.data());
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("operation", WIRE_NAMES[row.operation().ordinal()]);
        envelope.put("collection", rule.slug());
        envelope.put("data", visibleData(rule.fields(), row.data()));
        envelope.put("id", PlainValues.of(row.id()));
        if (row.operation() == Operation.UPDATE) {
            envelope.put("changes", row.changes());
        }
        envelope.put("ts", row.ts());
        return new Delivery(rule.eventName(), rooms, rooms.isEmpty() && rule.broadcast(), envelope);
    }

    /** {@code PlainValues.of(fields.apply(data))} in one map: this runs for every row. */
    private static Map<String, Object> visibleData(FieldFilter fields, Map<String, Object> data) {
        Map<String, Object> visible = new LinkedHashMap<>(Math.max(4, data.size() * 4 / 3 + 1));
        for (Map.Entry<String, Object> field : data.entrySet()) {
            if (fields.allows(field.getKey())) {
                visible.put(field.getKey(), PlainValues.of(field.getValue()));
            }
        }
        return visible;
    }
}
