package dev.rowcast.agent.jdbc;

import java.util.Locale;

/**
 * Transaction control written as SQL, as scripts, migration tools and some frameworks write it:
 * {@code BEGIN}, {@code COMMIT}, {@code ROLLBACK}, {@code SAVEPOINT s}, {@code ROLLBACK TO s},
 * {@code RELEASE s}. The JDBC calls for these are hooked; this reads the SQL, so that a rollback
 * written in SQL drops what it rolls back, as {@code Connection.rollback()} does.
 *
 * @param savepoint the savepoint's name, in lower case unless quoted; null for none
 */
record TransactionSql(Kind kind, String savepoint) {

    enum Kind {
        /** BEGIN, START TRANSACTION: under autocommit, the writes that follow wait for COMMIT. */
        BEGIN,
        COMMIT,
        ROLLBACK,
        SAVEPOINT,
        ROLLBACK_TO,
        RELEASE
    }

    /** What the SQL does to the transaction; null for any other statement (and for a PL/SQL block: BEGIN ... END). */
    static TransactionSql of(String sql) {
        if (sql == null) {
            return null;
        }
        String[] words = words(sql);
        if (words.length == 0) {
            return null;
        }
        return switch (words[0]) {
            case "begin" -> words.length == 1 || is(words[1], "work", "transaction", "isolation", "read", "not", "deferrable")
                    ? new TransactionSql(Kind.BEGIN, null) : null;
            case "start" -> words.length > 1 && words[1].equals("transaction") ? new TransactionSql(Kind.BEGIN, null) : null;
            case "commit", "end" -> words.length == 1 || is(words[1], "work", "transaction", "and")
                    ? new TransactionSql(Kind.COMMIT, null) : null;
            case "rollback", "abort" -> rollback(words);
            case "savepoint" -> words.length == 2 ? new TransactionSql(Kind.SAVEPOINT, words[1]) : null;
            case "release" -> release(words);
            default -> null;
        };
    }

    /** ROLLBACK [WORK | TRANSACTION] [AND [NO] CHAIN] or ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] name. */
    private static TransactionSql rollback(String[] words) {
        int i = 1;
        if (i < words.length && is(words[i], "work", "transaction")) {
            i++;
        }
        if (i == words.length || words[i].equals("and")) {
            return new TransactionSql(Kind.ROLLBACK, null);
        }
        if (!words[i].equals("to")) {
            return null;
        }
        i++;
        if (i < words.length && words[i].equals("savepoint")) {
            i++;
        }
        return i == words.length - 1 ? new TransactionSql(Kind.ROLLBACK_TO, words[i]) : null;
    }

    /** RELEASE [SAVEPOINT] name. */
    private static TransactionSql release(String[] words) {
        int i = words.length > 1 && words[1].equals("savepoint") ? 2 : 1;
        return i == words.length - 1 ? new TransactionSql(Kind.RELEASE, words[i]) : null;
    }

    private static boolean is(String word, String... any) {
        for (String candidate : any) {
            if (word.equals(candidate)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The statement's words after any leading comments, a trailing semicolon dropped: unquoted ones
     * in lower case, a quoted one ("Name", `name`) as written without its quotes. At most eight:
     * these statements are short, and a longer one is none of them.
     */
    private static String[] words(String sql) {
        String[] words = new String[8];
        int count = 0;
        int i = SqlFilter.firstWord(sql);
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == ';') {
                i++;
            } else if (count == words.length) {
                return new String[0];
            } else if (c == '"' || c == '`') {
                int end = sql.indexOf(c, i + 1);
                if (end < 0) {
                    return new String[0];
                }
                words[count++] = sql.substring(i + 1, end);
                i = end + 1;
            } else {
                int end = i;
                while (end < n && !Character.isWhitespace(sql.charAt(end)) && sql.charAt(end) != ';') {
                    end++;
                }
                words[count++] = sql.substring(i, end).toLowerCase(Locale.ROOT);
                i = end;
            }
        }
        return java.util.Arrays.copyOf(words, count);
    }
}
