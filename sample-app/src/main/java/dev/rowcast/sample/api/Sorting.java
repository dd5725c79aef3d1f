package dev.rowcast.sample.api;

import java.util.Map;
import java.util.Set;

/** Turns a list query's sort into SQL/HQL, over the two fields every collection has. */
final class Sorting {

    private Sorting() {
    }

    /** {@code columns} maps the JSON names {@code id} and {@code createdAt} to the query's names. */
    static String orderBy(Query query, Map<String, String> columns) {
        String column = columns.get(query.sortField());
        if (column == null) {
            throw ApiException.badRequest("Cannot sort by '" + query.sortField()
                    + "': sort by id or createdAt, with '-' for newest first.");
        }
        String direction = query.descending() ? " desc" : " asc";
        String tieBreak = columns.get("id");
        return " order by " + column + direction
                + (column.equals(tieBreak) ? "" : ", " + tieBreak + direction);
    }

    static void allowFilters(String slug, Query query, Set<String> fields) {
        for (String field : query.equals().keySet()) {
            if (!fields.contains(field)) {
                throw ApiException.badRequest("Cannot filter " + slug + " by '" + field
                        + "': filter by " + String.join(", ", fields.stream().sorted().toList()) + ".");
            }
        }
    }

    static long idFilter(String field, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("where[" + field + "][equals] must be a user id, not '" + value + "'.");
        }
    }

    static boolean boolFilter(String field, String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw ApiException.badRequest("where[" + field + "][equals] must be true or false, not '" + value + "'.");
        }
        return Boolean.parseBoolean(value);
    }
}
