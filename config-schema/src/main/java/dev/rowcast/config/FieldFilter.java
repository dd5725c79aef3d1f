package dev.rowcast.config;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A collection's {@code fields:}: which fields of a row reach clients. */
public final class FieldFilter {

    /** What the names mean. */
    public enum Mode { ALL, INCLUDE, EXCLUDE }

    /** Every field is sent. */
    public static final FieldFilter ALL = new FieldFilter(Mode.ALL, List.of());

    private final Mode mode;
    private final List<String> names;
    private final Set<String> lookup;

    private FieldFilter(Mode mode, List<String> names) {
        this.mode = mode;
        this.names = List.copyOf(names);
        this.lookup = new HashSet<>(names);
    }

    /** Only these fields are sent. */
    public static FieldFilter include(List<String> names) {
        return new FieldFilter(Mode.INCLUDE, names);
    }

    /** All fields but these are sent. */
    public static FieldFilter exclude(List<String> names) {
        return names.isEmpty() ? ALL : new FieldFilter(Mode.EXCLUDE, names);
    }

    public Mode mode() {
        return mode;
    }

    /** The names after include: or exclude:, as written. */
    public List<String> names() {
        return names;
    }

    public boolean allows(String field) {
        return switch (mode) {
            case ALL -> true;
            case INCLUDE -> lookup.contains(field);
            case EXCLUDE -> !lookup.contains(field);
        };
    }

    /** A new map with the allowed fields, in the row's order; the row itself is not changed. */
    public <V> Map<String, V> apply(Map<String, V> row) {
        Map<String, V> kept = new LinkedHashMap<>(Math.max(4, row.size() * 4 / 3 + 1));
        for (Map.Entry<String, V> field : row.entrySet()) {
            if (allows(field.getKey())) {
                kept.put(field.getKey(), field.getValue());
            }
        }
        return kept;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FieldFilter that && mode == that.mode && names.equals(that.names);
    }

    @Override
    public int hashCode() {
        return mode.hashCode() * 31 + names.hashCode();
    }

    @Override
    public String toString() {
        return mode == Mode.ALL ? "all fields" : mode.name().toLowerCase(java.util.Locale.ROOT) + " " + names;
    }
}
