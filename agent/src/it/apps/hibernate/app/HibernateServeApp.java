package app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.cfg.Configuration;

/**
 * A Hibernate app that builds its SessionFactory at once and writes when told on stdin: "write"
 * commits one Item of owner "alice", "exit" ends it. Prints "ready" once the factory is built
 * and "written" after each commit.
 */
public final class HibernateServeApp {

    public static void main(String[] args) throws Exception {
        Configuration cfg = new Configuration()
                .setProperty("hibernate.connection.url", "jdbc:h2:mem:serve;DB_CLOSE_DELAY=-1")
                .setProperty("hibernate.connection.username", "sa")
                .setProperty("hibernate.connection.password", "")
                .setProperty("hibernate.hbm2ddl.auto", "create")
                .addAnnotatedClass(Owner.class)
                .addAnnotatedClass(Item.class)
                .addAnnotatedClass(Note.class);
        try (SessionFactory sf = cfg.buildSessionFactory();
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
            Owner alice = new Owner("alice");
            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                s.persist(alice);
                tx.commit();
            }
            System.out.println("ready");
            int written = 0;
            for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
                if (line.equals("write")) {
                    try (Session s = sf.openSession()) {
                        Transaction tx = s.beginTransaction();
                        s.persist(new Item("item " + ++written, written, s.find(Owner.class, alice.id)));
                        tx.commit();
                    }
                    System.out.println("written");
                }
            }
        }
    }
}
