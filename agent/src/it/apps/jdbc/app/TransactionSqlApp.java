package app;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Transaction control written in SQL where it is hard to follow: statements the database refuses,
 * a BEGIN in manual-commit mode, savepoint names quoted and not, a JDBC savepoint rolled back in
 * SQL, autocommit switched in SQL, and on PostgreSQL two-phase commit. The same steps run on H2 and PostgreSQL, which end some
 * of them differently. Prints each refused statement, then the rows the table holds:
 * "held: a | b | ...".
 */
public final class TransactionSqlApp {

    private static final String INSERT = "INSERT INTO messages (id, chat, author, content) VALUES (?, 1, 'tx', ?)";

    public static void main(String[] args) throws SQLException {
        String url = args.length > 0 ? args[0] : "jdbc:h2:mem:txsql;DB_CLOSE_DELAY=-1";
        String user = args.length > 1 ? args[1] : "sa";
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE messages (id INT PRIMARY KEY, chat INT, author VARCHAR(40), content VARCHAR(200))");
            }
            steps(c);
        }
    }

    private static void steps(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement(INSERT)) {

            // a refused statement inside a BEGIN: PostgreSQL's COMMIT then rolls back, H2's commits
            run(s, "BEGIN");
            insert(ps, 1, "before a refused RELEASE");
            run(s, "RELEASE SAVEPOINT nowhere");
            run(s, "COMMIT");

            // COMMIT AND CHAIN and END: PostgreSQL commits at each, H2 refuses both and commits at the end
            run(s, "BEGIN");
            insert(ps, 2, "before COMMIT AND CHAIN");
            run(s, "COMMIT AND CHAIN");
            insert(ps, 3, "before END");
            run(s, "END");
            insert(ps, 4, "before the last COMMIT");
            run(s, "COMMIT");

            // a BEGIN in manual-commit mode: H2 turns autocommit back on once it ends, PostgreSQL does not
            c.setAutoCommit(false);
            run(s, "BEGIN");
            insert(ps, 5, "committed by commit() after a BEGIN");
            c.commit();
            insert(ps, 6, "after that commit(), then rollback()");
            c.rollback();
            c.setAutoCommit(true);

            // two savepoints whose names differ by quoting and case: one name to H2, two to PostgreSQL
            run(s, "BEGIN");
            run(s, "SAVEPOINT s1");
            insert(ps, 7, "after SAVEPOINT s1");
            run(s, "SAVEPOINT \"S1\"");
            insert(ps, 8, "after SAVEPOINT \"S1\"");
            run(s, "ROLLBACK TO SAVEPOINT s1");
            run(s, "COMMIT");

            // a savepoint named through JDBC, rolled back to in SQL (H2 quotes the name it is given)
            c.setAutoCommit(false);
            insert(ps, 9, "before a JDBC savepoint");
            c.setSavepoint("sp1");
            insert(ps, 10, "after a JDBC savepoint");
            run(s, "ROLLBACK TO SAVEPOINT sp1");
            c.commit();
            c.setAutoCommit(true);

            // autocommit switched in SQL (H2's SET AUTOCOMMIT; PostgreSQL refuses it and stays in autocommit)
            run(s, "SET AUTOCOMMIT FALSE");
            insert(ps, 13, "after SET AUTOCOMMIT FALSE, rolled back");
            run(s, "ROLLBACK");
            insert(ps, 14, "after SET AUTOCOMMIT FALSE, committed");
            run(s, "COMMIT");
            insert(ps, 15, "committed by SET AUTOCOMMIT TRUE");
            run(s, "SET AUTOCOMMIT TRUE");
            run(s, "ROLLBACK");
            insert(ps, 16, "after SET AUTOCOMMIT TRUE");

            if (c.getMetaData().getURL().startsWith("jdbc:postgresql:")) {
                // two-phase commit, as pgjdbc's XA runs it: prepared on this connection, ended on another
                run(s, "BEGIN");
                insert(ps, 21, "prepared, then committed");
                run(s, "PREPARE TRANSACTION 'g1'");
                run(s, "BEGIN");
                insert(ps, 22, "prepared, then rolled back");
                run(s, "PREPARE TRANSACTION 'g2'");
                try (Connection other = DriverManager.getConnection(c.getMetaData().getURL(), c.getMetaData().getUserName(), "");
                     Statement os = other.createStatement()) {
                    run(os, "ROLLBACK PREPARED 'g2'");
                    run(os, "COMMIT PREPARED 'g1'");
                }
            }

            String url = c.getMetaData().getURL();
            if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
                // START TRANSACTION leaves the driver in autocommit: the transaction runs on to its end
                run(s, "START TRANSACTION");
                insert(ps, 31, "after START TRANSACTION, rolled back");
                run(s, "ROLLBACK");
                run(s, "START TRANSACTION");
                insert(ps, 32, "after START TRANSACTION, committed");
                run(s, "COMMIT");
                // autocommit switched in SQL, MySQL's way
                run(s, "SET autocommit=0");
                insert(ps, 33, "after SET autocommit=0, rolled back");
                run(s, "ROLLBACK");
                insert(ps, 34, "committed by SET autocommit=1");
                run(s, "SET @@session.autocommit = 1");
                run(s, "ROLLBACK");
                // a JDBC batch inside a SQL transaction, which MySQL's driver clears before executeBatch() returns
                run(s, "START TRANSACTION");
                for (int id = 35; id <= 36; id++) {
                    ps.setInt(1, id);
                    ps.setString(2, "batched in a SQL transaction, rolled back");
                    ps.addBatch();
                }
                ps.executeBatch();
                run(s, "ROLLBACK");
            }

            List<String> held = new ArrayList<>();
            try (ResultSet rows = s.executeQuery("SELECT content FROM messages ORDER BY id")) {
                while (rows.next()) {
                    held.add(rows.getString(1));
                }
            }
            System.out.println("held: " + String.join(" | ", held));
        }
    }

    private static void run(Statement s, String sql) {
        try {
            s.execute(sql);
        } catch (SQLException refused) {
            System.out.println("refused: " + sql);
        }
    }

    private static void insert(PreparedStatement ps, int id, String content) throws SQLException {
        ps.setInt(1, id);
        ps.setString(2, content);
        ps.executeUpdate();
    }
}
