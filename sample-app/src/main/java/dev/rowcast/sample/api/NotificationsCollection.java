package dev.rowcast.sample.api;

import dev.rowcast.sample.model.Notification;
import dev.rowcast.sample.model.User;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.query.SelectionQuery;

/**
 * Notifications through Hibernate. Anyone signed in may notify anyone; only the recipient
 * sees, changes or deletes a notification (others get 404, so ids reveal nothing).
 */
public final class NotificationsCollection extends HibernateCollection<Notification> {

    private static final String SLUG = "notifications";
    private static final Set<String> FIELDS = Set.of("user", "message", "read");
    private static final Map<String, String> SORT = Map.of("id", "n.id", "createdAt", "n.createdAt");

    public NotificationsCollection(SessionFactory sessions) {
        super(SLUG, "Notification", sessions);
    }

    @Override
    public Page list(Query query, long userId) {
        Sorting.allowFilters(SLUG, query, Set.of("read"));
        String readFilter = query.equals().get("read");
        String where = " where n.user.id = :user" + (readFilter == null ? "" : " and n.read = :read");
        return sessions.fromTransaction(session -> {
            SelectionQuery<Notification> select = session.createSelectionQuery(
                    "from Notification n" + where + Sorting.orderBy(query, SORT), Notification.class);
            SelectionQuery<Long> count = session.createSelectionQuery(
                    "select count(n) from Notification n" + where, Long.class);
            for (SelectionQuery<?> q : List.of(select, count)) {
                q.setParameter("user", userId);
                if (readFilter != null) {
                    q.setParameter("read", Sorting.boolFilter("read", readFilter));
                }
            }
            List<Map<String, Object>> docs = select.setFirstResult(query.offset())
                    .setMaxResults(query.limit()).getResultList().stream().map(this::toJson).toList();
            return new Page(docs, count.getSingleResult(), query);
        });
    }

    @Override
    public Map<String, Object> create(Body body, long userId) {
        body.allowOnly(FIELDS);
        long recipient = body.required(body.id("user"), "user");
        String message = body.required(body.text("message", 2000), "message");
        boolean read = body.bool("read").orElse(false);
        return sessions.fromTransaction(session -> {
            Notification notification = new Notification(user(session, recipient), message, read);
            session.persist(notification);
            return toJson(notification);
        });
    }

    @Override
    public Map<String, Object> update(long id, Body body, long userId) {
        body.allowOnly(FIELDS);
        var recipient = body.id("user");
        var message = body.text("message", 2000);
        var read = body.bool("read");
        return sessions.fromTransaction(session -> {
            Notification notification = visible(session, id, userId);
            if (recipient.isPresent()) {
                notification.setUser(user(session, recipient.get()));
            }
            message.ifPresent(notification::setMessage);
            read.ifPresent(notification::setRead);
            return toJson(notification);
        });
    }

    /** Only the recipient sees a notification. */
    @Override
    protected Notification visible(Session session, long id, long userId) {
        Notification notification = session.find(Notification.class, id);
        if (notification == null || notification.getUser().getId() != userId) {
            throw ApiException.notFound(SLUG, id);
        }
        return notification;
    }

    private static User user(Session session, long id) {
        User user = session.find(User.class, id);
        if (user == null) {
            throw ApiException.badRequest("The following field is invalid: user (no user has id " + id + ").");
        }
        return user;
    }

    @Override
    protected Map<String, Object> toJson(Notification n) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", n.getId());
        json.put("user", n.getUser().getId());
        json.put("message", n.getMessage());
        json.put("read", n.isRead());
        json.put("createdAt", n.getCreatedAt().toString());
        return json;
    }
}
