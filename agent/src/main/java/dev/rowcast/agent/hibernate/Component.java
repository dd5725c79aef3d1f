package dev.rowcast.agent.hibernate;

import dev.rowcast.agent.AgentLog;
import dev.rowcast.agent.capture.RowMap;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.Map;

/**
 * Properties and how each becomes a plain value, read once per persister from Hibernate's types:
 * an entity's own properties, or an embeddable's (an @Embedded property, an @EmbeddedId or
 * @IdClass identifier). An embeddable's value is split by its CompositeType, not by the app's
 * getters, and becomes a map of its plain values ({"city":"Paris"}). Deciding by type keeps the
 * committing thread free of the exception that trying an entity lookup on an embeddable threw.
 */
final class Component {

    /** Hibernate's CompositeType of the embeddable; null for an entity's own properties. */
    private final Object type;
    final String[] names;
    private final ValueKind[] kinds;
    private final Component[] embedded;
    /** A basic property's converter (@Convert), for a value of a class Rowcast does not read; null for none. */
    private final ColumnConverter[] converters;

    /**
     * @param types the Hibernate Type of each name (a shorter array leaves the rest BASIC)
     */
    Component(HibernateApi api, Object type, String[] names, Object[] types) throws ReflectiveOperationException {
        this.type = type;
        this.names = names;
        this.kinds = new ValueKind[names.length];
        this.embedded = new Component[names.length];
        this.converters = new ColumnConverter[names.length];
        for (int i = 0; i < names.length; i++) {
            Object propertyType = types != null && i < types.length ? types[i] : null;
            if (names[i].startsWith("_identifierMapper") || propertyType != null && (boolean) api.typeIsCollection.invoke(propertyType)) {
                kinds[i] = ValueKind.LEFT_OUT;
            } else if (propertyType != null && (boolean) api.typeIsComponent.invoke(propertyType)) {
                kinds[i] = ValueKind.EMBEDDED;
                embedded[i] = of(api, propertyType);
            } else if (propertyType != null && (boolean) api.typeIsAssociation.invoke(propertyType)) {
                kinds[i] = ValueKind.ASSOCIATION;
            } else {
                kinds[i] = ValueKind.BASIC;
                converters[i] = ColumnConverter.of(propertyType);
            }
        }
    }

    /** The embeddable a CompositeType describes. */
    static Component of(HibernateApi api, Object compositeType) throws ReflectiveOperationException {
        return new Component(api, compositeType, ((String[]) api.compositeNames.invoke(compositeType)).clone(),
                (Object[]) api.compositeSubtypes.invoke(compositeType));
    }

    /** The embeddable a Hibernate Type describes, or null when it is not one. */
    static Component ofType(HibernateApi api, Object hibernateType) throws ReflectiveOperationException {
        return hibernateType != null && (boolean) api.typeIsComponent.invoke(hibernateType) ? of(api, hibernateType) : null;
    }

    /** Whether property {@code i} is never a value of the row (a collection), rather than one that may not be readable. */
    boolean leftOut(int i) {
        return kinds[i] == ValueKind.LEFT_OUT;
    }

    /** Property {@code i}'s plain value, or {@link RowReader#SKIP} when it is left out. */
    Object plain(HibernateApi api, int i, Object value, Object session) throws ReflectiveOperationException {
        return switch (kinds[i]) {
            case BASIC -> column(i, value);
            case ASSOCIATION -> RowReader.association(api, value, session);
            case EMBEDDED -> embedded[i].read(api, value, session);
            case LEFT_OUT -> RowReader.SKIP;
        };
    }

    /**
     * A basic property's value: the value itself when it is a plain one; else, through the
     * property's converter (@Convert), the column's value; else a map, list or array of plain
     * values (a JSON or array column) as such; else left out. A converter that fails leaves the
     * property out, not the row, and says so once.
     */
    private Object column(int i, Object value) {
        Object plain = RowReader.basic(value);
        if (plain != RowReader.SKIP || value == null) {
            return plain;
        }
        if (converters[i] != null) {
            try {
                return RowReader.structured(converters[i].toColumn(value));
            } catch (ReflectiveOperationException | RuntimeException e) {
                Throwable cause = e instanceof InvocationTargetException thrown && thrown.getCause() != null ? thrown.getCause() : e;
                AgentLog.warnOnce("convert-" + names[i], "the converter of property " + names[i] + " failed (" + cause
                        + "); the property is left out of its rows' data", null);
                return RowReader.SKIP;
            }
        }
        return RowReader.structured(value);
    }

    /** An embeddable value's plain values, one per name, {@link RowReader#SKIP} for those left out. */
    Object[] values(HibernateApi api, Object value, Object session) throws ReflectiveOperationException {
        Object[] raw = (Object[]) api.compositeValues.invoke(type, value, session);
        Object[] plain = new Object[names.length];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = raw != null && i < raw.length ? plain(api, i, raw[i], session) : RowReader.SKIP;
        }
        return plain;
    }

    /** An embeddable value as a map of its plain values; null for null (an @Embedded whose columns are all null). */
    Map<String, Object> read(HibernateApi api, Object value, Object session) throws ReflectiveOperationException {
        return value == null ? null : row(names, values(api, value, session));
    }

    /** The row of {@code keys} and {@code values}, pair by pair, without the values that are {@link RowReader#SKIP}. */
    static RowMap row(String[] keys, Object[] values) {
        int kept = 0;
        for (Object value : values) {
            if (value != RowReader.SKIP) {
                kept++;
            }
        }
        if (kept == values.length && keys.length == values.length) {
            return new RowMap(keys, values);
        }
        String[] someKeys = new String[kept];
        Object[] someValues = new Object[kept];
        int k = 0;
        for (int i = 0; i < values.length && i < keys.length; i++) {
            if (values[i] != RowReader.SKIP) {
                someKeys[k] = keys[i];
                someValues[k++] = values[i];
            }
        }
        return new RowMap(k == kept ? someKeys : Arrays.copyOf(someKeys, k), k == kept ? someValues : Arrays.copyOf(someValues, k));
    }
}
