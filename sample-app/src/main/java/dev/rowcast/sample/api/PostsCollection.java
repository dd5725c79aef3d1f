package dev.rowcast.sample.api;

import dev.rowcast.sample.model.Post;
import dev.rowcast.sample.model.User;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.query.SelectionQuery;

/** Public posts through Hibernate; the author is whoever is signed in when it is created. */
public final class PostsCollection extends HibernateCollection<Post> {

    private static final String SLUG = "posts";
    private static final Set<String> FIELDS = Set.of("title", "body", "author");
    private static final Map<String, String> SORT = Map.of("id", "p.id", "createdAt", "p.createdAt");

    public PostsCollection(SessionFactory sessions) {
        super(SLUG, "Post", sessions);
    }

    @Override
    public Page list(Query query, long userId) {
        Sorting.allowFilters(SLUG, query, Set.of("author"));
        String authorFilter = query.equals().get("author");
        String where = authorFilter == null ? "" : " where p.author.id = :author";
        return sessions.fromTransaction(session -> {
            SelectionQuery<Post> select = session.createSelectionQuery(
                    "from Post p" + where + Sorting.orderBy(query, SORT), Post.class);
            SelectionQuery<Long> count = session.createSelectionQuery(
                    "select count(p) from Post p" + where, Long.class);
            if (authorFilter != null) {
                long author = Sorting.idFilter("author", authorFilter);
                select.setParameter("author", author);
                count.setParameter("author", author);
            }
            List<Map<String, Object>> docs = select.setFirstResult(query.offset())
                    .setMaxResults(query.limit()).getResultList().stream().map(this::toJson).toList();
            return new Page(docs, count.getSingleResult(), query);
        });
    }

    @Override
    public Map<String, Object> create(Body body, long userId) {
        body.allowOnly(FIELDS);
        String title = body.required(body.text("title", 255), "title");
        String text = body.text("body", 20000).orElse("");
        refuseOtherAuthor(body, userId);
        return sessions.fromTransaction(session -> {
            Post post = new Post(title, text, session.getReference(User.class, userId));
            session.persist(post);
            return toJson(post);
        });
    }

    @Override
    public Map<String, Object> update(long id, Body body, long userId) {
        body.allowOnly(FIELDS);
        var title = body.text("title", 255);
        var text = body.text("body", 20000);
        return sessions.fromTransaction(session -> {
            Post post = visible(session, id, userId);
            if (body.id("author").filter(author -> author != post.getAuthor().getId()).isPresent()) {
                throw ApiException.badRequest("The following field is invalid: author (a post keeps its author).");
            }
            title.ifPresent(post::setTitle);
            text.ifPresent(post::setBody);
            return toJson(post);
        });
    }

    private static void refuseOtherAuthor(Body body, long userId) {
        if (body.id("author").filter(author -> author != userId).isPresent()) {
            throw ApiException.badRequest("The following field is invalid: author (it is always the signed-in user).");
        }
    }

    /** Posts are public. */
    @Override
    protected Post visible(Session session, long id, long userId) {
        Post post = session.find(Post.class, id);
        if (post == null) {
            throw ApiException.notFound(SLUG, id);
        }
        return post;
    }

    @Override
    protected Map<String, Object> toJson(Post p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", p.getId());
        json.put("title", p.getTitle());
        json.put("body", p.getBody());
        json.put("author", p.getAuthor().getId());
        json.put("createdAt", p.getCreatedAt().toString());
        return json;
    }
}
