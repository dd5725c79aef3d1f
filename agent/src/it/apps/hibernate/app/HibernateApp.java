package app;

import java.util.function.Consumer;
import org.hibernate.Hibernate;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.cfg.Configuration;

/**
 * A plain Hibernate app that knows nothing of Rowcast. The same source runs on 5.6 (javax, the
 * test rewrites the imports), 6.6 and 7.x, on H2 or on the JDBC URL given as its argument.
 * Prints one marker line per step. With {@code -Dapp.otherFactory=true} it builds a factory that
 * maps none of the collections' entities first.
 */
public final class HibernateApp {

    public static void main(String[] args) {
        // -Dapp.otherFactory=true: first a factory of Note alone, on a database of its own, open to the end
        SessionFactory other = Boolean.getBoolean("app.otherFactory") ? new Configuration()
                .setProperty("hibernate.connection.url", "jdbc:h2:mem:other;DB_CLOSE_DELAY=-1")
                .setProperty("hibernate.connection.username", "sa")
                .setProperty("hibernate.connection.password", "")
                .setProperty("hibernate.hbm2ddl.auto", "create")
                .addAnnotatedClass(Note.class)
                .buildSessionFactory() : null;
        Configuration cfg = new Configuration()
                .setProperty("hibernate.connection.url", args.length > 0 ? args[0] : "jdbc:h2:mem:app;DB_CLOSE_DELAY=-1")
                .setProperty("hibernate.connection.username", args.length > 1 ? args[1] : "sa")
                .setProperty("hibernate.connection.password", "")
                .setProperty("hibernate.hbm2ddl.auto", "create")
                // JPA's rule that a proxy's getIdentifier() initialises it: reading an association must not
                .setProperty("hibernate.jpa.compliance.proxy", "true")
                .addAnnotatedClass(Owner.class)
                .addAnnotatedClass(Item.class)
                .addAnnotatedClass(Note.class)
                .addAnnotatedClass(Line.class)
                .addAnnotatedClass(Stock.class)
                .addAnnotatedClass(LineNote.class)
                .addAnnotatedClass(Badge.class)
                .addAnnotatedClass(Animal.class)
                .addAnnotatedClass(Dog.class)
                .addAnnotatedClass(Doc.class);
        try (SessionFactory sf = cfg.buildSessionFactory()) {
            Long ownerId;
            Long keptId;
            Long removedId;
            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                Owner alice = new Owner("alice");
                s.persist(alice);
                Item a = new Item("a", 1, alice);
                Item b = new Item("b", 2, alice);
                s.persist(a);
                s.persist(b);
                s.persist(new Note("not configured"));
                tx.commit();
                ownerId = alice.id;
                keptId = a.id;
                removedId = b.id;
            }
            System.out.println("committed inserts");

            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                s.find(Item.class, keptId).qty = 5;
                tx.commit();
            }
            System.out.println("committed update");

            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                s.persist(new Item("rolled back", 9, s.find(Owner.class, ownerId)));
                s.find(Item.class, removedId).name = "renamed, rolled back";
                s.persist(new Note("rolled back"));
                s.flush();
                tx.rollback();
            }
            System.out.println("rolled back");

            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                s.remove(s.find(Item.class, removedId));
                tx.commit();
            }
            System.out.println("committed delete");

            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                Owner reference = s.getReference(Owner.class, ownerId);
                s.persist(new Item("d", 4, reference));
                tx.commit();
                System.out.println("owner proxy initialized after commit: " + Hibernate.isInitialized(reference));
            }

            // plain JDBC through Hibernate's own connection, outside its action queue
            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                s.doWork(connection -> {
                    try (java.sql.Statement st = connection.createStatement()) {
                        st.executeUpdate("insert into Item (name, qty, secret, made, owner_id) values ('jdbc row', 7, 's', DATE '2024-01-03', "
                                + ownerId + ")");
                    }
                });
                tx.commit();
            }
            System.out.println("committed plain JDBC");

            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                s.persist(new Line(new LineKey(7, 1), "first", new Address("Paris", "75001"), "gift"));
                s.persist(new Stock("s1", "k1", 3));
                s.persist(new Badge(1L, "gold", "shiny"));
                s.persist(new Dog(1L, "Rex", "collie"));
                tx.commit();
            }
            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                s.find(Line.class, new LineKey(7, 1)).address.city = "Lyon";
                tx.commit();
            }
            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                // a reference: an uninitialised proxy of the line
                s.persist(new LineNote(1L, s.getReference(Line.class, new LineKey(7, 1)), "wrap it"));
                tx.commit();
            }
            System.out.println("committed composite ids");

            Doc doc = new Doc("draft");
            inTransaction(sf, s -> s.persist(doc));
            inTransaction(sf, s -> s.find(Doc.class, doc.id).title = "final");
            inTransaction(sf, s -> s.find(Doc.class, doc.id).tags.add("reviewed"));
            System.out.println("committed versioned updates");

            // bulk writes: Hibernate tells its listeners of none of their rows
            inTransaction(sf, s -> System.out.println("bulk update wrote "
                    + s.createQuery("update Item set name = 'bulk' where id = " + keptId).executeUpdate()));
            inTransaction(sf, s -> System.out.println("native update wrote "
                    + s.createNativeQuery("update Item set name = 'native' where id = " + keptId).executeUpdate()));

            Long noteId;
            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                Note note = new Note("deleted unloaded");
                s.persist(note);
                tx.commit();
                noteId = note.id;
            }
            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                Note reference = s.getReference(Note.class, noteId);
                s.remove(reference);
                tx.commit();
                System.out.println("note proxy loaded by its delete: " + Hibernate.isInitialized(reference));
            }
        }
        if (other != null) {
            other.close();
        }
        System.out.println("done");
    }

    private static void inTransaction(SessionFactory sf, Consumer<Session> work) {
        try (Session s = sf.openSession()) {
            Transaction tx = s.beginTransaction();
            work.accept(s);
            tx.commit();
        }
    }
}
