package dev.rowcast.agent.route;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.FieldFilter;
import dev.rowcast.config.Operation;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A captured row → the event {@code realtime:{slug}} (SPEC §4) for the rooms its rules compute.
 * Used on one thread (the pipeline's).
 */
public final class Router {

    /**
     * Each collection's event name, made once: the pipeline routes hundreds of thousands of rows a
     * second. By identity, as the config's collections are built once: a record's hash reads every field.
     */
    private final Map<CollectionConfig, String> eventNames = new IdentityHashMap<>();

    /**
     * The rooms now; the envelope only when an outlet asks for it, so a row for rooms nobody is in
     * costs its room names and nothing more.
     *
     * @param ts the event's {@code ts}: when the pipeline took the committed row, epoch millis
     */
    public Delivery route(CapturedRow row, long ts) {
        CollectionConfig rule = row.rule();
        // rooms read the whole row; the fields filter only shapes what clients see
        List<String> rooms = rule.roomsFor(row.data());
        return new RowDelivery(eventNames.computeIfAbsent(rule, CollectionConfig::eventName), rooms,
                rooms.isEmpty() && rule.broadcast(), row, ts);
    }

    /** A row's event, its envelope made from the row itself: no object beside it holds what the envelope needs. */
    private static final class RowDelivery extends Delivery {
        private final CapturedRow row;
        private final long ts;

        RowDelivery(String event, List<String> rooms, boolean broadcast, CapturedRow row, long ts) {
            super(event, rooms, broadcast);
            this.row = row;
            this.ts = ts;
        }

        @Override
        Object makePayload() {
            return envelope(row.rule(), row, ts);
        }
    }

    private static Map<String, Object> envelope(CollectionConfig rule, CapturedRow row, long ts) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("operation", row.operation().wireName());
        envelope.put("collection", rule.slug());
        envelope.put("data", visibleData(rule.fields(), row.data()));
        envelope.put("id", PlainValues.of(row.id()));
        if (row.operation() == Operation.UPDATE) {
            envelope.put("changes", visibleChanges(rule.fields(), row.changes()));
        }
        envelope.put("ts", ts);
        return envelope;
    }

    /** The changed names a client may see: a field {@code fields} keeps out of data must not show that it changed. */
    private static List<String> visibleChanges(FieldFilter fields, List<String> changes) {
        if (fields.mode() == FieldFilter.Mode.ALL) {
            return changes;
        }
        List<String> visible = new ArrayList<>(changes.size());
        for (String name : changes) {
            if (fields.allows(name)) {
                visible.add(name);
            }
        }
        return visible;
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
