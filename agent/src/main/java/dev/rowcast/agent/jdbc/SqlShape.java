package dev.rowcast.agent.jdbc;

import java.util.List;
import java.util.Map;

/**
 * What one distinct SQL write says about the rows it touches, parsed once and cached. Values are
 * {@link Param} (the n-th JDBC parameter), a literal, or {@link #UNKNOWN} (an expression the
 * agent does not evaluate).
 *
 * @param operation "create", "update" or "delete"; null when the statement is not a row write
 * @param rows      per VALUES row (insert) or one entry (update: the SET columns), column → value
 * @param key       the WHERE equalities (update/delete), column → value
 */
record SqlShape(String operation, String table, List<Map<String, Object>> rows, Map<String, Object> key) {

    static final Object UNKNOWN = new Object() {
        @Override
        public String toString() {
            return "UNKNOWN";
        }
    };

    static final SqlShape NOT_A_WRITE = new SqlShape(null, null, List.of(), Map.of());

    /** The value of JDBC parameter {@code index} (1-based). */
    record Param(int index) {}
}
