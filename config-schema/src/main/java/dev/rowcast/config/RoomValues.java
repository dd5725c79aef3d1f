package dev.rowcast.config;

import java.lang.invoke.MethodHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.Map;
import java.util.UUID;

/** How a row or claim value is written into a room name. */
final class RoomValues {

    private static final ClassValue<MethodHandle> ID_ACCESSORS = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            return PropertyPath.accessor(type, "id");
        }
    };

    private RoomValues() {}

    static boolean isScalar(Object value) {
        return value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                || value instanceof Character || value instanceof UUID || value instanceof Enum<?>
                || value instanceof TemporalAccessor;
    }

    /**
     * The text of a value in a room name, or null when it has none: null, an empty string, a list,
     * a NaN. Integral numbers lose their ".0" (7L and 7.0 are both "7"); an association (a map or an
     * object with an id) is its identifier.
     */
    static String format(Object value) {
        if (value instanceof String s) {
            return s.isEmpty() ? null : s;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return null;
            }
            return d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15 ? Long.toString((long) d) : value.toString();
        }
        if (value instanceof BigDecimal big) {
            return big.signum() == 0 ? "0" : big.stripTrailingZeros().toPlainString();
        }
        if (value == null) {
            return null;
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (isScalar(value)) {
            String s = value.toString();
            return s.isEmpty() ? null : s;
        }
        if (value instanceof Map<?, ?> map) {
            Object id = map.get("id");
            return id instanceof Map<?, ?> ? null : format(id);
        }
        if (value instanceof Iterable<?> || value.getClass().isArray()) {
            return null;
        }
        MethodHandle id = ID_ACCESSORS.get(value.getClass());
        if (id == null) {
            return null;
        }
        try {
            Object identifier = id.invoke(value);
            return isScalar(identifier) ? format(identifier) : null;
        } catch (Throwable e) {
            return null;
        }
    }
}
