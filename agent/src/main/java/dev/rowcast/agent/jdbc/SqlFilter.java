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
        int start = firstWord(lower);
        boolean write = lower.startsWith("insert", start) || lower.startsWith("update", start) || lower.startsWith("delete", start)
                // a common table expression before the write: WITH ... INSERT INTO t ...
                || lower.startsWith("with", start) && (hasWord(lower, "insert") || hasWord(lower, "update") || hasWord(lower, "delete"));
        if (!write) {
            return false;
        }
        for (String table : tables) {
            if (hasWord(lower, table)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the statement's first keyword starts: after white space, opening parentheses and
     * comments ({@code /* ... *}{@code /}, {@code -- ...}), which tools put first (sqlcommenter,
     * MyBatis mappers, a query's name).
     */
    static int firstWord(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i + 2);
                i = end < 0 ? n : end + 1;
            } else {
                break;
            }
        }
        return i;
    }

    private static boolean hasWord(String lower, String word) {
        int at = lower.indexOf(word);
        while (at >= 0) {
            boolean before = at == 0 || !isWordChar(lower.charAt(at - 1));
            int end = at + word.length();
            boolean after = end >= lower.length() || !isWordChar(lower.charAt(end));
            if (before && after) {
                return true;
            }
            at = lower.indexOf(word, at + 1);
        }
        return false;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
