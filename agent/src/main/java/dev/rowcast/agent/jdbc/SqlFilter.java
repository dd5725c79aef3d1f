package dev.rowcast.agent.jdbc;

import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.RowcastConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The app-thread test "might this SQL write a configured table?": a keyword and a word search,
 * cached per distinct SQL string. It may say yes wrongly (the pipeline's parser decides); it must
 * never say no to a write of a configured table.
 */
final class SqlFilter {

    private static final int MAX_CACHED = 4_096;

    private final List<String> tables = new ArrayList<>();
    private final Answers plain = new Answers();
    /** The answers for Hibernate's flush, which leaves out the tables Hibernate reports. */
    private final Answers flush = new Answers();
    /** See {@link #reportedTableWritten}: the table, "" for none. */
    private final Map<String, String> entityWrites = new ConcurrentHashMap<>();
    /** How many tables Hibernate reported when {@link #entityWrites} was last cleared. */
    private volatile int entityWritesFor;

    /** An SQL string and its answer. */
    private record Answer(String sql, boolean relevant) {}

    /**
     * The answers, by SQL. The last one asked is also kept in a field and matched by identity: an
     * app or Hibernate prepares the same String again and again, and the map's lookup compares its
     * whole text. A plain field: an Answer's fields are final, and a stale read only costs the map.
     */
    private static final class Answers {
        final Map<String, Answer> bySql = new ConcurrentHashMap<>();
        Answer last;
    }

    SqlFilter(RowcastConfig config) {
        for (CollectionConfig rule : config.collections().values()) {
            // the table's own name: the SQL may name its schema or not, quoted or not (the parser decides)
            rule.table().ifPresent(table -> tables.add(table.substring(table.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT)));
        }
    }

    boolean relevant(String sql) {
        return answer(plain, sql, null);
    }

    /**
     * The same test for SQL of Hibernate's flush: a table whose rows Hibernate reports does not
     * count, so the flush's own writes of its entities get no state on the app's thread. An answer
     * stays right as more tables become Hibernate's: a yes that has become wrong costs only the
     * pipeline's dropping the write.
     */
    boolean relevantToFlush(String sql, HibernateTables reported) {
        return answer(flush, sql, reported);
    }

    /** The cached answer for this SQL, worked out on its first sight. */
    private boolean answer(Answers answers, String sql, HibernateTables reported) {
        if (sql == null || tables.isEmpty()) {
            return false;
        }
        Answer last = answers.last;
        if (last != null && last.sql == sql) {
            return last.relevant;
        }
        Answer known = answers.bySql.get(sql);
        if (known == null) {
            known = new Answer(sql, check(sql, reported));
            if (answers.bySql.size() >= MAX_CACHED) {
                answers.bySql.clear();
            }
            answers.bySql.put(sql, known);
        }
        answers.last = known;
        return known.relevant;
    }

    /**
     * Of SQL that writes no table a {@code table:} collection names: a table Hibernate reports the
     * rows of that it names, or null. Such SQL run outside Hibernate (JdbcTemplate on an entity's
     * table) is published by nothing; the capture says so. Cached per SQL text, as the other answers.
     */
    String reportedTableWritten(String sql, HibernateTables reported) {
        Set<String> names = reported.names();
        if (names.size() != entityWritesFor) {
            // a factory hooked since: an answer of no table may be wrong now
            entityWrites.clear();
            entityWritesFor = names.size();
        }
        String known = entityWrites.get(sql);
        if (known == null) {
            String lower = sql.toLowerCase(Locale.ROOT);
            known = "";
            if (isWrite(lower)) {
                for (String table : names) {
                    if (hasWord(lower, table)) {
                        known = table;
                        break;
                    }
                }
            }
            if (entityWrites.size() >= MAX_CACHED) {
                entityWrites.clear();
            }
            entityWrites.put(sql, known);
        }
        return known.isEmpty() ? null : known;
    }

    /** Whether the SQL (in lower case) writes: an INSERT, UPDATE, DELETE, MERGE, UPSERT or REPLACE, after a WITH or in a delta table. */
    private static boolean isWrite(String lower) {
        int start = firstWord(lower);
        if (lower.startsWith("with", start)) {
            // common table expressions before the statement: WITH a AS (...), b AS (...) INSERT INTO t ...
            start = afterCommonTableExpressions(lower, start + 4);
        }
        int inner = deltaTableWrite(lower);
        if (inner >= 0) {
            start = inner;
        }
        return lower.startsWith("insert", start) || lower.startsWith("update", start) || lower.startsWith("delete", start)
                // not read, but counted and said: see SqlShape.UNREAD
                || lower.startsWith("merge", start) || lower.startsWith("upsert", start) || lower.startsWith("replace", start);
    }

    /** @param reported the tables Hibernate reports, which do not count; null: every table counts */
    private boolean check(String sql, HibernateTables reported) {
        String lower = sql.toLowerCase(Locale.ROOT);
        if (!isWrite(lower)) {
            return false;
        }
        for (String table : tables) {
            if (hasWord(lower, table) && (reported == null || !reported.reported(table))) {
                return true;
            }
        }
        return false;
    }

    /**
     * H2's and Db2's data change delta table, {@code SELECT id FROM FINAL TABLE (INSERT INTO t ...)}:
     * how jOOQ reads back what an insert made on H2 ({@code returning()}, a record's {@code store()}).
     * It is the write inside the parentheses, with its rows as the result, as PostgreSQL's
     * {@code INSERT ... RETURNING}. Returns where that write starts, or -1 when the SQL is no such
     * select, or its select list binds a parameter (the write's parameters would not be numbered
     * from 1).
     *
     * @param lower the SQL in lower case
     */
    static int deltaTableWrite(String lower) {
        int start = firstWord(lower);
        if (!lower.startsWith("select", start)) {
            return -1;
        }
        Matcher m = DELTA_TABLE.matcher(lower);
        if (!m.find(start) || lower.substring(start, m.start()).indexOf('?') >= 0) {
            return -1;
        }
        int write = firstWord(lower.substring(m.end())) + m.end();
        return lower.startsWith("insert", write) || lower.startsWith("update", write) || lower.startsWith("delete", write)
                || lower.startsWith("merge", write) ? write : -1;
    }

    /** The inner write's SQL of a delta table select (see {@link #deltaTableWrite}), or null for other SQL. */
    static String deltaTableInner(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT);
        int write = deltaTableWrite(lower);
        if (write < 0 || lower.length() != sql.length()) {
            return null; // (a letter whose lower case is longer would shift every index)
        }
        // the parenthesis that closes the one before the write, string literals and quoted names skipped
        int depth = 1;
        for (int i = write; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = sql.indexOf(c, i + 1);
                if (end < 0) {
                    return null;
                }
                i = end;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return sql.substring(write, i);
            }
        }
        return null;
    }

    private static final Pattern DELTA_TABLE = Pattern.compile("\\bfrom\\s+(?:final|new|old)\\s+table\\s*\\(");

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
            } else if (isCommentAt(sql, i)) {
                i = afterComment(sql, i);
            } else {
                break;
            }
        }
        return i;
    }

    /** Whether a comment ({@code /* ... *}{@code /} or {@code -- ...}) starts at {@code i}. */
    static boolean isCommentAt(String sql, int i) {
        return sql.startsWith("/*", i) || sql.startsWith("--", i);
    }

    /** Where the comment starting at {@code i} ends: after its close, or at the end of its line; the SQL's end if it never does. */
    static int afterComment(String sql, int i) {
        boolean block = sql.startsWith("/*", i);
        int end = block ? sql.indexOf("*/", i + 2) : sql.indexOf('\n', i + 2);
        return end < 0 ? sql.length() : end + (block ? 2 : 1);
    }

    /**
     * Where the statement after a WITH clause starts: the first word outside parentheses that is
     * none of the clause's own (a name, AS, RECURSIVE, [NOT] MATERIALIZED), string literals, quoted
     * names and comments skipped. A SELECT ... FOR UPDATE inside a CTE is thus no write; nor is a
     * write inside one (PostgreSQL's WITH d AS (DELETE ...) SELECT), which the parser does not read.
     */
    static int afterCommonTableExpressions(String lower, int from) {
        int depth = 0;
        boolean expectName = true;
        int i = from;
        int n = lower.length();
        while (i < n) {
            char c = lower.charAt(i);
            if (c == '\'' || c == '"') {
                int end = lower.indexOf(c, i + 1);
                i = end < 0 ? n : end + 1;
                expectName = false;
            } else if (c == '(') {
                depth++;
                i++;
            } else if (c == ')') {
                depth--;
                i++;
            } else if (c == ',' && depth == 0) {
                expectName = true;
                i++;
            } else if (depth == 0 && isWordChar(c)) {
                int end = i;
                while (end < n && isWordChar(lower.charAt(end))) {
                    end++;
                }
                String word = lower.substring(i, end);
                boolean recursive = word.equals("recursive");
                if (!(expectName || recursive || word.equals("as") || word.equals("not") || word.equals("materialized"))) {
                    return i;
                }
                expectName = recursive; // WITH RECURSIVE name: the name is still to come
                i = end;
            } else if (isCommentAt(lower, i)) {
                i = afterComment(lower, i);
            } else {
                i++;
            }
        }
        return n;
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
