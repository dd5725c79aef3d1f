package dev.rowcast.agent.jdbc;

import java.util.List;
import java.util.Map;

/**
 * What one distinct SQL write says about the rows it touches, parsed once and cached. Values are
 * {@link Param} (the n-th JDBC parameter), a literal, or {@link #UNKNOWN} (an expression the
 * agent does not evaluate).
 *
 * @param operation "create", "update" or "delete"; {@link #UPSERT} for an INSERT that updates the row
 *                  it meets (ON CONFLICT DO UPDATE, ON DUPLICATE KEY UPDATE); {@link #UNREAD} for a write
 *                  whose rows the agent does not read (MERGE, UPSERT, REPLACE); null when the statement
 *                  is not a row write
 * @param rows      per VALUES row (insert) or one entry (update: the SET columns), column → value
 * @param key       the WHERE equalities (update/delete), column → value; for an upsert whose conflict is on
 *                  the id column ({@code ON CONFLICT (id)}), the id of the row it meets if it meets one
 * @param updates   what an upsert sets in the row it meets, column → value (a column of the inserted row
 *                  it takes, VALUES(c) or EXCLUDED.c, as that row's value); empty for any other statement
 */
record SqlShape(String operation, String table, List<Map<String, Object>> rows, Map<String, Object> key,
                Map<String, Object> updates) {

    SqlShape(String operation, String table, List<Map<String, Object>> rows, Map<String, Object> key) {
        this(operation, table, rows, key, Map.of());
    }

    static final Object UNKNOWN = new Object() {
        @Override
        public String toString() {
            return "UNKNOWN";
        }
    };

    static final SqlShape NOT_A_WRITE = new SqlShape(null, null, List.of(), Map.of());

    static final String UPSERT = "upsert";
    static final String UNREAD = "unread";

    /**
     * A column the WHERE gives a list of values ({@code id IN (?, ?)}, {@code id = ANY(?)}): each
     * item a {@link Param}, a literal or {@link #UNKNOWN}; a parameter bound to an array stands for
     * its elements.
     */
    record AnyOf(List<Object> items) {}

    /** The value of JDBC parameter {@code index} (1-based), read as {@code cast} says when the app binds it as text (null: as bound). */
    record Param(int index, TextCast cast) {
        Param(int index) {
            this(index, null);
        }

        /** The bound value, cast. */
        Object of(Object bound) {
            return cast == null ? bound : cast.apply(bound);
        }
    }
}
