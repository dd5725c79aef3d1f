package dev.rowcast.agent.hibernate;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Collection;
import java.util.Currency;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;

/**
 * Turns Hibernate property values into detached plain values, on the committing thread (the app may
 * change its entities right after): associations become their identifier without initialising a
 * lazy proxy, collections are left out, mutable dates are copied. {@link Component} says which
 * reading each property needs; {@link #plain} serves values whose type it does not know (identifiers).
 */
final class RowReader {

    /** Marks a value that is not a column of the row (a collection) and must be left out. */
    static final Object SKIP = new Object();

    private RowReader() {}

    /** An identifier, or a value whose Hibernate type is unknown: a column value, or else an entity's identifier. */
    static Object plain(HibernateApi api, Object value, Object session) throws ReflectiveOperationException {
        Object basic = basic(value);
        if (basic != SKIP || value instanceof Collection<?> || value instanceof Map<?, ?> || api.persistentCollection.isInstance(value)) {
            return basic;
        }
        return association(api, value, session);
    }

    /** A column value as a detached plain value; {@link #SKIP} for one that is none (a collection, a custom type). */
    static Object basic(Object value) {
        if (value == null || isPlain(value)) {
            return value;
        }
        if (value instanceof Date date) {
            return copy(date);
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        if (value instanceof TimeZone zone) {
            return zone.getID();
        }
        if (value instanceof Calendar calendar) {
            // JPA's other temporal type: its instant at its own offset
            return OffsetDateTime.ofInstant(calendar.toInstant(), calendar.getTimeZone().toZoneId());
        }
        if (value instanceof Duration || value instanceof Period || value instanceof ZoneId || value instanceof Locale
                || value instanceof Currency || value instanceof URI || value instanceof URL) {
            // value types Hibernate maps itself, whose text is their standard form ("PT1H", "en_GB", "EUR")
            return value.toString();
        }
        return SKIP;
    }

    /** How deep {@link #structured} follows maps and lists: a JSON column is shallower, a map that holds itself is not. */
    private static final int MAX_DEPTH = 32;
    /**
     * How many values {@link #structured} copies at most, on the committing thread: a larger
     * document is left out, and a list that holds itself twice (2^32 paths) ends here.
     */
    static final int MAX_VALUES = 10_000;

    /**
     * A basic property's map, list or array of plain values (a JSON or array column) as a detached
     * copy; {@link #SKIP} when anything in it is not plain (an app object, which is not walked), or
     * when reading it fails (an app's own Map).
     */
    static Object structured(Object value) {
        try {
            return structured(value, 0, new int[] {MAX_VALUES});
        } catch (RuntimeException unreadable) {
            return SKIP;
        }
    }

    private static Object structured(Object value, int depth, int[] budget) {
        if (depth > MAX_DEPTH || --budget[0] < 0) {
            return SKIP;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                // a key is text as JSON has it: a plain value's, never an app object's toString()
                Object key = basic(entry.getKey());
                Object item = structured(entry.getValue(), depth + 1, budget);
                if (key == SKIP || key == null || key instanceof Date || key instanceof byte[] || item == SKIP) {
                    return SKIP;
                }
                copy.put(key.toString(), item);
            }
            return copy;
        }
        if (value instanceof Collection<?> items) {
            List<Object> copy = new ArrayList<>(items.size());
            for (Object item : items) {
                Object plain = structured(item, depth + 1, budget);
                if (plain == SKIP) {
                    return SKIP;
                }
                copy.add(plain);
            }
            return copy;
        }
        if (value != null && value.getClass().isArray() && !(value instanceof byte[])) {
            // Object[] and the primitive arrays a 6.x array column holds (int[], double[], ...)
            int length = Array.getLength(value);
            List<Object> copy = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                Object plain = structured(Array.get(value, i), depth + 1, budget);
                if (plain == SKIP) {
                    return SKIP;
                }
                copy.add(plain);
            }
            return copy;
        }
        return basic(value);
    }

    /** A related entity as its identifier, without initialising a lazy proxy. */
    static Object association(HibernateApi api, Object value, Object session) throws ReflectiveOperationException {
        if (value == null) {
            return null;
        }
        if (api.hibernateProxy.isInstance(value)) {
            // the identifier is in the proxy itself: no SQL, no initialisation
            return identifier(api, value, api.initializerIdentifier.invoke(api.proxyInitializer.invoke(value)), session);
        }
        if (api.persistentCollection.isInstance(value) || value instanceof Collection<?> || value instanceof Map<?, ?>) {
            return SKIP;
        }
        Object id = api.sessionContextEntityIdentifier.invoke(session, value);
        if (id == null) {
            try {
                Object persister = api.sessionEntityPersister.invoke(session, null, value);
                id = api.persisterGetIdentifier.invoke(persister, value, session);
            } catch (ReflectiveOperationException notAnEntity) {
                // a custom type: left out rather than walked through app code
                return SKIP;
            }
        }
        return identifier(api, value, id, session);
    }

    /**
     * An associated entity's identifier as a plain value; a composite one as an object of its
     * fields, read through the entity's identifier type. A proxy's persister is found by the entity
     * name it holds, without initialising it. Left out when none is found.
     */
    private static Object identifier(HibernateApi api, Object entity, Object id, Object session) throws ReflectiveOperationException {
        Object plain = basic(id);
        if (plain != SKIP || id == null) {
            return plain;
        }
        try {
            Object persister = api.hibernateProxy.isInstance(entity)
                    ? api.sessionEntityPersister.invoke(session, api.initializerEntityName.invoke(api.proxyInitializer.invoke(entity)), null)
                    : api.sessionEntityPersister.invoke(session, null, entity);
            Component key = api.compositeId(persister);
            return key == null ? SKIP : key.read(api, id, session);
        } catch (ReflectiveOperationException notFound) {
            return SKIP;
        }
    }

    private static boolean isPlain(Object value) {
        return value instanceof String || value instanceof Boolean || value instanceof Character
                || value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof Double || value instanceof Float || value instanceof BigDecimal || value instanceof BigInteger
                || value instanceof UUID || value instanceof Instant || value instanceof LocalDateTime || value instanceof LocalDate
                || value instanceof OffsetDateTime
                // last: a check against an interface scans the class's interfaces, against a final class it is one compare
                || value instanceof TemporalAccessor;
    }

    private static Date copy(Date date) {
        if (date instanceof java.sql.Timestamp ts) {
            java.sql.Timestamp c = new java.sql.Timestamp(ts.getTime());
            c.setNanos(ts.getNanos());
            return c;
        }
        return (Date) date.clone();
    }
}
