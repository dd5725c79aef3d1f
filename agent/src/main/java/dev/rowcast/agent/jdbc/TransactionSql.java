package dev.rowcast.agent.jdbc;

import java.util.Arrays;
import java.util.Locale;

/**
 * Transaction control written as SQL, as scripts, migration tools and some frameworks write it:
 * {@code BEGIN}, {@code COMMIT}, {@code ROLLBACK}, {@code SAVEPOINT s}, {@code ROLLBACK TO s},
 * {@code RELEASE s}, {@code SET AUTOCOMMIT}, and two-phase commit's {@code PREPARE TRANSACTION 'id'}, {@code COMMIT PREPARED 'id'}
 * and {@code ROLLBACK PREPARED 'id'} (H2's {@code PREPARE COMMIT}, {@code COMMIT TRANSACTION} and
 * {@code ROLLBACK TRANSACTION}). The JDBC calls for most of these are hooked; this reads
 * the SQL, so that a rollback written in SQL drops what it rolls back, as
 * {@code Connection.rollback()} does.
 *
 * @param name      the savepoint's name, or the prepared transaction's id, as the SQL writes it,
 *                  quotes included; null for none: see {@link #savepointName}
 * @param chain     COMMIT or ROLLBACK AND CHAIN: a new transaction starts at once
 */
record TransactionSql(Kind kind, String name, boolean chain) {

    enum Kind {
        /** BEGIN, START TRANSACTION: under autocommit, the writes that follow wait for the COMMIT. */
        BEGIN,
        COMMIT,
        ROLLBACK,
        SAVEPOINT,
        ROLLBACK_TO,
        RELEASE,
        /** PREPARE TRANSACTION 'id': the transaction leaves the connection; COMMIT PREPARED may end it on any. */
        PREPARE,
        COMMIT_PREPARED,
        ROLLBACK_PREPARED,
        /**
         * COMMIT TRANSACTION name: on H2, what COMMIT PREPARED is elsewhere (its XA runs PREPARE
         * COMMIT name, then this); SQL Server's named transactions are not read.
         */
        COMMIT_NAMED,
        /** ROLLBACK TRANSACTION name: H2's ROLLBACK PREPARED; see {@link #COMMIT_NAMED}. */
        ROLLBACK_NAMED,
        /** SET AUTOCOMMIT TRUE (H2), SET autocommit=1 (MySQL): what setAutoCommit(true) does, a commit included. */
        AUTOCOMMIT_ON,
        /** SET AUTOCOMMIT FALSE, SET autocommit=0: what setAutoCommit(false) does. */
        AUTOCOMMIT_OFF
    }

    private static final String[] KEYWORDS = {"begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release", "prepare",
        "set"};

    TransactionSql(Kind kind, String name) {
        this(kind, name, false);
    }

    /**
     * What the SQL does to the transaction; null for any other statement, and for the forms not
     * read (a PL/SQL block BEGIN ... END, SQL Server's named transactions). Runs on
     * the app's thread for each statement that writes no configured table: a statement whose first
     * word is none of these costs a few character compares.
     */
    static TransactionSql of(String sql) {
        if (sql == null) {
            return null;
        }
        int start = SqlFilter.firstWord(sql);
        if (!startsWithKeyword(sql, start)) {
            return null;
        }
        if (sql.regionMatches(true, start, "set", 0, 3) && !mentionsAutoCommit(sql)) {
            // SET search_path, SET app.tenant = ... (per request in some apps): not split into words
            return null;
        }
        String[] words = words(sql, start);
        if (words.length == 0) {
            return null;
        }
        return switch (words[0]) {
            case "begin" -> words.length == 1 || is(words[1], "work", "transaction", "tran", "isolation", "read", "not",
                    "deferrable", "immediate", "deferred", "exclusive") ? new TransactionSql(Kind.BEGIN, null) : null;
            case "start" -> words.length > 1 && words[1].equals("transaction") ? new TransactionSql(Kind.BEGIN, null) : null;
            case "commit", "end" -> prepared(words) ? new TransactionSql(Kind.COMMIT_PREPARED, words[2])
                    : named(words) ? new TransactionSql(Kind.COMMIT_NAMED, words[2]) : end(Kind.COMMIT, words);
            case "rollback", "abort" -> prepared(words) ? new TransactionSql(Kind.ROLLBACK_PREPARED, words[2])
                    : named(words) ? new TransactionSql(Kind.ROLLBACK_NAMED, words[2]) : rollback(words);
            case "savepoint" -> words.length == 2 ? new TransactionSql(Kind.SAVEPOINT, words[1]) : null;
            case "release" -> release(words);
            // PostgreSQL's PREPARE TRANSACTION 'id', H2's PREPARE COMMIT name
            case "prepare" -> words.length == 3 && is(words[1], "transaction", "commit") ? new TransactionSql(Kind.PREPARE, words[2]) : null;
            case "set" -> autoCommit(words);
            default -> null;
        };
    }

    /**
     * The savepoint's name as the database keeps it: a quoted one as written, an unquoted one folded
     * as the database folds names (H2 and Oracle to upper case, PostgreSQL and MySQL to lower), so
     * that {@code s1} and {@code "S1"} are one savepoint on H2 and two on PostgreSQL.
     */
    String savepointName(boolean foldsToUpperCase) {
        char first = name.charAt(0);
        if (name.length() > 1 && (first == '"' || first == '`')) {
            return name.substring(1, name.length() - 1);
        }
        return foldsToUpperCase ? name.toUpperCase(Locale.ROOT) : name.toLowerCase(Locale.ROOT);
    }

    private static boolean startsWithKeyword(String sql, int start) {
        for (String keyword : KEYWORDS) {
            int end = start + keyword.length();
            if (sql.regionMatches(true, start, keyword, 0, keyword.length())
                    && (end == sql.length() || !Character.isLetterOrDigit(sql.charAt(end)) && sql.charAt(end) != '_')) {
                return true;
            }
        }
        return false;
    }

    /** COMMIT PREPARED 'id' or ROLLBACK PREPARED 'id'. */
    private static boolean prepared(String[] words) {
        return words.length == 3 && words[1].equals("prepared") && (words[0].equals("commit") || words[0].equals("rollback"));
    }

    /** COMMIT TRANSACTION name or ROLLBACK TRANSACTION name (not ROLLBACK TRANSACTION TO ...). */
    private static boolean named(String[] words) {
        return words.length == 3 && words[1].equals("transaction") && !words[2].equals("to")
                && (words[0].equals("commit") || words[0].equals("rollback"));
    }

    /** COMMIT or ROLLBACK [WORK | TRANSACTION | TRAN] [AND [NO] CHAIN]; null when more follows. */
    private static TransactionSql end(Kind kind, String[] words) {
        int i = skipNoise(words);
        if (i == words.length) {
            return new TransactionSql(kind, null, false);
        }
        if (i + 2 == words.length && words[i].equals("and") && words[i + 1].equals("chain")) {
            return new TransactionSql(kind, null, true);
        }
        if (i + 3 == words.length && words[i].equals("and") && words[i + 1].equals("no") && words[i + 2].equals("chain")) {
            return new TransactionSql(kind, null, false);
        }
        return null;
    }

    /** ROLLBACK as {@link #end}, or ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] name. */
    private static TransactionSql rollback(String[] words) {
        int i = skipNoise(words);
        if (i == words.length || !words[i].equals("to")) {
            return end(Kind.ROLLBACK, words);
        }
        i++;
        if (i < words.length && words[i].equals("savepoint")) {
            i++;
        }
        return i == words.length - 1 ? new TransactionSql(Kind.ROLLBACK_TO, words[i]) : null;
    }

    /** Where the words after COMMIT or ROLLBACK [WORK | TRANSACTION | TRAN] start. */
    private static int skipNoise(String[] words) {
        return words.length > 1 && is(words[1], "work", "transaction", "tran") ? 2 : 1;
    }

    /**
     * SET [SESSION | LOCAL] AUTOCOMMIT [=] value, as H2 ({@code SET AUTOCOMMIT FALSE}) and MySQL
     * ({@code SET autocommit=0}, {@code SET @@session.autocommit = OFF}) write it; null for any other
     * SET, and for one that sets more than autocommit.
     */
    private static TransactionSql autoCommit(String[] words) {
        int i = words.length > 1 && is(words[1], "session", "local") ? 2 : 1;
        String setting = String.join("", Arrays.copyOfRange(words, i, words.length));
        for (String scope : new String[] {"@@session.", "@@local.", "@@"}) {
            if (setting.startsWith(scope)) {
                setting = setting.substring(scope.length());
                break;
            }
        }
        if (!setting.startsWith("autocommit")) {
            return null;
        }
        String value = setting.substring("autocommit".length());
        value = value.startsWith("=") ? value.substring(1) : value;
        value = value.length() > 1 && value.charAt(0) == '\'' && value.endsWith("'") ? value.substring(1, value.length() - 1) : value;
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "on", "1" -> new TransactionSql(Kind.AUTOCOMMIT_ON, null);
            case "false", "off", "0" -> new TransactionSql(Kind.AUTOCOMMIT_OFF, null);
            default -> null;
        };
    }

    private static boolean mentionsAutoCommit(String sql) {
        for (int i = sql.length() - "autocommit".length(); i >= 0; i--) {
            if (sql.regionMatches(true, i, "autocommit", 0, "autocommit".length())) {
                return true;
            }
        }
        return false;
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
     * The statement's words from {@code start}, unquoted ones in lower case, quoted ones ("Name",
     * `name`, 'id') as written with their quotes, comments
     * (sqlcommenter puts its own last) and semicolons left out. At most eight: these statements
     * are short, and a longer one is none of them.
     */
    private static String[] words(String sql, int start) {
        String[] words = new String[8];
        int count = 0;
        int i = start;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == ';') {
                i++;
            } else if (SqlFilter.isCommentAt(sql, i)) {
                i = SqlFilter.afterComment(sql, i);
            } else if (count == words.length) {
                return new String[0];
            } else if (c == '"' || c == '`' || c == '\'') {
                int end = sql.indexOf(c, i + 1);
                if (end < 0) {
                    return new String[0];
                }
                words[count++] = sql.substring(i, end + 1);
                i = end + 1;
            } else {
                int end = i;
                while (end < n && !Character.isWhitespace(sql.charAt(end)) && sql.charAt(end) != ';'
                        && !SqlFilter.isCommentAt(sql, end)) {
                    end++;
                }
                words[count++] = sql.substring(i, end).toLowerCase(Locale.ROOT);
                i = end;
            }
        }
        return Arrays.copyOf(words, count);
    }
}
