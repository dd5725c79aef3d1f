package dev.rowcast.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import dev.rowcast.sample.api.ApiHandler;
import dev.rowcast.sample.api.MessagesCollection;
import dev.rowcast.sample.api.NotificationsCollection;
import dev.rowcast.sample.api.PostsCollection;
import dev.rowcast.sample.api.UsersApi;
import dev.rowcast.sample.auth.Passwords;
import dev.rowcast.sample.auth.Tokens;
import dev.rowcast.sample.db.Database;
import dev.rowcast.sample.model.Notification;
import dev.rowcast.sample.model.Post;
import dev.rowcast.sample.model.User;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.AvailableSettings;

/** The sample CMS: a page and a Payload-shaped REST API over Hibernate and plain JDBC. */
public final class SampleApp implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SampleApp.class.getName());
    // Held so the level set below is not lost when JUL collects unreferenced loggers.
    private static final Logger HIBERNATE_LOG = Logger.getLogger("org.hibernate");

    /** The seeded demo users: email, name, password. */
    static final List<List<String>> DEMO_USERS = List.of(
            List.of("alice@example.com", "Alice", "alice"),
            List.of("bob@example.com", "Bob", "bob"));

    private final HikariDataSource dataSource;
    private final SessionFactory sessions;
    private final ExecutorService workers;
    private final HttpServer http;

    private SampleApp(HikariDataSource dataSource, SessionFactory sessions, ExecutorService workers, HttpServer http) {
        this.dataSource = dataSource;
        this.sessions = sessions;
        this.workers = workers;
        this.http = http;
    }

    public static void main(String[] args) {
        Settings settings = Settings.fromEnvironment(System.getenv());
        SampleApp app = start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "cms-shutdown"));
        LOG.info("CMS page and REST API on http://localhost:" + app.port() + " (demo logins: "
                + "alice@example.com / alice, bob@example.com / bob)");
    }

    public static SampleApp start(Settings settings) {
        HIBERNATE_LOG.setLevel(Level.WARNING);
        if (settings.usesDevSecret()) {
            LOG.warning("ROWCAST_JWT_SECRET is not set: signing logins with the built-in dev secret."
                    + " Set ROWCAST_JWT_SECRET (32+ bytes) for anything but a local demo.");
        }
        Tokens tokens = new Tokens(settings.effectiveJwtSecret(), Clock.systemUTC());
        HikariDataSource dataSource = Database.open(settings.databaseUrl());
        SessionFactory sessions = null;
        ExecutorService workers = null;
        try {
            try (Connection connection = dataSource.getConnection()) {
                Database.createSchema(connection);
            }
            sessions = sessionFactory(dataSource);
            seed(sessions);
            ObjectMapper mapper = new ObjectMapper();
            UsersApi users = new UsersApi(sessions, tokens);
            ApiHandler api = new ApiHandler(mapper, users, List.of(
                    new NotificationsCollection(sessions),
                    new PostsCollection(sessions),
                    new MessagesCollection(dataSource)));
            HttpServer http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
            http.createContext("/api/", api);
            http.createContext("/", new StaticFiles());
            workers = Executors.newFixedThreadPool(16, daemonThreads());
            http.setExecutor(workers);
            http.start();
            return new SampleApp(dataSource, sessions, workers, http);
        } catch (SQLException e) {
            closeQuietly(sessions, workers, dataSource);
            throw new IllegalStateException("Cannot set up the database at " + settings.databaseUrl()
                    .replaceAll("//[^@/]*@", "//***@") + ": " + e.getMessage() + " (check DATABASE_URL)", e);
        } catch (IOException e) {
            closeQuietly(sessions, workers, dataSource);
            throw new UncheckedIOException("Cannot listen on " + settings.host() + ":" + settings.port()
                    + " (is another program using it? set PORT to another port)", e);
        } catch (RuntimeException e) {
            closeQuietly(sessions, workers, dataSource);
            throw e;
        }
    }

    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        closeQuietly(sessions, workers, dataSource);
    }

    private static SessionFactory sessionFactory(HikariDataSource dataSource) {
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySetting(AvailableSettings.DATASOURCE, dataSource)
                .applySetting(AvailableSettings.HBM2DDL_AUTO, "none")
                .build();
        try {
            return new MetadataSources(registry)
                    .addAnnotatedClasses(User.class, Notification.class, Post.class)
                    .buildMetadata()
                    .buildSessionFactory();
        } catch (RuntimeException e) {
            StandardServiceRegistryBuilder.destroy(registry);
            throw e;
        }
    }

    private static void seed(SessionFactory sessions) {
        sessions.inTransaction(session -> {
            for (List<String> demo : DEMO_USERS) {
                boolean exists = session.createSelectionQuery("select count(u) from User u where u.email = :email",
                        Long.class).setParameter("email", demo.get(0)).getSingleResult() > 0;
                if (!exists) {
                    session.persist(new User(demo.get(0), demo.get(1), Passwords.hash(demo.get(2))));
                }
            }
        });
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "cms-http-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void closeQuietly(SessionFactory sessions, ExecutorService workers, HikariDataSource dataSource) {
        if (workers != null) {
            workers.shutdownNow();
        }
        if (sessions != null) {
            sessions.close();
        }
        dataSource.close();
    }
}
