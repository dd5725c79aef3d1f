package app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;
import org.hibernate.cfg.Configuration;

/**
 * A Hibernate app that builds its SessionFactory at once and writes when told on stdin, on H2 or
 * on the JDBC URL (and user) given as its arguments. Owners "alice" (id 1) and "bob" (id 2) exist
 * from the start. Commands:
 * <ul>
 *   <li>"write": commits one Item of alice, then prints "written";</li>
 *   <li>"add OWNER NAME": commits an Item of that owner;</li>
 *   <li>"doomed OWNER NAME": persists an Item and flushes it, then rolls back;</li>
 *   <li>"rename NAME NEW": commits the Item's new name; "remove NAME" deletes it;</li>
 *   <li>"stateless-add", "stateless-doomed", "stateless-rename" and "stateless-remove" do the same
 *       through a StatelessSession (insert, update, delete), each in a transaction of its own;
 *       "stateless-upsert NAME QTY" upserts the Item with a new quantity, "stateless-many OWNER NAME..."
 *       inserts Items in one call (7.x's insertMultiple; one insert each before), and
 *       "stateless-many-failing OWNER NAME..." those and one the database refuses, then commits;
 *       "stateless-own OWNER NAME" and "stateless-own-doomed OWNER NAME" insert through a
 *       StatelessSession on a JDBC connection of the app's own, in its transaction, then commit or
 *       roll back that;</li>
 *   <li>"exit" ends it.</li>
 * </ul>
 * Prints "ready" once the owners are committed, and "done COMMAND" after each of the others.
 * With {@code -Dapp.unregistered=true} its factory leaves Hibernate's registry as soon as it is
 * built, as one that Quarkus builds never enters it.
 */
public final class HibernateServeApp {

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "jdbc:h2:mem:serve;DB_CLOSE_DELAY=-1";
        String user = args.length > 1 ? args[1] : "sa";
        Configuration cfg = new Configuration()
                .setProperty("hibernate.connection.url", url)
                .setProperty("hibernate.connection.username", user)
                .setProperty("hibernate.connection.password", "")
                .setProperty("hibernate.hbm2ddl.auto", "create")
                .addAnnotatedClass(Owner.class)
                .addAnnotatedClass(Item.class)
                .addAnnotatedClass(Note.class);
        try (SessionFactory sf = cfg.buildSessionFactory();
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
            if (Boolean.getBoolean("app.unregistered")) {
                unregister();
            }
            Owner alice = new Owner("alice");
            Owner bob = new Owner("bob");
            try (Session s = sf.openSession()) {
                Transaction tx = s.beginTransaction();
                s.persist(alice);
                s.persist(bob);
                tx.commit();
            }
            System.out.println("ready");
            int written = 0;
            for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
                String[] words = line.split(" ");
                if (words[0].startsWith("stateless-own")) {
                    statelessOnOwnConnection(sf, url, user, words[2], words[1].equals("bob") ? bob.id : alice.id,
                            words[0].endsWith("-doomed"));
                    System.out.println("done " + words[0]);
                    continue;
                }
                if (words[0].startsWith("stateless-")) {
                    stateless(sf, words, words[1].equals("bob") ? bob.id : alice.id);
                    System.out.println("done " + words[0]);
                    continue;
                }
                try (Session s = sf.openSession()) {
                    Transaction tx = s.beginTransaction();
                    switch (words[0]) {
                        case "write" -> s.persist(new Item("item " + ++written, written, s.find(Owner.class, alice.id)));
                        case "add", "doomed" -> s.persist(new Item(words[2], 1, s.find(Owner.class,
                                words[1].equals("bob") ? bob.id : alice.id)));
                        case "rename" -> byName(s, words[1]).name = words[2];
                        case "hide" -> byName(s, words[1]).secret = words[2];
                        case "remove" -> s.remove(byName(s, words[1]));
                        default -> throw new IllegalArgumentException("unknown command: " + line);
                    }
                    if (words[0].equals("doomed")) {
                        s.flush();
                        tx.rollback();
                    } else {
                        tx.commit();
                    }
                }
                System.out.println(words[0].equals("write") ? "written" : "done " + words[0]);
            }
        }
    }

    /** Empties Hibernate's registry of factories (a private map, the same in 5.6, 6.x and 7.x). */
    private static void unregister() throws ReflectiveOperationException {
        Class<?> registry = Class.forName("org.hibernate.internal.SessionFactoryRegistry");
        java.lang.reflect.Field map = registry.getDeclaredField("sessionFactoryMap");
        map.setAccessible(true);
        ((java.util.Map<?, ?>) map.get(registry.getField("INSTANCE").get(null))).clear();
    }

    private static void stateless(SessionFactory sf, String[] words, Long owner) {
        try (StatelessSession s = sf.openStatelessSession()) {
            Transaction tx = s.beginTransaction();
            switch (words[0]) {
                case "stateless-add", "stateless-doomed" -> s.insert(new Item(words[2], 1, (Owner) s.get(Owner.class, owner)));
                case "stateless-rename" -> {
                    Item item = statelessByName(s, words[1]);
                    item.name = words[2];
                    s.update(item);
                }
                case "stateless-remove" -> s.delete(statelessByName(s, words[1]));
                case "stateless-upsert" -> {
                    Item item = statelessByName(s, words[1]);
                    item.qty = Integer.parseInt(words[2]);
                    upsert(s, item);
                }
                case "stateless-many", "stateless-many-failing" -> {
                    List<Item> items = new ArrayList<>();
                    for (int i = 2; i < words.length; i++) {
                        items.add(new Item(words[i], 1, (Owner) s.get(Owner.class, owner)));
                    }
                    if (words[0].equals("stateless-many-failing")) {
                        // longer than the column: the database refuses it, the app goes on and commits
                        items.add(new Item("x".repeat(300), 1, (Owner) s.get(Owner.class, owner)));
                        try {
                            insertMultiple(s, items);
                        } catch (RuntimeException refused) {
                            System.out.println("refused: " + refused.getClass().getSimpleName());
                        }
                    } else {
                        insertMultiple(s, items);
                    }
                }
                default -> throw new IllegalArgumentException("unknown command: " + String.join(" ", words));
            }
            if (words[0].equals("stateless-doomed")) {
                tx.rollback();
            } else {
                tx.commit();
            }
        }
    }

    /** A StatelessSession on a connection of the app's own (as Spring hands it one), in that connection's transaction. */
    private static void statelessOnOwnConnection(SessionFactory sf, String url, String user, String name, Long owner, boolean doomed)
            throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            c.setAutoCommit(false);
            try (StatelessSession s = sf.openStatelessSession(c)) {
                s.insert(new Item(name, 1, (Owner) s.get(Owner.class, owner)));
            }
            if (doomed) {
                c.rollback();
            } else {
                c.commit();
            }
        }
    }

    /** 7.x's insertMultiple (a JDBC batch of the list's size); Hibernate 6.6 has none, so one insert each. */
    private static void insertMultiple(StatelessSession s, List<Item> items) {
        try {
            StatelessSession.class.getMethod("insertMultiple", List.class).invoke(s, items);
        } catch (NoSuchMethodException older) {
            items.forEach(s::insert);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** upsert() came with 6.3; 5.6 updates instead. */
    private static void upsert(StatelessSession s, Item item) {
        try {
            StatelessSession.class.getMethod("upsert", Object.class).invoke(s, item);
        } catch (NoSuchMethodException older) {
            s.update(item);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Item statelessByName(StatelessSession s, String name) {
        return s.createQuery("from Item where name = :name", Item.class).setParameter("name", name).getSingleResult();
    }

    private static Item byName(Session s, String name) {
        return s.createQuery("from Item where name = :name", Item.class).setParameter("name", name).getSingleResult();
    }
}
