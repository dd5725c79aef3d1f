package app;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import jakarta.persistence.Persistence;

/**
 * A plain JPA app bootstrapped from META-INF/persistence.xml, knowing nothing of Hibernate's own API
 * or of Rowcast. The test rewrites jakarta to javax for Hibernate 5.6. Prints one marker line per step.
 */
public final class JpaApp {

    public static void main(String[] args) {
        EntityManagerFactory emf = Persistence.createEntityManagerFactory("tickets");
        try {
            EntityManager em = emf.createEntityManager();
            EntityTransaction tx = em.getTransaction();
            tx.begin();
            Ticket kept = new Ticket("printer on fire", 3);
            em.persist(kept);
            tx.commit();
            System.out.println("committed insert " + kept.id);

            tx.begin();
            em.persist(new Ticket("rolled back", 3));
            em.find(Ticket.class, kept.id).status = "rolled back";
            em.flush();
            tx.rollback();
            em.close();
            System.out.println("rolled back");

            em = emf.createEntityManager();
            tx = em.getTransaction();
            tx.begin();
            em.find(Ticket.class, kept.id).status = "closed";
            tx.commit();
            em.close();
            System.out.println("committed update");
        } finally {
            emf.close();
        }
        System.out.println("done");
    }
}
