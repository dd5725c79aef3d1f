package dev.rowcast.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded rowcast.yml: immutable, typed, every default filled in. Made by {@link ConfigLoader}.
 *
 * @param collections by slug, in file order
 * @param cluster     the Redis shared with other instances; null when this instance runs alone
 */
public record RowcastConfig(
        boolean enabled,
        ServerConfig server,
        AuthConfig auth,
        RelayConfig relay,
        Map<String, CollectionConfig> collections,
        ClusterConfig cluster) {

    /** A lone instance (no {@code cluster:}). */
    public RowcastConfig(boolean enabled, ServerConfig server, AuthConfig auth, RelayConfig relay,
            Map<String, CollectionConfig> collections) {
        this(enabled, server, auth, relay, collections, null);
    }

    public RowcastConfig {
        server = server == null ? ServerConfig.DEFAULTS : server;
        auth = auth == null ? AuthConfig.DEFAULTS : auth;
        relay = relay == null ? RelayConfig.DEFAULTS : relay;
        collections = Collections.unmodifiableMap(new LinkedHashMap<>(collections));
    }

    /** What an empty rowcast.yml means. */
    public static RowcastConfig defaults() {
        return new RowcastConfig(true, ServerConfig.DEFAULTS, AuthConfig.DEFAULTS, RelayConfig.DEFAULTS, Map.of());
    }

    /** The collection fed by this Hibernate entity, if any. */
    public Optional<CollectionConfig> forEntity(String entityName) {
        for (CollectionConfig collection : collections.values()) {
            if (collection.matchesEntity(entityName)) {
                return Optional.of(collection);
            }
        }
        return Optional.empty();
    }

    /** The collection fed by JDBC writes to this table, if any. */
    public Optional<CollectionConfig> forTable(String tableName) {
        for (CollectionConfig collection : collections.values()) {
            if (collection.matchesTable(tableName)) {
                return Optional.of(collection);
            }
        }
        return Optional.empty();
    }
}
