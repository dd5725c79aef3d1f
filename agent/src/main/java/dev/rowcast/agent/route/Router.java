package dev.rowcast.agent.route;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A captured row → the event {@code realtime:{slug}} (SPEC §4) for the rooms its rules compute. */
public final class Router {

    public Delivery route(CapturedRow row) {
        CollectionConfig rule = row.rule();
        // rooms read the whole row; the fields filter only shapes what clients see
        List<String> rooms = rule.roomsFor(row.data());
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("operation", row.operation().wireName());
        envelope.put("collection", rule.slug());
        envelope.put("data", PlainValues.of(rule.fields().apply(row.data())));
        envelope.put("id", PlainValues.of(row.id()));
        if (row.operation() == Operation.UPDATE) {
            envelope.put("changes", row.changes());
        }
        envelope.put("ts", row.ts());
        return new Delivery(rule.eventName(), rooms, rooms.isEmpty() && rule.broadcast(), envelope);
    }
}
