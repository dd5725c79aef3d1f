package dev.rowcast.sample.api;

import java.util.Map;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/**
 * What the collections stored through Hibernate share: one transaction per call, and find and
 * delete of a document the signed-in user may see ({@link #visible}, else 404).
 */
abstract class HibernateCollection<E> implements Collection {

    private final String slug;
    private final String label;
    protected final SessionFactory sessions;

    HibernateCollection(String slug, String label, SessionFactory sessions) {
        this.slug = slug;
        this.label = label;
        this.sessions = sessions;
    }

    @Override
    public final String slug() {
        return slug;
    }

    @Override
    public final String label() {
        return label;
    }

    @Override
    public final Map<String, Object> find(long id, long userId) {
        return sessions.fromTransaction(session -> toJson(visible(session, id, userId)));
    }

    @Override
    public final Map<String, Object> delete(long id, long userId) {
        return sessions.fromTransaction(session -> {
            E entity = visible(session, id, userId);
            Map<String, Object> json = toJson(entity);
            session.remove(entity);
            return json;
        });
    }

    /** The entity with this id if the user may see it; a 404 otherwise, so ids reveal nothing. */
    protected abstract E visible(Session session, long id, long userId);

    protected abstract Map<String, Object> toJson(E entity);
}
