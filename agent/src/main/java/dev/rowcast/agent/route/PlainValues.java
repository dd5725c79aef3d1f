package dev.rowcast.agent.route;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reduces a value to what JSON holds (maps, lists, strings, numbers, booleans, null), so that
 * whatever serialises it later writes dates as ISO-8601 and never walks an app object's getters.
 */
public final class PlainValues {

    private PlainValues() {}

    public static Object of(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean
                || value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof Double || value instanceof Float || value instanceof BigDecimal || value instanceof BigInteger) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(String.valueOf(e.getKey()), of(e.getValue()));
            }
            return out;
        }
        if (value instanceof Collection<?> items) {
            List<Object> out = new ArrayList<>(items.size());
            for (Object item : items) {
                out.add(of(item));
            }
            return out;
        }
        if (value instanceof Object[] array) {
            return of(Arrays.asList(array)); // nulls and all
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof Date date) {
            return IsoDates.format(date);
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof ZonedDateTime zoned) {
            // without the region's name in brackets, which JavaScript's Date cannot read
            return zoned.toOffsetDateTime().toString();
        }
        if (value instanceof TemporalAccessor) {
            return value.toString();
        }
        return value.toString();
    }
}
