package app;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;

/**
 * A plain JDBC app that knows nothing of Rowcast: each step writes rows tagged with its name.
 * Runs on H2 by default, or on the database of the JDBC URL given as its argument.
 */
public final class JdbcApp {

    private static final String INSERT = "INSERT INTO messages (id, chat, author, content) VALUES (?, ?, ?, ?)";

    public static void main(String[] args) throws SQLException {
        String url = args.length > 0 ? args[0] : "jdbc:h2:mem:jdbc;DB_CLOSE_DELAY=-1";
        String user = args.length > 1 ? args[1] : "sa";
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE messages (id INT PRIMARY KEY, chat INT, author VARCHAR(40), content VARCHAR(200))");
                s.execute("CREATE TABLE audit (id INT PRIMARY KEY, content VARCHAR(200))");
                s.executeUpdate("INSERT INTO messages (id, chat, author, content) VALUES (1, 7, 'ann', 'autocommit literal')");
                s.executeUpdate("INSERT INTO audit (id, content) VALUES (1, 'unconfigured table')");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                insert(ps, 2, 7, "committed one");
                insert(ps, 3, 8, "committed two");
                c.commit();

                insert(ps, 4, 7, "rolled back");
                c.rollback();

                insert(ps, 5, 7, "before savepoint");
                Savepoint sp = c.setSavepoint();
                insert(ps, 6, 7, "after savepoint, rolled back");
                c.rollback(sp);
                insert(ps, 7, 7, "after savepoint rollback");
                c.commit();

                for (int id = 10; id < 13; id++) {
                    ps.setInt(1, id);
                    ps.setInt(2, 9);
                    ps.setString(3, "bob");
                    ps.setString(4, "batch " + id);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE messages SET content = ? WHERE id = ?")) {
                ps.setString(1, "edited");
                ps.setInt(2, 2);
                ps.executeUpdate();
                c.commit();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM messages WHERE id = ?")) {
                ps.setInt(1, 3);
                ps.executeUpdate();
                c.commit();
            }
            try (Statement s = c.createStatement()) {
                s.addBatch("INSERT INTO messages (id, chat, author, content) VALUES (20, 5, 'cy', 'statement batch')");
                s.addBatch("INSERT INTO messages (id, chat, author, content) VALUES (21, 5, 'cy', 'multi one'), (22, 5, 'cy', 'multi two')");
                s.executeBatch();
                c.commit();
            }
            // a failed statement: PostgreSQL aborts the transaction and its commit() rolls back; H2 commits the rest
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                insert(ps, 40, 4, "before a failed statement");
                failToInsert(ps, 40);
                c.commit();
                // the way to go on after a failure on PostgreSQL: roll back to a savepoint set before it
                insert(ps, 41, 4, "before a savepoint-guarded failure");
                Savepoint guard = c.setSavepoint();
                failToInsert(ps, 41);
                c.rollback(guard);
                c.commit();
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                insert(ps, 30, 6, "committed by setAutoCommit(true)");
                c.setAutoCommit(true);
            }
            // transaction control written in SQL, as scripts and migration tools write it, in autocommit
            try (Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement(INSERT)) {
                s.execute("BEGIN");
                insert(ps, 50, 3, "rolled back in SQL");
                s.execute("ROLLBACK");
                s.execute("BEGIN");
                insert(ps, 51, 3, "before an SQL savepoint");
                s.execute("SAVEPOINT s1");
                insert(ps, 52, 3, "after an SQL savepoint, rolled back");
                s.execute("ROLLBACK TO SAVEPOINT s1");
                s.execute("RELEASE SAVEPOINT s1");
                insert(ps, 53, 3, "committed in SQL");
                s.execute("COMMIT");
                insert(ps, 54, 3, "autocommitted after an SQL COMMIT");
            }
            // a connection whose first statement is a BEGIN in SQL
            try (Connection fresh = DriverManager.getConnection(url, user, "");
                 Statement s = fresh.createStatement();
                 PreparedStatement ps = fresh.prepareStatement(INSERT)) {
                s.execute("BEGIN");
                insert(ps, 60, 3, "committed after a first BEGIN");
                s.execute("COMMIT /* traceparent='00-4bf92f3577b34da6-00f067aa0ba902b7-01' */");
                insert(ps, 61, 3, "autocommitted after a first BEGIN");
                // ended as a pool ends what a returned connection left open: rollback() where the driver
                // left autocommit (H2's BEGIN turns it off), else in SQL (PostgreSQL's driver stays in it)
                s.execute("BEGIN");
                insert(ps, 62, 3, "rolled back after a BEGIN, as a pool does");
                if (!fresh.getAutoCommit()) {
                    fresh.rollback();
                } else {
                    s.execute("ROLLBACK");
                }
                insert(ps, 63, 3, "autocommitted after a pool's rollback");
                s.execute("BEGIN");
                s.execute("SAVEPOINT s");
                insert(ps, 64, 3, "before a second savepoint of one name");
                s.execute("SAVEPOINT s");
                insert(ps, 65, 3, "after a second savepoint of one name, rolled back");
                s.execute("ROLLBACK TO SAVEPOINT s -- the later one");
                s.execute("COMMIT");
                s.execute("BEGIN");
                insert(ps, 66, 3, "rolled back by a prepared ROLLBACK");
                try (PreparedStatement rollback = fresh.prepareStatement("ROLLBACK")) {
                    rollback.execute();
                }
                insert(ps, 67, 3, "autocommitted after a prepared ROLLBACK");
            }
        }
        arrays(url, user);
        typed(url, user);
        System.out.println("done");
    }

    /** Array columns bound with createArrayOf and with a Java array, beside a streamed one the agent does not read. */
    private static void arrays(String url, String user) throws SQLException {
        boolean postgres = url.startsWith("jdbc:postgresql:");
        try (Connection c = DriverManager.getConnection(url, user, "");
             Statement s = c.createStatement()) {
            s.execute(postgres
                    ? "CREATE TABLE tagged (id INT PRIMARY KEY, tags TEXT[], scores INT[], photo BYTEA)"
                    : "CREATE TABLE tagged (id INT PRIMARY KEY, tags VARCHAR ARRAY, scores INT ARRAY, photo VARBINARY)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tagged (id, tags, scores, photo) VALUES (?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setArray(2, c.createArrayOf(postgres ? "text" : "VARCHAR", new String[] {"red", "green"}));
                ps.setObject(3, new Integer[] {3, 5});
                ps.setBinaryStream(4, new ByteArrayInputStream(new byte[] {1, 2, 3}));
                ps.executeUpdate();
            }
            if (postgres) {
                // jsonb as plain JDBC binds it: the driver's PGobject (loaded by name, as the app also runs on H2)
                s.execute("ALTER TABLE tagged ADD COLUMN meta JSONB");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO tagged (id, meta) VALUES (?, ?)")) {
                    Object meta = Class.forName("org.postgresql.util.PGobject").getConstructor().newInstance();
                    meta.getClass().getMethod("setType", String.class).invoke(meta, "jsonb");
                    meta.getClass().getMethod("setValue", String.class).invoke(meta, "{\"owner\": 7, \"tags\": [\"x\"]}");
                    ps.setInt(1, 2);
                    ps.setObject(2, meta);
                    ps.executeUpdate();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                // a document and a timestamp bound as text, which the SQL casts (jOOQ binds an OffsetDateTime so)
                s.execute("ALTER TABLE tagged ADD COLUMN at TIMESTAMPTZ");
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO tagged (id, meta, at) VALUES (?, ?::jsonb, cast(? as timestamp with time zone))")) {
                    ps.setInt(1, 3);
                    ps.setString(2, "{\"owner\": 8}");
                    ps.setString(3, "2025-01-02 03:04:05+00:00");
                    ps.executeUpdate();
                }
            }
        }
    }

    /**
     * Every simple setter, on one statement whose places change kind from row to row (a value, then
     * NULL, then a value of another setter), executed alone and in a batch.
     */
    private static void typed(String url, String user) throws SQLException {
        boolean postgres = url.startsWith("jdbc:postgresql:");
        Timestamp at = Timestamp.from(Instant.parse("2025-01-02T03:04:05Z"));
        try (Connection c = DriverManager.getConnection(url, user, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE typed (id BIGINT PRIMARY KEY, n INT, small SMALLINT, tiny " + (postgres ? "SMALLINT" : "TINYINT")
                    + ", flag BOOLEAN, d DOUBLE PRECISION, r REAL, label VARCHAR(40), amount NUMERIC(10, 2), note VARCHAR(40), at TIMESTAMP)");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO typed (id, n, small, tiny, flag, d, r, label, amount, note, at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                typedRow(ps, 1, 7, (short) 3, (byte) 4, true, 1.5, 2.5f, "first", new BigDecimal("12.30"), at);
                ps.executeUpdate();

                ps.setLong(1, 2);
                ps.setObject(2, 8);
                ps.setNull(3, Types.SMALLINT);
                ps.setByte(4, (byte) 5);
                ps.setBoolean(5, false);
                ps.setNull(6, Types.DOUBLE);
                ps.setFloat(7, 0.5f);
                if (postgres) {
                    ps.setString(8, "second"); // PostgreSQL's driver has no setNString
                } else {
                    ps.setNString(8, "second");
                }
                ps.setNull(9, Types.NUMERIC);
                ps.setString(10, "a note");
                ps.setNull(11, Types.TIMESTAMP);
                ps.addBatch();

                typedRow(ps, 3, 9, (short) 6, (byte) 7, true, -2.25, 8f, "third", new BigDecimal("0.05"), at);
                ps.addBatch();
                ps.executeBatch();
            }
            c.commit();
        }
    }

    /** A typed row of a value for each place, with the simple setters, and no note. */
    private static void typedRow(PreparedStatement ps, long id, int n, short small, byte tiny, boolean flag, double d, float r,
                                 String label, BigDecimal amount, Timestamp at) throws SQLException {
        ps.setLong(1, id);
        ps.setInt(2, n);
        ps.setShort(3, small);
        ps.setByte(4, tiny);
        ps.setBoolean(5, flag);
        ps.setDouble(6, d);
        ps.setFloat(7, r);
        ps.setString(8, label);
        ps.setBigDecimal(9, amount);
        ps.setNull(10, Types.VARCHAR);
        ps.setTimestamp(11, at);
    }

    private static void failToInsert(PreparedStatement ps, int takenId) {
        try {
            insert(ps, takenId, 4, "duplicate key");
            throw new IllegalStateException("inserted a duplicate key");
        } catch (SQLException expected) {
            System.out.println("failed as expected: " + expected.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static void insert(PreparedStatement ps, int id, int chat, String content) throws SQLException {
        ps.setInt(1, id);
        ps.setInt(2, chat);
        ps.setString(3, "ann");
        ps.setString(4, content);
        ps.executeUpdate();
    }
}
