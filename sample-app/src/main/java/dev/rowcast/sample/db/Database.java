package dev.rowcast.sample.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The connection pool and the schema; both H2 and PostgreSQL read the same DDL. */
public final class Database {

    private Database() {
    }

    /**
     * Opens a HikariCP pool for {@code url}: a {@code jdbc:} URL as is, or a
     * {@code postgres://user:pass@host:port/db} URL as platforms such as Heroku hand them out.
     */
    public static HikariDataSource open(String url) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("cms");
        config.setMaximumPoolSize(8);
        if (url.startsWith("jdbc:")) {
            config.setJdbcUrl(url);
        } else if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
            URI uri = URI.create(url);
            String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            config.setJdbcUrl("jdbc:postgresql://" + uri.getHost() + port + uri.getRawPath() + query);
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                config.setUsername(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
                if (colon >= 0) {
                    config.setPassword(decode(userInfo.substring(colon + 1)));
                }
            }
        } else {
            throw new IllegalArgumentException("DATABASE_URL='" + redact(url)
                    + "' is not understood: use postgres://user:pass@host:5432/db or a jdbc: URL");
        }
        return new HikariDataSource(config);
    }

    /** Creates the tables that do not exist yet; safe to run on every start. */
    public static void createSchema(Connection connection) throws SQLException {
        try (InputStream in = Database.class.getResourceAsStream("/schema.sql")) {
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            try (Statement statement = connection.createStatement()) {
                for (String ddl : sql.split(";")) {
                    if (!ddl.isBlank()) {
                        statement.execute(ddl);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("schema.sql is missing from the sample's jar", e);
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String redact(String url) {
        return url.replaceAll("//[^@/]*@", "//***@");
    }
}
