package dev.rowcast.agent.jdbc;

import java.util.regex.Pattern;

/**
 * A query of the key the connection's last insert generated, as EclipseLink's {@code IDENTITY}
 * strategy and MyBatis's {@code selectKey} read it instead of {@code getGeneratedKeys()}:
 * {@code SELECT lastval()}, {@code SELECT currval('orders_id_seq')} (PostgreSQL),
 * {@code SELECT LAST_INSERT_ID()} (MySQL, MariaDB), {@code CALL IDENTITY()} (H2, HSQLDB),
 * {@code SELECT @@IDENTITY} and {@code SELECT SCOPE_IDENTITY()} (SQL Server),
 * {@code VALUES IDENTITY_VAL_LOCAL()} (Derby, DB2), each with an alias or {@code FROM} a dummy
 * table at most, and comments before it.
 */
final class IdentityQuery {

    private static final Pattern QUERY = Pattern.compile(
            "(?:select|call|values)\\s+(?:lastval\\s*\\(\\s*\\)|currval\\s*\\([^()]*(?:\\([^()]*\\)[^()]*)?\\)"
                    + "|last_insert_id\\s*\\(\\s*\\)|@@identity|scope_identity\\s*\\(\\s*\\)|identity\\s*\\(\\s*\\)"
                    + "|identity_val_local\\s*\\(\\s*\\))"
                    + "(?:\\s+(?:as\\s+)?\"?\\w+\"?)?(?:\\s+from\\s+[\\w.]+)?\\s*;?\\s*",
            Pattern.CASE_INSENSITIVE);

    /** Longer SQL is some other query: this spares the pattern the app's long selects. */
    private static final int MAX_LENGTH = 160;

    private IdentityQuery() {}

    static boolean is(String sql) {
        if (sql == null || sql.length() > MAX_LENGTH || sql.isEmpty()) {
            return false;
        }
        int start = SqlFilter.firstWord(sql);
        if (start >= sql.length()) {
            return false;
        }
        char first = Character.toLowerCase(sql.charAt(start));
        return (first == 's' || first == 'c' || first == 'v') && QUERY.matcher(sql).region(start, sql.length()).matches();
    }
}
