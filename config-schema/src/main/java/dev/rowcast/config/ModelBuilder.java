package dev.rowcast.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the typed model from a checked tree, fills in defaults, and finds what the schema cannot
 * say: where a collection's rows come from, template syntax, patterns that can never match, auth
 * without keys. A value of the wrong type was already reported by the schema; here it gets its default.
 */
final class ModelBuilder {

    /** nimbus-jose-jwt refuses HMAC keys shorter than 256 bits. */
    private static final int MIN_SECRET_BYTES = 32;

    private final SourceTree tree;
    private final Problems problems;

    private ModelBuilder(SourceTree tree, Problems problems) {
        this.tree = tree;
        this.problems = problems;
    }

    static RowcastConfig build(SourceTree tree, Problems problems) {
        return new ModelBuilder(tree, problems).config(tree.root());
    }

    private RowcastConfig config(ConfigNode root) {
        if (!root.isObject()) {
            problems.add(1, 1, "the file must be a mapping of keys such as server:, auth: and collections:,"
                    + " not " + SchemaCheck.describe(SchemaCheck.json(root)));
            return RowcastConfig.defaults();
        }
        KeyPath top = KeyPath.ROOT;
        ServerConfig server = server(root.path("server"), top.key("server"));
        AuthConfig auth = auth(root.path("auth"), top.key("auth"));
        ConfigNode relay = root.path("relay");
        RelayConfig relayConfig = new RelayConfig(flag(relay, "enabled", RelayConfig.DEFAULTS.enabled()),
                flag(relay, "requireMembership", RelayConfig.DEFAULTS.requireMembership()),
                count(relay, "maxPerSecond", RelayConfig.DEFAULTS.maxPerSecond()), count(relay, "burst", RelayConfig.DEFAULTS.burst()));
        Map<String, CollectionConfig> collections = collections(root.path("collections"), top.key("collections"));
        return new RowcastConfig(flag(root, "enabled", true), server, auth, relayConfig, collections,
                cluster(root.path("cluster")));
    }

    /** A whole number the schema has checked (0 or more), or the default when absent. */
    private static int count(ConfigNode node, String name, int otherwise) {
        ConfigNode value = node.path(name);
        return value.isIntegralNumber() && value.canConvertToInt() ? value.intValue() : otherwise;
    }

    /** Null when the file has no cluster: (or a wrong one, already reported by the schema). */
    private static ClusterConfig cluster(ConfigNode node) {
        if (!node.isObject() || !node.path("redis").isTextual()) return null;
        ConfigNode prefix = node.path("keyPrefix");
        return new ClusterConfig(node.get("redis").textValue(),
                prefix.isTextual() && !prefix.textValue().isEmpty() ? prefix.textValue() : ClusterConfig.DEFAULT_KEY_PREFIX);
    }

    private ServerConfig server(ConfigNode node, KeyPath path) {
        ServerConfig d = ServerConfig.DEFAULTS;
        ConfigNode cors = node.path("cors");
        List<String> origins = strings(cors.path("origin"), d.cors().origins());
        List<String> methods = strings(cors.path("methods"), d.cors().methods());
        boolean credentials = flag(cors, "credentials", d.cors().credentials());
        if (credentials && origins.contains("*")) {
            KeyPath at = path.key("cors").key("credentials");
            problems.at(tree.spot(at), at, "browsers refuse credentials from a server that allows origin \"*\":"
                    + " list the origins in server.cors.origin, or set credentials: false");
        }
        ConfigNode recovery = node.path("recovery");
        boolean recoveryEnabled = flag(recovery, "enabled", d.recovery().enabled());
        Duration maxDisconnection = duration(recovery, path.key("recovery"), "maxDisconnection",
                d.recovery().maxDisconnection(), recoveryEnabled);
        int port = node.path("port").isIntegralNumber() && node.path("port").canConvertToInt()
                ? node.path("port").intValue() : d.port();
        return new ServerConfig(
                text(node, "host", d.host()),
                port,
                text(node, "path", d.path()),
                new ServerConfig.Cors(origins, methods, credentials),
                duration(node, path, "pingInterval", d.pingInterval(), true),
                duration(node, path, "pingTimeout", d.pingTimeout(), true),
                size(node, path, "maxPayload", d.maxPayload()),
                new ServerConfig.Recovery(recoveryEnabled, maxDisconnection, count(recovery, "maxEvents", d.recovery().maxEvents()),
                        size(recovery, path.key("recovery"), "maxBytes", d.recovery().maxBytes())));
    }

    private AuthConfig auth(ConfigNode node, KeyPath path) {
        AuthConfig.Token d = AuthConfig.Token.DEFAULTS;
        ConfigNode token = node.path("token");
        KeyPath tokenPath = path.key("token");
        Optional<String> secret = optionalText(token, "secret");
        if (secret.isPresent()) {
            int bytes = secret.get().getBytes(StandardCharsets.UTF_8).length;
            if (bytes < MIN_SECRET_BYTES) {
                KeyPath at = tokenPath.key("secret");
                problems.at(tree.spot(at), at, "an HMAC secret needs at least " + MIN_SECRET_BYTES
                        + " bytes (256 bits) and this one has " + bytes + ": use a longer random secret");
            }
        }
        AuthConfig.Token tokenConfig = new AuthConfig.Token(secret, optionalText(token, "publicKey"),
                optionalText(token, "jwks"), optionalText(token, "issuer"), strings(token.path("audience"), List.of()),
                duration(token, tokenPath, "clockSkew", d.clockSkew(), false), text(token, "userClaim", d.userClaim()));
        boolean required = flag(node, "required", false);
        // a key named but unusable (an unset variable, say) is reported where it is written
        boolean keyNamed = token.has("secret") || token.has("publicKey") || token.has("jwks");
        if (required && !keyNamed) {
            KeyPath at = path.key("required");
            problems.at(tree.spot(at), at, "true needs a way to verify tokens: set auth.token.secret (HS256),"
                    + " auth.token.publicKey (a PEM file) or auth.token.jwks (a URL)");
        }
        Optional<List<RoomPattern>> rooms = Optional.empty();
        ConfigNode roomList = node.path("rooms");
        if (roomList.isArray()) {
            List<RoomPattern> patterns = new ArrayList<>();
            for (int i = 0; i < roomList.size(); i++) {
                if (!roomList.get(i).isTextual()) {
                    continue;
                }
                KeyPath at = path.key("rooms").index(i);
                try {
                    RoomPattern pattern = RoomPattern.compile(roomList.get(i).asText());
                    if (!pattern.claims().isEmpty() && !keyNamed) {
                        problems.at(tree.spot(at), at, "'" + pattern.source() + "' can never match: it reads the claim '"
                                + pattern.claims().get(0) + "' but no token is configured, so sockets have no claims;"
                                + " set auth.token, or drop the {" + pattern.claims().get(0) + "} part");
                    }
                    patterns.add(pattern);
                } catch (IllegalArgumentException e) {
                    problems.at(tree.spot(at), at, e.getMessage());
                }
            }
            rooms = Optional.of(patterns);
        }
        return new AuthConfig(required, tokenConfig, rooms);
    }

    private Map<String, CollectionConfig> collections(ConfigNode node, KeyPath path) {
        Map<String, CollectionConfig> collections = new LinkedHashMap<>();
        if (!node.isObject()) {
            return collections;
        }
        Map<String, KeyPath> entities = new HashMap<>();
        Map<String, KeyPath> tables = new HashMap<>();
        for (Map.Entry<String, ConfigNode> entry : node.properties()) {
            String slug = entry.getKey();
            KeyPath at = path.key(slug);
            if (slug.isBlank()) {
                problems.atKey(tree.spot(at), path, "a collection needs a slug: write its name as the key,"
                        + " as in 'notifications:' (events are named realtime:<slug>)");
                continue;
            }
            if (hasWhitespace(slug)) {
                problems.atKey(tree.spot(at), path, "the slug '" + slug + "' has a space: clients listen for"
                        + " realtime:<slug>, so write it like '" + slug.strip().replaceAll("\\s+", "-") + "'");
                continue;
            }
            if (!entry.getValue().isObject()) {
                continue;
            }
            CollectionConfig collection = collection(slug, entry.getValue(), at);
            if (collection.entity().isPresent()) {
                unique(entities, collection.entity().get(), at, "entity");
            }
            if (collection.table().isPresent()) {
                unique(tables, collection.table().get().toLowerCase(Locale.ROOT), at, "table");
            }
            collections.put(slug, collection);
        }
        return collections;
    }

    private static boolean hasWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private void unique(Map<String, KeyPath> owners, String name, KeyPath collection, String key) {
        KeyPath first = owners.putIfAbsent(name, collection);
        if (first != null) {
            KeyPath at = collection.key(key);
            problems.at(tree.spot(at), at, key + " '" + name + "' already feeds " + first.display() + " (line "
                    + tree.spot(first).keyLine() + "): " + ("entity".equals(key) ? "an " : "a ") + key + " feeds one collection; use rooms: [...] there"
                    + " to send its rows to several rooms");
        }
    }

    private CollectionConfig collection(String slug, ConfigNode node, KeyPath path) {
        Optional<String> entity = optionalText(node, "entity");
        Optional<String> table = optionalText(node, "table");
        if (entity.isEmpty() && table.isEmpty() && !node.has("entity") && !node.has("table")) {
            problems.atKey(tree.spot(path), path.parent(), "'" + slug + "' does not say where its rows come from:"
                    + " add entity: <a Hibernate entity> or table: <a table written through JDBC>");
        }
        Set<Operation> events = EnumSet.copyOf(CollectionConfig.DEFAULT_EVENTS);
        if (node.path("events").isArray()) {
            events = EnumSet.noneOf(Operation.class);
            for (ConfigNode event : node.path("events")) {
                Operation operation = Operation.ofWireName(event.asText());
                if (operation != null) {
                    events.add(operation);
                }
            }
        }
        List<RoomTemplate> rooms = new ArrayList<>();
        if (node.has("room") && node.has("rooms")) {
            KeyPath at = path.key("rooms");
            problems.atKey(tree.spot(at), path, "has both room and rooms: keep room for one room,"
                    + " or move it into the rooms list");
        }
        if (node.path("room").isTextual()) {
            addTemplate(rooms, node.path("room").asText(), path.key("room"));
        } else if (node.path("rooms").isArray()) {
            ConfigNode list = node.path("rooms");
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).isTextual()) {
                    addTemplate(rooms, list.get(i).asText(), path.key("rooms").index(i));
                }
            }
        }
        return new CollectionConfig(slug, entity, table, events, rooms, flag(node, "broadcast", false),
                fields(node.path("fields"), path.key("fields")));
    }

    private void addTemplate(List<RoomTemplate> rooms, String text, KeyPath at) {
        try {
            rooms.add(RoomTemplate.compile(text));
        } catch (IllegalArgumentException e) {
            problems.at(tree.spot(at), at, e.getMessage());
        }
    }

    private FieldFilter fields(ConfigNode node, KeyPath path) {
        boolean include = node.path("include").isArray();
        boolean exclude = node.path("exclude").isArray();
        if (include && exclude) {
            KeyPath at = path.key("exclude");
            problems.atKey(tree.spot(at), path, "has both include and exclude: keep one"
                    + " (include lists what is sent, exclude what is not)");
        }
        if (include) {
            return FieldFilter.include(strings(node.path("include"), List.of()));
        }
        return exclude ? FieldFilter.exclude(strings(node.path("exclude"), List.of())) : FieldFilter.ALL;
    }

    private Duration duration(ConfigNode node, KeyPath parent, String key, Duration fallback, boolean positive) {
        ConfigNode value = node.path(key);
        if (!value.isTextual()) {
            return fallback;
        }
        KeyPath at = parent.key(key);
        Duration duration;
        try {
            duration = Units.parseDuration(value.asText());
        } catch (ArithmeticException | NumberFormatException e) {
            problems.at(tree.spot(at), at, "'" + value.asText() + "' is too long a duration: use at most days' worth");
            return fallback;
        }
        if (duration == null) {
            return fallback; // the schema reported it
        }
        if (positive && duration.isZero()) {
            problems.at(tree.spot(at), at, "must be longer than 0, as in " + Units.formatDuration(fallback));
            return fallback;
        }
        return duration;
    }

    private long size(ConfigNode node, KeyPath parent, String key, long fallback) {
        ConfigNode value = node.path(key);
        KeyPath at = parent.key(key);
        long bytes;
        if (value.isIntegralNumber()) {
            bytes = value.canConvertToLong() ? value.longValue() : Long.MAX_VALUE;
        } else if (value.isTextual()) {
            bytes = Units.parseSize(value.asText());
            if (bytes < 0) {
                return fallback; // the schema reported it
            }
        } else {
            return fallback;
        }
        if (bytes == 0) {
            problems.at(tree.spot(at), at, "must be more than 0 bytes, as in " + Units.formatSize(fallback));
            return fallback;
        }
        if (bytes > Integer.MAX_VALUE) {
            problems.at(tree.spot(at), at, "'" + value.asText() + "' is too large: use less than 2GiB");
            return fallback;
        }
        return bytes < 0 ? fallback : bytes;
    }

    private static boolean flag(ConfigNode node, String key, boolean fallback) {
        ConfigNode value = node.path(key);
        return value.isBoolean() ? value.booleanValue() : fallback;
    }

    private static String text(ConfigNode node, String key, String fallback) {
        ConfigNode value = node.path(key);
        return value.isTextual() && !value.asText().isEmpty() ? value.asText() : fallback;
    }

    private static Optional<String> optionalText(ConfigNode node, String key) {
        ConfigNode value = node.path(key);
        return value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }

    /** A string or a list of strings, as a list; the fallback when absent or mistyped. */
    private static List<String> strings(ConfigNode value, List<String> fallback) {
        if (value.isTextual()) {
            return List.of(value.asText());
        }
        if (!value.isArray() || value.isEmpty()) {
            return fallback;
        }
        List<String> list = new ArrayList<>();
        for (ConfigNode item : value) {
            if (item.isTextual()) {
                list.add(item.asText());
            }
        }
        return list;
    }
}
