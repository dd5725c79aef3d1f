package dev.rowcast.agent.outlet;

import dev.rowcast.config.AuthConfig;
import dev.rowcast.config.ClusterConfig;
import dev.rowcast.config.RoomPattern;
import dev.rowcast.config.RowcastConfig;
import dev.rowcast.config.ServerConfig;
import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.auth.AuthOptions;
import dev.rowcast.server.auth.TokenVerifier;
import dev.rowcast.server.cluster.ClusterOptions;
import dev.rowcast.server.engine.Cors;
import dev.rowcast.server.engine.EngineOptions;
import dev.rowcast.server.realtime.RealtimeOptions;

/** Maps {@code server:}, {@code auth:}, {@code relay:} and {@code cluster:} of rowcast.yml onto the realtime server's options. */
public final class RealtimeSettings {

    private RealtimeSettings() {}

    /**
     * Builds and checks the options, key material included, so that a bad key is reported while
     * the agent starts rather than when the first client connects.
     *
     * @throws IllegalArgumentException naming the rowcast.yml key and the fix
     */
    public static RealtimeOptions from(RowcastConfig config) {
        AuthOptions auth = auth(config.auth());
        if (auth.publicKey().isPresent() || auth.jwks().isPresent()) {
            // reads and checks the PEM key or the JWKS address (fetches nothing); a secret was checked above
            TokenVerifier.create(auth);
        }
        return RealtimeOptions.builder()
                .server(server(config.server(), config.cluster()))
                .auth(auth)
                .relay(config.relay().enabled(), config.relay().requireMembership(), config.relay().maxPerSecond(), config.relay().burst())
                .build();
    }

    static ServerOptions server(ServerConfig config) {
        return server(config, null);
    }

    static ServerOptions server(ServerConfig config, ClusterConfig cluster) {
        Cors cors = config.cors().anyOrigin() ? Cors.anyOrigin() : Cors.origins(config.cors().origins());
        cors = cors.withMethods(config.cors().methods()).withCredentials(config.cors().credentials());
        EngineOptions engine = EngineOptions.builder()
                .host(config.host())
                .port(config.port())
                .pingInterval(config.pingInterval())
                .pingTimeout(config.pingTimeout())
                .maxPayload((int) Math.min(Integer.MAX_VALUE, config.maxPayload()))
                .cors(cors)
                // the app decides when its JVM ends; the agent's exit hook stops the server then
                .daemonThreads(true)
                .build();
        return ServerOptions.builder()
                .path(config.path())
                .engine(engine)
                .recovery(config.recovery().enabled() ? config.recovery().maxDisconnection() : null)
                .recoveryBuffer(config.recovery().maxEvents(), config.recovery().maxBytes())
                .cluster(cluster == null ? null : cluster(cluster, config))
                .build();
    }

    /** Plain values only: Lettuce is loaded when the server starts, and only with a cluster. */
    static ClusterOptions cluster(ClusterConfig cluster, ServerConfig server) {
        int maxEvents = server.recovery().maxEvents();
        if (maxEvents < MIN_STREAM_LENGTH) {
            throw new IllegalArgumentException("server.recovery.maxEvents is the length of the cluster's Redis stream, and must be at least "
                    + MIN_STREAM_LENGTH + " with cluster:, got " + maxEvents);
        }
        // ClusterOptions's own checks name the key of rowcast.yml they fail on
        return ClusterOptions.builder(cluster.redis())
                .keyPrefix(cluster.keyPrefix())
                .streamMaxLength(maxEvents)
                // a node is dead once it missed what a client would: the users of its sockets then leave presence
                .nodeTimeout(server.pingTimeout().compareTo(java.time.Duration.ofMillis(300)) < 0
                        ? java.time.Duration.ofMillis(300) : server.pingTimeout())
                .build();
    }

    /** ClusterOptions's least stream length. */
    private static final int MIN_STREAM_LENGTH = 100;

    static AuthOptions auth(AuthConfig config) {
        AuthConfig.Token token = config.token();
        return AuthOptions.builder()
                .required(config.required())
                .secret(token.secret().orElse(null))
                .publicKey(token.publicKey().orElse(null))
                .jwks(token.jwks().orElse(null))
                .issuer(token.issuer().orElse(null))
                .audiences(token.audience())
                .clockSkew(token.clockSkew())
                .userClaim(token.userClaim())
                .rooms(config.rooms().map(patterns -> patterns.stream().map(RoomPattern::source).toList()).orElse(null))
                .build();
    }
}
