package app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.registry.BootstrapServiceRegistryBuilder;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.cfg.Configuration;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.service.spi.SessionFactoryServiceRegistry;

/**
 * A Hibernate app whose SessionFactory constructor waits halfway, as a large app's does while it
 * builds its model: an Integrator (called inside the constructor, before the factory enters
 * Hibernate's registry) prints "building" and waits for "go" on stdin. Then, as HibernateServeApp:
 * "ready" once owner alice is committed, "write" commits one Item of alice and prints "written",
 * "exit" ends it.
 */
public final class SlowFactoryApp {

    private static final BlockingQueue<String> LINES = new LinkedBlockingQueue<>();

    public static void main(String[] args) throws Exception {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    LINES.add(line);
                }
            } catch (Exception ignored) {
                // stdin closed
            }
            LINES.add("exit");
        });
        reader.setDaemon(true);
        reader.start();
        Configuration cfg = new Configuration(new BootstrapServiceRegistryBuilder().applyIntegrator(new Waiting()).build())
                .setProperty("hibernate.connection.url", "jdbc:h2:mem:slow;DB_CLOSE_DELAY=-1")
                .setProperty("hibernate.connection.username", "sa")
                .setProperty("hibernate.connection.password", "")
                .setProperty("hibernate.hbm2ddl.auto", "create")
                .addAnnotatedClass(Owner.class)
                .addAnnotatedClass(Item.class)
                .addAnnotatedClass(Note.class);
        try (SessionFactory sf = cfg.buildSessionFactory()) {
            Owner alice = new Owner("alice");
            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                s.persist(alice);
                tx.commit();
            }
            System.out.println("ready");
            int written = 0;
            for (String line = LINES.take(); !line.equals("exit"); line = LINES.take()) {
                try (Session s = sf.openSession()) {
                    Transaction tx = s.beginTransaction();
                    s.persist(new Item("item " + ++written, written, s.find(Owner.class, alice.id)));
                    tx.commit();
                }
                System.out.println("written");
            }
        }
    }

    /** Waits for "go" inside the factory's constructor; the two integrate methods cover 5.6 (the first) and 6.x, 7.x. */
    private static final class Waiting implements Integrator {
        private boolean waited;

        public void integrate(Metadata metadata, SessionFactoryImplementor factory, SessionFactoryServiceRegistry registry) {
            await();
        }

        public void integrate(Metadata metadata, BootstrapContext context, SessionFactoryImplementor factory) {
            await();
        }

        public void disintegrate(SessionFactoryImplementor factory, SessionFactoryServiceRegistry registry) {
        }

        private void await() {
            if (waited) {
                return;
            }
            waited = true;
            System.out.println("building");
            try {
                while (!LINES.take().equals("go")) {
                    // only "go" lets the constructor go on
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
