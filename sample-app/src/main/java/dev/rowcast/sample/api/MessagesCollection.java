package dev.rowcast.sample.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Chat messages written with plain JDBC, the way many apps keep a hot table out of their ORM.
 * Updates and deletes name only the key, as such code usually does.
 */
public final class MessagesCollection implements Collection {

    private static final String SLUG = "messages";
    private static final Set<String> FIELDS = Set.of("chat", "content", "author");
    private static final Map<String, String> SORT = Map.of("id", "id", "createdAt", "created_at");
    private static final String CHAT_NAME = "[A-Za-z0-9_-]{1,100}";
    private static final String COLUMNS = "id, chat, author, content, created_at";

    private final DataSource dataSource;

    public MessagesCollection(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public String slug() {
        return SLUG;
    }

    @Override
    public String label() {
        return "Message";
    }

    @Override
    public Page list(Query query, long userId) {
        Sorting.allowFilters(SLUG, query, Set.of("chat", "author"));
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder();
        query.equals().forEach((field, value) -> {
            where.append(where.length() == 0 ? " WHERE " : " AND ").append(field).append(" = ?");
            params.add(field.equals("author") ? Sorting.idFilter(field, value) : value);
        });
        String select = "SELECT " + COLUMNS + " FROM messages" + where + Sorting.orderBy(query, SORT)
                + " LIMIT ? OFFSET ?";
        try (Connection c = dataSource.getConnection()) {
            List<Map<String, Object>> docs = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(select)) {
                int i = bind(ps, params);
                ps.setInt(i++, query.limit());
                ps.setInt(i, query.offset());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        docs.add(toJson(rs));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM messages" + where)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Page(docs, rs.getLong(1), query);
                }
            }
        } catch (SQLException e) {
            throw failed("list", e);
        }
    }

    @Override
    public Map<String, Object> find(long id, long userId) {
        try (Connection c = dataSource.getConnection()) {
            return select(c, id);
        } catch (SQLException e) {
            throw failed("read", e);
        }
    }

    @Override
    public Map<String, Object> create(Body body, long userId) {
        body.allowOnly(FIELDS);
        String chat = chat(body);
        String content = body.required(body.text("content", 4000), "content");
        if (body.id("author").filter(author -> author != userId).isPresent()) {
            throw ApiException.badRequest("The following field is invalid: author (it is always the signed-in user).");
        }
        // Databases keep microseconds; trimming here makes the answer equal what a later read returns.
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO messages (chat, author, content, created_at) VALUES (?, ?, ?, ?)",
                     Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, chat);
            ps.setLong(2, userId);
            ps.setString(3, content);
            ps.setObject(4, now);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return toJson(keys.getLong(1), chat, userId, content, now);
            }
        } catch (SQLException e) {
            throw failed("create", e);
        }
    }

    @Override
    public Map<String, Object> update(long id, Body body, long userId) {
        body.allowOnly(FIELDS);
        var content = body.text("content", 4000);
        if (body.id("author").isPresent() || body.text("chat", 100).isPresent()) {
            throw ApiException.badRequest("The following field is invalid: a message keeps its chat and author;"
                    + " only content can change.");
        }
        return inTransaction("update", c -> {
            Map<String, Object> before = select(c, id);
            if (content.isEmpty()) {
                return before;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE messages SET content = ? WHERE id = ?")) {
                ps.setString(1, content.get());
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            before.put("content", content.get());
            return before;
        });
    }

    @Override
    public Map<String, Object> delete(long id, long userId) {
        return inTransaction("delete", c -> {
            Map<String, Object> before = select(c, id);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM messages WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
            return before;
        });
    }

    private interface Work {
        Map<String, Object> run(Connection c) throws SQLException;
    }

    private Map<String, Object> inTransaction(String action, Work work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Map<String, Object> result = work.run(c);
                c.commit();
                return result;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failed(action, e);
        }
    }

    private static String chat(Body body) {
        String chat = body.required(body.text("chat", 100), "chat");
        if (!chat.matches(CHAT_NAME)) {
            throw ApiException.badRequest("The following field is invalid: chat (letters, digits, '-' and '_' only).");
        }
        return chat;
    }

    private static Map<String, Object> select(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM messages WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.notFound(SLUG, id);
                }
                return toJson(rs);
            }
        }
    }

    private static int bind(PreparedStatement ps, List<Object> params) throws SQLException {
        int i = 1;
        for (Object param : params) {
            ps.setObject(i++, param);
        }
        return i;
    }

    private static Map<String, Object> toJson(ResultSet rs) throws SQLException {
        return toJson(rs.getLong("id"), rs.getString("chat"), rs.getLong("author"), rs.getString("content"),
                rs.getObject("created_at", OffsetDateTime.class));
    }

    private static Map<String, Object> toJson(long id, String chat, long author, String content, OffsetDateTime at) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("chat", chat);
        json.put("author", author);
        json.put("content", content);
        json.put("createdAt", at.toInstant().toString());
        return json;
    }

    private static IllegalStateException failed(String action, SQLException e) {
        return new IllegalStateException("Could not " + action + " messages: " + e.getMessage(), e);
    }
}
