package app;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Properties;
import org.apache.commons.dbcp2.BasicDataSource;
import org.h2.jdbc.SelfDelegatingConnection;

/**
 * JDBC through Apache Commons DBCP 2, whose delegating wrappers answer unwrap() with themselves,
 * and through a driver whose executeUpdate() calls its own executeLargeUpdate(), as MySQL's does:
 * each layer's method runs the hooks, and each row must still be reported once.
 */
public final class PoolsApp {

    private static final String URL = "jdbc:h2:mem:pools;DB_CLOSE_DELAY=-1";
    private static final String INSERT = "INSERT INTO messages (id, chat, content) VALUES (?, ?, ?)";

    public static void main(String[] args) throws SQLException {
        try (BasicDataSource pool = new BasicDataSource()) {
            pool.setUrl(URL);
            pool.setUsername("sa");
            pool.setMaxTotal(1);
            pool.setDefaultAutoCommit(false);
            pool.setPoolPreparedStatements(true);
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE messages (id INT PRIMARY KEY, chat INT, content VARCHAR(200))");
                s.execute("CREATE TABLE audit (id INT PRIMARY KEY)");
                c.commit();
            }
            try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
                insert(ps, 1, "dbcp commit");
                c.commit();
                insert(ps, 2, "dbcp rollback");
                c.rollback();
                insert(ps, 3, "dbcp kept");
                Savepoint sp = c.setSavepoint();
                insert(ps, 4, "after savepoint, rolled back");
                c.rollback(sp);
                c.commit();
            }
            // the pool hands out the statement it kept: no prepare reaches the driver this time
            try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
                insert(ps, 5, "dbcp pooled statement");
                c.commit();
            }
            // a batch on the statement the pool kept: its wrapper's calls are not the driver's, each row is one event
            try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (int id = 20; id <= 22; id++) {
                    ps.setInt(1, id);
                    ps.setInt(2, 1);
                    ps.setString(3, "pooled batch " + id);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            }
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO messages (id, chat, content) VALUES (6, 1, 'dbcp plain')");
                c.commit();
                // a batch whose entries write other tables too: each entry meets its own update count
                s.addBatch("DELETE FROM audit WHERE id = 0");
                s.addBatch("INSERT INTO messages (id, chat, content) VALUES (7, 1, 'batch after a no-op')");
                s.addBatch("INSERT INTO audit (id) VALUES (1)");
                s.addBatch("DELETE FROM messages WHERE id = 999");
                s.executeBatch();
                c.commit();
            }
            try (Connection c = pool.getConnection();
                 PreparedStatement ps = c.prepareStatement("/* app:PoolsApp */ -- a tool's note\n" + INSERT)) {
                insert(ps, 8, "after a comment");
                c.commit();
            }
            // as MyBatis writes: execute(), whose answer holds no count; the update of no row is not an event
            try (Connection c = pool.getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE messages SET chat = ?, content = ? WHERE id = ?")) {
                update(ps, 1, "updated through execute()");
                update(ps, 999, "no such row");
                c.commit();
            }
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO messages VALUES (9, 1, 'no column list')");
                c.commit();
            }
        }
        Properties login = new Properties();
        login.setProperty("user", "sa");
        try (Connection c = new SelfDelegatingConnection(URL, login); PreparedStatement ps = c.prepareStatement(INSERT)) {
            insert(ps, 10, "self-delegating driver");
        }
        // a trigger's own JDBC write, inside the app's insert on the app's thread, hides nothing
        try (Connection c = DriverManager.getConnection(URL, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TRIGGER audit_messages AFTER INSERT ON messages FOR EACH ROW CALL \"app.AuditTrigger\"");
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                insert(ps, 11, "under a trigger");
            }
        }
        System.out.println("done");
    }

    private static void update(PreparedStatement ps, int id, String content) throws SQLException {
        ps.setInt(1, 1);
        ps.setString(2, content);
        ps.setInt(3, id);
        ps.execute();
    }

    private static void insert(PreparedStatement ps, int id, String content) throws SQLException {
        ps.setInt(1, id);
        ps.setInt(2, 1);
        ps.setString(3, content);
        ps.executeUpdate();
    }
}
