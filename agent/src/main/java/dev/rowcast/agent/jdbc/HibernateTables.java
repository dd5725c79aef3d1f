package dev.rowcast.agent.jdbc;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tables whose rows Hibernate reports itself: every table of an entity that an {@code entity:}
 * collection names, from each SessionFactory as it is hooked. Hibernate's own SQL (its flush) that
 * writes one of them is not reported again by the JDBC layer; its SQL that writes any other table
 * a {@code table:} collection names (a join table, an element collection, an entity no
 * {@code entity:} collection names) is.
 */
public final class HibernateTables {

    private final Set<String> tables = ConcurrentHashMap.newKeySet();
    /** A factory's tables could not be read: all of Hibernate's SQL is taken as reported, as before any was known. */
    private volatile boolean unknown;

    /** One of an entity's tables as Hibernate names it: {@code orders}, {@code shop.orders}, {@code "Orders"}. */
    public void add(String name) {
        String table = tableName(name);
        if (!table.isEmpty()) {
            tables.add(table);
        }
    }

    /** A factory's tables could not be read. */
    public void unknown() {
        unknown = true;
    }

    /** The tables Hibernate reports, as {@link #tableName} names them; none when they could not be read. */
    Set<String> names() {
        return unknown ? Set.of() : tables;
    }

    /** Whether Hibernate reports the rows of this table (a name as {@link SqlParser} gives it, perhaps after its schema). */
    boolean reported(String table) {
        return unknown || table != null && tables.contains(tableName(table));
    }

    /** The table's own name: without catalog or schema, without quotes, in lower case, as collections match tables. */
    static String tableName(String name) {
        String table = name.strip();
        int end = table.length();
        if (end > 1 && isCloseQuote(table.charAt(end - 1))) {
            char open = table.charAt(end - 1) == ']' ? '[' : table.charAt(end - 1);
            int start = table.lastIndexOf(open, end - 2);
            table = start < 0 ? table : table.substring(start + 1, end - 1);
        } else {
            table = table.substring(table.lastIndexOf('.') + 1);
        }
        return table.toLowerCase(Locale.ROOT);
    }

    private static boolean isCloseQuote(char c) {
        return c == '"' || c == '`' || c == ']';
    }
}
