package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.agent.jdbc.PreparedSql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The SQL of a statement prepared before the hooks were in, read from each driver Rowcast knows:
 * what makes a statement that a pool kept from the app's start capturable (see AttachIT).
 */
class PreparedSqlIT {

    private static final String INSERT = "INSERT INTO messages (id, chat, content) VALUES (?, ?, ?)";
    private static final String UPDATE = "UPDATE messages SET content = ? WHERE id = ?";

    @Test
    void h2() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:prepared-sql", "sa", "")) {
            check(c);
        }
    }

    @Test
    void postgresql() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
             Connection c = postgres.getPostgresDatabase().getConnection()) {
            check(c);
        }
    }

    @Test
    void mysqlAndMariaDbDrivers() throws Exception {
        try (EmbeddedMariaDb mariaDb = EmbeddedMariaDb.start()) {
            for (String driver : new String[] {"mysql", "mariadb"}) {
                try (Connection c = DriverManager.getConnection(mariaDb.newDatabase("prepared_" + driver, driver, ""), "root", "")) {
                    check(c);
                }
            }
        }
    }

    private static void check(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE messages (id INT PRIMARY KEY, chat INT, content VARCHAR(200))");
            assertThat(PreparedSql.of(s)).as("a plain statement has no SQL of its own").isNull();
        }
        try (PreparedStatement plain = c.prepareStatement(INSERT);
             PreparedStatement keyed = c.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS);
             PreparedStatement named = c.prepareStatement(INSERT, new String[] {"id"});
             PreparedStatement update = c.prepareStatement(UPDATE)) {
            assertThat(PreparedSql.asksForKeys(named)).as("keys asked for by column name").isTrue();
            assertThat(PreparedSql.of(plain)).isEqualTo(INSERT);
            assertThat(PreparedSql.of(keyed)).isEqualTo(INSERT);
            assertThat(PreparedSql.asksForKeys(plain)).isFalse();
            assertThat(PreparedSql.asksForKeys(keyed)).isTrue();
            assertThat(PreparedSql.asksForKeys(update)).isFalse();
            update.setString(1, "x");
            update.setInt(2, 1);
            update.executeUpdate();
            assertThat(PreparedSql.of(update)).as("after it ran").isEqualTo(UPDATE);
        }
    }
}
