package dev.rowcast.agent.jdbc;

import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.RowcastConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The app-thread test "might this SQL write a configured table?": a keyword and a word search,
 * cached per distinct SQL string. It may say yes wrongly (the pipeline's parser decides); it must
 * never say no to a write of a configured table.
 */
final class SqlFilter {

    private static final int MAX_CACHED = 4_096;

    private final List<String> tables = new ArrayList<>();
    private final Map<String, Boolean> cache = new ConcurrentHashMap<>();

    SqlFilter(RowcastConfig config) {
        for (CollectionConfig rule : config.collections().values()) {
            rule.table().ifPresent(table -> tables.add(table.toLowerCase(Locale.ROOT)));
        }
    }

    boolean relevant(String sql) {
        if (sql == null || tables.isEmpty()) {
            return false;
        }
        Boolean known = cache.get(sql);
        if (known == null) {
            known = check(sql);
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(sql, known);
        }
        return known;
    }

    private boolean check(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT);
        int start = 0;
        while (start < lower.length() && (Character.isWhitespace(lower.charAt(start)) || lower.charAt(start) == '(')) {
            start++;
        }
        if (!(lower.startsWith("insert", start) || lower.startsWith("update", start) || lower.startsWith("delete", start))) {
            return false;
        }
        for (String table : tables) {
            int at = lower.indexOf(table);
            while (at >= 0) {
                boolean before = at == 0 || !isWordChar(lower.charAt(at - 1));
                int end = at + table.length();
                boolean after = end >= lower.length() || !isWordChar(lower.charAt(end));
                if (before && after) {
                    return true;
                }
                at = lower.indexOf(table, at + 1);
            }
        }
        return false;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
