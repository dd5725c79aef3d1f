package dev.rowcast.sample.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.rowcast.sample.model.User;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Payload's REST routes under {@code /api}: users and the collections, JSON in and out. */
public final class ApiHandler implements HttpHandler {

    private static final Logger LOG = Logger.getLogger(ApiHandler.class.getName());
    private static final int MAX_BODY = 1 << 20;

    private final ObjectMapper mapper;
    private final UsersApi users;
    private final Map<String, Collection> collections = new LinkedHashMap<>();

    public ApiHandler(ObjectMapper mapper, UsersApi users, List<Collection> collections) {
        this.mapper = mapper;
        this.users = users;
        collections.forEach(c -> this.collections.put(c.slug(), c));
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status = 200;
            Object response;
            try {
                Result result = route(exchange);
                status = result.status();
                response = result.body();
            } catch (ApiException e) {
                status = e.status();
                response = errors(e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "Request " + exchange.getRequestMethod() + " "
                        + exchange.getRequestURI() + " failed", e);
                status = 500;
                response = errors("Something went wrong; the server log has the details.");
            }
            byte[] bytes = mapper.writeValueAsBytes(response);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private record Result(int status, Object body) {
        static Result ok(Object body) {
            return new Result(200, body);
        }
    }

    private Result route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String[] path = exchange.getRequestURI().getPath().replaceAll("/+$", "").split("/");
        // path: "", "api", slug, [id]
        if (path.length < 3 || path.length > 4) {
            throw new ApiException(404, "No route " + exchange.getRequestURI().getPath()
                    + ": use /api/{collection} or /api/{collection}/{id}.");
        }
        String slug = path[2];
        String id = path.length == 4 ? path[3] : null;
        Query query = "GET".equals(method) && id == null ? Query.parse(exchange.getRequestURI().getRawQuery()) : null;

        if (slug.equals("users")) {
            if ("login".equals(id)) {
                allow(method, "POST");
                return Result.ok(users.login(body(exchange, slug)));
            }
            if ("logout".equals(id)) {
                allow(method, "POST");
                return Result.ok(Map.of("message", "You have been logged out successfully."));
            }
            Session session = authenticate(exchange);
            if ("me".equals(id)) {
                allow(method, "GET");
                return Result.ok(users.me(session.user(), session.token()));
            }
            allow(method, "GET");
            return Result.ok(id == null ? users.list(query).toJson() : users.find(parseId(slug, id)));
        }

        Collection collection = collections.get(slug);
        if (collection == null) {
            throw new ApiException(404, "No collection '" + slug + "': the collections are users, "
                    + String.join(", ", collections.keySet()) + ".");
        }
        long userId = authenticate(exchange).user().getId();
        if (id == null) {
            allow(method, "GET", "POST");
            if (method.equals("GET")) {
                return Result.ok(collection.list(query, userId).toJson());
            }
            Map<String, Object> doc = collection.create(body(exchange, slug), userId);
            return new Result(201, withMessage(doc, collection.label() + " successfully created."));
        }
        long docId = parseId(slug, id);
        allow(method, "GET", "PATCH", "DELETE");
        return switch (method) {
            case "GET" -> Result.ok(collection.find(docId, userId));
            case "PATCH" -> Result.ok(withMessage(
                    collection.update(docId, body(exchange, slug), userId), "Updated successfully."));
            default -> Result.ok(withMessage(collection.delete(docId, userId), "Deleted successfully."));
        };
    }

    private record Session(User user, String token) {
    }

    private Session authenticate(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header != null) {
            String[] parts = header.trim().split("\\s+", 2);
            if (parts.length == 2 && (parts[0].equalsIgnoreCase("JWT") || parts[0].equalsIgnoreCase("Bearer"))) {
                String token = parts[1];
                return users.authenticate(token).map(user -> new Session(user, token))
                        .orElseThrow(ApiException::unauthorized);
            }
        }
        throw ApiException.unauthorized();
    }

    private Body body(HttpExchange exchange, String slug) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new ApiException(413, "The request body is larger than " + MAX_BODY + " bytes.");
            }
            return Body.parse(mapper, slug, bytes);
        }
    }

    private static void allow(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new ApiException(405, "Method " + method + " is not allowed here: use "
                + String.join(" or ", allowed) + ".");
    }

    private static long parseId(String slug, String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.notFound(slug, id);
        }
    }

    private static Map<String, Object> withMessage(Map<String, Object> doc, String message) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("doc", doc);
        json.put("message", message);
        return json;
    }

    private static Map<String, Object> errors(String message) {
        return Map.of("errors", List.of(Map.of("message", message)));
    }
}
