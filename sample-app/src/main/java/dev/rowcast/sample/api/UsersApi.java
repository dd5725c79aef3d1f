package dev.rowcast.sample.api;

import dev.rowcast.sample.auth.Passwords;
import dev.rowcast.sample.auth.Tokens;
import dev.rowcast.sample.model.User;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hibernate.SessionFactory;

/** Login, the signed-in user, and a read-only user list (the page names chat members with it). */
public final class UsersApi {

    private final SessionFactory sessions;
    private final Tokens tokens;

    public UsersApi(SessionFactory sessions, Tokens tokens) {
        this.sessions = sessions;
        this.tokens = tokens;
    }

    public Map<String, Object> login(Body body) {
        body.allowOnly(Set.of("email", "password"));
        String email = body.required(body.text("email", 255), "email");
        String password = body.required(body.text("password", 1000), "password");
        User user = sessions.fromTransaction(session -> session
                .createSelectionQuery("from User u where lower(u.email) = lower(:email)", User.class)
                .setParameter("email", email).uniqueResult());
        if (user == null || !Passwords.verify(password, user.getPasswordHash())) {
            throw new ApiException(401, "The email or password provided is incorrect.");
        }
        Tokens.Issued issued = tokens.issue(user.getId(), user.getEmail());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("message", "Authentication Passed");
        json.put("user", toJson(user));
        json.put("token", issued.token());
        json.put("exp", issued.expiresAt().getEpochSecond());
        return json;
    }

    /** The user a token belongs to, if the token is valid and the user still exists. */
    public Optional<User> authenticate(String token) {
        return tokens.verify(token).map(id -> sessions.fromTransaction(session -> session.find(User.class, id)));
    }

    public Map<String, Object> me(User user, String token) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("user", toJson(user));
        json.put("collection", "users");
        json.put("token", token);
        return json;
    }

    public Page list(Query query) {
        Sorting.allowFilters("users", query, Set.of());
        Map<String, String> sort = Map.of("id", "u.id", "createdAt", "u.createdAt");
        return sessions.fromTransaction(session -> {
            List<Map<String, Object>> docs = session
                    .createSelectionQuery("from User u" + Sorting.orderBy(query, sort), User.class)
                    .setFirstResult(query.offset()).setMaxResults(query.limit())
                    .getResultList().stream().map(UsersApi::toJson).toList();
            long total = session.createSelectionQuery("select count(u) from User u", Long.class).getSingleResult();
            return new Page(docs, total, query);
        });
    }

    public Map<String, Object> find(long id) {
        return sessions.fromTransaction(session -> Optional.ofNullable(session.find(User.class, id))
                .map(UsersApi::toJson).orElseThrow(() -> ApiException.notFound("users", id)));
    }

    static Map<String, Object> toJson(User user) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", user.getId());
        json.put("email", user.getEmail());
        json.put("name", user.getName());
        json.put("collection", "users");
        json.put("createdAt", user.getCreatedAt().toString());
        return json;
    }
}
