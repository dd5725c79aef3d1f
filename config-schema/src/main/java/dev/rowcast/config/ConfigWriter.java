package dev.rowcast.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes a model back as rowcast.yml, every value spelled out; loading the result gives an equal
 * model. Secrets are written as they are: keep the output private.
 */
public final class ConfigWriter {

    private ConfigWriter() {}

    public static String write(RowcastConfig config) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setWidth(120);
        return new Yaml(options).dump(tree(config));
    }

    /** A written value must load as itself: a literal ${ is written $${. */
    private static String literal(String value) {
        return value.replace("${", "$${");
    }

    private static List<String> literals(List<String> values) {
        return values.stream().map(ConfigWriter::literal).toList();
    }

    static Map<String, Object> tree(RowcastConfig config) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("enabled", config.enabled());
        root.put("server", server(config.server()));
        root.put("auth", auth(config.auth()));
        Map<String, Object> relay = new LinkedHashMap<>();
        relay.put("enabled", config.relay().enabled());
        relay.put("requireMembership", config.relay().requireMembership());
        relay.put("maxPerSecond", config.relay().maxPerSecond());
        relay.put("burst", config.relay().burst());
        root.put("relay", relay);
        if (config.cluster() != null) {
            Map<String, Object> cluster = new LinkedHashMap<>();
            cluster.put("redis", literal(config.cluster().redis()));
            cluster.put("keyPrefix", literal(config.cluster().keyPrefix()));
            root.put("cluster", cluster);
        }
        Map<String, Object> collections = new LinkedHashMap<>();
        config.collections().forEach((slug, collection) -> collections.put(slug, collection(collection)));
        root.put("collections", collections);
        return root;
    }

    private static Map<String, Object> server(ServerConfig server) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("host", literal(server.host()));
        node.put("port", server.port());
        node.put("path", literal(server.path()));
        Map<String, Object> cors = new LinkedHashMap<>();
        List<String> origins = literals(server.cors().origins());
        cors.put("origin", origins.size() == 1 ? origins.get(0) : origins);
        cors.put("methods", server.cors().methods());
        cors.put("credentials", server.cors().credentials());
        node.put("cors", cors);
        node.put("pingInterval", Units.formatDuration(server.pingInterval()));
        node.put("pingTimeout", Units.formatDuration(server.pingTimeout()));
        node.put("maxPayload", Units.formatSize(server.maxPayload()));
        Map<String, Object> recovery = new LinkedHashMap<>();
        recovery.put("enabled", server.recovery().enabled());
        recovery.put("maxDisconnection", Units.formatDuration(server.recovery().maxDisconnection()));
        recovery.put("maxEvents", server.recovery().maxEvents());
        recovery.put("maxBytes", Units.formatSize(server.recovery().maxBytes()));
        node.put("recovery", recovery);
        return node;
    }

    private static Map<String, Object> auth(AuthConfig auth) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("required", auth.required());
        AuthConfig.Token token = auth.token();
        Map<String, Object> tokenNode = new LinkedHashMap<>();
        token.secret().ifPresent(s -> tokenNode.put("secret", literal(s)));
        token.publicKey().ifPresent(s -> tokenNode.put("publicKey", literal(s)));
        token.jwks().ifPresent(s -> tokenNode.put("jwks", literal(s)));
        token.issuer().ifPresent(s -> tokenNode.put("issuer", literal(s)));
        if (!token.audience().isEmpty()) {
            List<String> audience = literals(token.audience());
            tokenNode.put("audience", audience.size() == 1 ? audience.get(0) : audience);
        }
        tokenNode.put("clockSkew", Units.formatDuration(token.clockSkew()));
        tokenNode.put("userClaim", literal(token.userClaim()));
        node.put("token", tokenNode);
        auth.rooms().ifPresent(rooms -> node.put("rooms", rooms.stream().map(p -> literal(p.source())).toList()));
        return node;
    }

    private static Map<String, Object> collection(CollectionConfig collection) {
        Map<String, Object> node = new LinkedHashMap<>();
        collection.entity().ifPresent(e -> node.put("entity", literal(e)));
        collection.table().ifPresent(t -> node.put("table", literal(t)));
        List<String> events = new ArrayList<>();
        for (Operation operation : Operation.values()) {
            if (collection.events().contains(operation)) {
                events.add(operation.wireName());
            }
        }
        node.put("events", events);
        List<String> rooms = collection.rooms().stream().map(t -> literal(t.source())).toList();
        if (rooms.size() == 1) {
            node.put("room", rooms.get(0));
        } else if (!rooms.isEmpty()) {
            node.put("rooms", rooms);
        }
        node.put("broadcast", collection.broadcast());
        FieldFilter fields = collection.fields();
        if (fields.mode() != FieldFilter.Mode.ALL) {
            node.put("fields", Map.of(fields.mode() == FieldFilter.Mode.INCLUDE ? "include" : "exclude", literals(fields.names())));
        }
        return node;
    }
}
