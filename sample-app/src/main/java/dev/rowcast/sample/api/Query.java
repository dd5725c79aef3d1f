package dev.rowcast.sample.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Payload's list query the sample supports: {@code limit}, {@code page},
 * {@code sort=field|-field} and {@code where[field][equals]=value}.
 */
public record Query(int limit, int page, String sortField, boolean descending, Map<String, String> equals) {

    private static final Pattern WHERE_EQUALS = Pattern.compile("where\\[(\\w+)]\\[equals]");
    private static final int MAX_LIMIT = 100;

    public static Query parse(String rawQuery) {
        int limit = 10;
        int page = 1;
        String sort = "-createdAt";
        Map<String, String> equals = new LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                Matcher where = WHERE_EQUALS.matcher(key);
                switch (key) {
                    case "limit" -> limit = positive(key, value, MAX_LIMIT);
                    case "page" -> page = positive(key, value, Integer.MAX_VALUE);
                    case "sort" -> sort = value;
                    case "depth", "draft", "locale" -> { } // Payload options that change nothing here
                    default -> {
                        if (!where.matches()) {
                            throw ApiException.badRequest("Unknown query parameter '" + key
                                    + "': use limit, page, sort or where[field][equals].");
                        }
                        equals.put(where.group(1), value);
                    }
                }
            }
        }
        boolean descending = sort.startsWith("-");
        return new Query(limit, page, descending ? sort.substring(1) : sort, descending, equals);
    }

    public int offset() {
        return (int) Math.min(Integer.MAX_VALUE, (long) (page - 1) * limit);
    }

    private static int positive(String key, String value, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw ApiException.badRequest("Query parameter '" + key + "' must be a number from 1 to " + max + ".");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
