package dev.rowcast.config;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A collection's {@code fields:}: which fields of a row reach clients. A name matches a field
 * whatever its case and underscores: {@code passwordHash} names the entity's property and the
 * table's {@code password_hash} or {@code PASSWORDHASH} column alike, as a JDBC row carries column
 * names (folded to lower case) where Hibernate's carries property names. So an excluded field is
 * not sent under any of its names.
 */
public final class FieldFilter {

    /** What the names mean. */
    public enum Mode { ALL, INCLUDE, EXCLUDE }

    /** Field names remembered per filter: an app's tables and entities have far fewer. */
    private static final int MAX_DECIDED = 4096;

    /** Every field is sent. */
    public static final FieldFilter ALL = new FieldFilter(Mode.ALL, List.of());

    private final Mode mode;
    private final List<String> names;
    /** The names, {@link #normalized}. */
    private final Set<String> lookup;
    /** Each field name met so far, and whether it is sent: a row's names come from a small set, asked again and again. */
    private final Map<String, Boolean> decided = new ConcurrentHashMap<>();

    private FieldFilter(Mode mode, List<String> names) {
        this.mode = mode;
        this.names = List.copyOf(names);
        this.lookup = new HashSet<>();
        for (String name : names) {
            lookup.add(normalized(name));
        }
    }

    /** A name as this filter compares it: lower case, without underscores. */
    public static String normalized(String name) {
        return name.replace("_", "").toLowerCase(Locale.ROOT);
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
        if (mode == Mode.ALL) {
            return true;
        }
        Boolean known = decided.get(field);
        if (known == null) {
            known = lookup.contains(normalized(field)) == (mode == Mode.INCLUDE);
            if (decided.size() < MAX_DECIDED) {
                decided.put(field, known);
            }
        }
        return known;
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
        return mode == Mode.ALL ? "all fields" : mode.name().toLowerCase(Locale.ROOT) + " " + names;
    }
}
