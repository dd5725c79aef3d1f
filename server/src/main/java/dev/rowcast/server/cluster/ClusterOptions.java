package dev.rowcast.server.cluster;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * How a server joins the other nodes of its cluster through Redis. Plain values only: building
 * these options loads no Redis client class, so a server without a cluster never loads Lettuce.
 */
public final class ClusterOptions {
    private final String redisUri;
    private final String keyPrefix;
    private final String nodeId;
    private final Duration nodeTimeout;
    private final int streamMaxLength;
    private final Duration streamMaxAge;

    private ClusterOptions(Builder b) {
        this.redisUri = b.redisUri;
        this.keyPrefix = b.keyPrefix;
        this.nodeId = b.nodeId != null ? b.nodeId : randomNodeId();
        this.nodeTimeout = b.nodeTimeout;
        this.streamMaxLength = b.streamMaxLength;
        this.streamMaxAge = b.streamMaxAge;
    }

    public static Builder builder(String redisUri) {
        return new Builder(redisUri);
    }

    /** {@code redis://[:password@]host:6379[/db]} or {@code rediss://} for TLS. */
    public String redisUri() { return redisUri; }
    /** Prefix of every key and stream this cluster uses, so several apps can share one Redis. Default "rowcast". */
    public String keyPrefix() { return keyPrefix; }
    /** This node's id in the cluster; random by default. */
    public String nodeId() { return nodeId; }
    /** A node whose heartbeat is older than this is dead: its users leave presence. Default 20 s (the ping timeout). */
    public Duration nodeTimeout() { return nodeTimeout; }
    /** The events kept in the shared stream (approximate, oldest trimmed first). Default 10,000. */
    public int streamMaxLength() { return streamMaxLength; }
    /** Events older than this are trimmed from the shared stream; the server sets it to the recovery window. Default 2 min. */
    public Duration streamMaxAge() { return streamMaxAge; }

    /** The same options with another stream age bound. */
    public ClusterOptions withStreamMaxAge(Duration age) {
        Builder b = builder(redisUri).keyPrefix(keyPrefix).nodeId(nodeId).nodeTimeout(nodeTimeout).streamMaxLength(streamMaxLength);
        b.streamMaxAge = Objects.requireNonNull(age, "streamMaxAge");
        return b.build();
    }

    /** The URI without its password, for log lines. */
    public String redisUriForLog() {
        try {
            URI uri = URI.create(redisUri);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "(unparsable Redis URI)";
        }
    }

    private static String randomNodeId() {
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public static final class Builder {
        private final String redisUri;
        private String keyPrefix = "rowcast";
        private String nodeId;
        private Duration nodeTimeout = Duration.ofSeconds(20);
        private int streamMaxLength = 10_000;
        private Duration streamMaxAge = Duration.ofMinutes(2);

        private Builder(String redisUri) {
            Objects.requireNonNull(redisUri, "redisUri");
            if (!redisUri.startsWith("redis://") && !redisUri.startsWith("rediss://")) {
                // not the URI itself, which may hold a password
                throw new IllegalArgumentException("cluster.redis must be a redis:// or rediss:// URI, e.g. redis://localhost:6379");
            }
            this.redisUri = redisUri;
        }

        public Builder keyPrefix(String prefix) {
            if (prefix == null || prefix.isBlank()) throw new IllegalArgumentException("cluster.keyPrefix must not be blank, e.g. rowcast");
            this.keyPrefix = prefix;
            return this;
        }

        public Builder nodeId(String nodeId) {
            if (nodeId == null || nodeId.isBlank()) throw new IllegalArgumentException("cluster nodeId must not be blank");
            this.nodeId = nodeId;
            return this;
        }

        public Builder nodeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "nodeTimeout");
            if (timeout.toMillis() < 300) throw new IllegalArgumentException("cluster nodeTimeout must be at least 300 ms, got " + timeout);
            this.nodeTimeout = timeout;
            return this;
        }

        public Builder streamMaxLength(int max) {
            if (max < 100) throw new IllegalArgumentException("cluster streamMaxLength must be at least 100, got " + max);
            this.streamMaxLength = max;
            return this;
        }

        public ClusterOptions build() {
            return new ClusterOptions(this);
        }
    }
}
