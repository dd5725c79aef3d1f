package app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;

/** JDBC through a HikariCP pool: its proxies wrap the driver's objects. */
public final class HikariApp {

    private static final String INSERT = "INSERT INTO messages (id, chat, content) VALUES (?, ?, ?)";

    public static void main(String[] args) throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:pool;DB_CLOSE_DELAY=-1");
        config.setUsername("sa");
        config.setMaximumPoolSize(1);
        config.setAutoCommit(false);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE messages (id INT PRIMARY KEY, chat INT, content VARCHAR(200))");
                c.commit();
            }
            try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
                insert(ps, 1, "pooled commit");
                c.commit();
                insert(ps, 2, "pooled rollback");
                c.rollback();
                insert(ps, 3, "kept");
                Savepoint sp = c.setSavepoint();
                insert(ps, 4, "after savepoint, rolled back");
                c.rollback(sp);
                c.commit();
            }
            // closed with uncommitted work: the pool rolls it back on the physical connection
            try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
                insert(ps, 5, "abandoned at close");
            }
            try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (int id = 6; id < 8; id++) {
                    ps.setInt(1, id);
                    ps.setInt(2, 1);
                    ps.setString(3, "pooled batch " + id);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            }
        }
        System.out.println("done");
    }

    private static void insert(PreparedStatement ps, int id, String content) throws SQLException {
        ps.setInt(1, id);
        ps.setInt(2, 1);
        ps.setString(3, content);
        ps.executeUpdate();
    }
}
