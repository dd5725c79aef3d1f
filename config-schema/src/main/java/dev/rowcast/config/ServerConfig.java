package dev.rowcast.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code server:} of rowcast.yml.
 *
 * @param maxPayload the largest client message, in bytes
 */
public record ServerConfig(
        String host,
        int port,
        String path,
        Cors cors,
        Duration pingInterval,
        Duration pingTimeout,
        long maxPayload,
        Recovery recovery) {

    public static final ServerConfig DEFAULTS = new ServerConfig("0.0.0.0", 3001, "/socket.io", Cors.DEFAULTS,
            Duration.ofSeconds(25), Duration.ofSeconds(20), 1_000_000, Recovery.DEFAULTS);

    public ServerConfig {
        cors = cors == null ? Cors.DEFAULTS : cors;
        recovery = recovery == null ? Recovery.DEFAULTS : recovery;
    }

    /**
     * {@code server.cors:}.
     *
     * @param origins {@code ["*"]} for any origin, else the allowed origins
     */
    public record Cors(List<String> origins, List<String> methods, boolean credentials) {

        public static final Cors DEFAULTS = new Cors(List.of("*"), List.of("GET", "POST"), false);

        public Cors {
            origins = List.copyOf(origins);
            methods = List.copyOf(methods);
        }

        public boolean anyOrigin() {
            return origins.contains("*");
        }
    }

    /**
     * {@code server.recovery:}, Socket.IO's connection state recovery.
     *
     * @param maxEvents the most events kept for clients that come back (in a cluster, the Redis stream's length)
     * @param maxBytes the most bytes of those events (their frames) kept in each namespace without a cluster (a cluster's
     *                 Redis stream is bounded by {@code maxEvents} alone)
     */
    public record Recovery(boolean enabled, Duration maxDisconnection, int maxEvents, long maxBytes) {

        public static final int DEFAULT_MAX_EVENTS = 10_000;
        public static final long DEFAULT_MAX_BYTES = 16L << 20;
        public static final Recovery DEFAULTS = new Recovery(true, Duration.ofMinutes(2));

        public Recovery(boolean enabled, Duration maxDisconnection) {
            this(enabled, maxDisconnection, DEFAULT_MAX_EVENTS, DEFAULT_MAX_BYTES);
        }
    }
}
