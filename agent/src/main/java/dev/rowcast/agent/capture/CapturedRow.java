package dev.rowcast.agent.capture;

import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.Operation;
import java.util.List;
import java.util.Map;

/**
 * A committed row write, already detached from the app's objects: plain JDK values only, so the
 * pipeline thread can read it while the app goes on mutating its entities.
 *
 * @param data      the row after the write (before it, for a delete), associations as their ids
 * @param changes   the changed property/column names of an update, else empty
 * @param origin    "hibernate" or "jdbc"
 */
public record CapturedRow(
        CollectionConfig rule,
        Operation operation,
        Object id,
        Map<String, Object> data,
        List<String> changes,
        String origin) {}
