package dev.rowcast.server.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Settings of an {@link EngineServer}, immutable. Defaults are the reference server's
 * (pingInterval 25 s, pingTimeout 20 s, upgradeTimeout 10 s, maxPayload 1,000,000 bytes), and
 * for HTTP connections idleTimeout 30 s, requestTimeout 60 s, each longer when the heartbeat is
 * (see {@link #idleTimeout()} and {@link #requestTimeout()}).
 */
public final class EngineOptions {
    private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration HEARTBEAT_SLACK = Duration.ofSeconds(5);
    private static final Duration REQUEST_SLACK = Duration.ofSeconds(15);

    private final String host;
    private final int port;
    private final Duration pingInterval;
    private final Duration pingTimeout;
    private final Duration upgradeTimeout;
    /** As set, or null: the accessors then derive them from the heartbeat. */
    private final Duration idleTimeout;
    private final Duration requestTimeout;
    private final int maxPayload;
    private final Cors cors;
    private final int maxQueuedPackets;
    private final long maxQueuedBytes;
    private final Predicate<Handshake> allowRequest;
    private final int ioThreads;
    private final boolean daemonThreads;

    private EngineOptions(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.pingInterval = b.pingInterval;
        this.pingTimeout = b.pingTimeout;
        this.upgradeTimeout = b.upgradeTimeout;
        this.idleTimeout = b.idleTimeout;
        this.requestTimeout = b.requestTimeout;
        this.maxPayload = b.maxPayload;
        this.cors = b.cors;
        this.maxQueuedPackets = b.maxQueuedPackets;
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.allowRequest = b.allowRequest;
        this.ioThreads = b.ioThreads;
        this.daemonThreads = b.daemonThreads;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static EngineOptions defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.pingInterval = pingInterval;
        b.pingTimeout = pingTimeout;
        b.upgradeTimeout = upgradeTimeout;
        b.idleTimeout = idleTimeout;
        b.requestTimeout = requestTimeout;
        b.maxPayload = maxPayload;
        b.cors = cors;
        b.maxQueuedPackets = maxQueuedPackets;
        b.maxQueuedBytes = maxQueuedBytes;
        b.allowRequest = allowRequest;
        b.ioThreads = ioThreads;
        b.daemonThreads = daemonThreads;
        return b;
    }

    public String host() { return host; }
    public int port() { return port; }
    public Duration pingInterval() { return pingInterval; }
    public Duration pingTimeout() { return pingTimeout; }
    public Duration upgradeTimeout() { return upgradeTimeout; }
    /**
     * An HTTP connection with no request under way (none sent yet, or none since the last answer)
     * is closed after this. Half a request line or half the headers counts as none. Unless set:
     * 30 s, or pingInterval + 5 s when that is longer, since a polling client's POST connection
     * carries a pong every pingInterval and closing it between two would race the next.
     */
    public Duration idleTimeout() {
        return idleTimeout != null ? idleTimeout : longer(DEFAULT_IDLE_TIMEOUT, pingInterval.plus(HEARTBEAT_SLACK));
    }
    /**
     * A request whose body has not all arrived this long after its headers gets 408 and its
     * connection is closed. Unless set: 60 s, or pingInterval + pingTimeout + 15 s when that is
     * longer (a POST slower than pingInterval + pingTimeout brings its pong too late anyway).
     */
    public Duration requestTimeout() {
        return requestTimeout != null ? requestTimeout
                : longer(DEFAULT_REQUEST_TIMEOUT, pingInterval.plus(pingTimeout).plus(REQUEST_SLACK));
    }

    private static Duration longer(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
    /** Largest POST body or WebSocket message in bytes (the open packet's {@code maxPayload}). */
    public int maxPayload() { return maxPayload; }
    /** Null when CORS is off. */
    public Cors cors() { return cors; }
    /** A session whose unsent packets exceed this count is closed ({@code "transport error"}). */
    public int maxQueuedPackets() { return maxQueuedPackets; }
    /** A session whose unsent bytes exceed this is closed ({@code "transport error"}). */
    public long maxQueuedBytes() { return maxQueuedBytes; }
    /** Decides whether a handshake may open a session; false answers 403 (code 4 "Forbidden"). */
    public Predicate<Handshake> allowRequest() { return allowRequest; }
    /** Netty I/O threads; 0 means Netty's default (twice the cores). */
    public int ioThreads() { return ioThreads; }

    /** Whether the acceptor and I/O threads are daemons (a server embedded in another's JVM). */
    public boolean daemonThreads() { return daemonThreads; }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private Duration pingInterval = Duration.ofSeconds(25);
        private Duration pingTimeout = Duration.ofSeconds(20);
        private Duration upgradeTimeout = Duration.ofSeconds(10);
        /** Null until set: then it follows the heartbeat, see {@link EngineOptions#idleTimeout()}. */
        private Duration idleTimeout;
        /** Null until set: then it follows the heartbeat, see {@link EngineOptions#requestTimeout()}. */
        private Duration requestTimeout;
        private int maxPayload = 1_000_000;
        private Cors cors;
        private int maxQueuedPackets = 10_000;
        private long maxQueuedBytes = 4L * 1024 * 1024;
        private Predicate<Handshake> allowRequest = handshake -> true;
        private int ioThreads = 0;
        private boolean daemonThreads;

        private Builder() {
        }

        /** Address to listen on; "0.0.0.0" for every interface. Default 127.0.0.1. */
        public Builder host(String host) { this.host = Objects.requireNonNull(host, "host"); return this; }
        /** 0 picks a free port; {@link EngineServer#start()} returns it. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) throw new IllegalArgumentException("engine port " + port + " is out of range 0..65535");
            this.port = port;
            return this;
        }
        public Builder pingInterval(Duration d) { this.pingInterval = positive("pingInterval", d); return this; }
        public Builder pingTimeout(Duration d) { this.pingTimeout = positive("pingTimeout", d); return this; }
        public Builder upgradeTimeout(Duration d) { this.upgradeTimeout = positive("upgradeTimeout", d); return this; }
        public Builder idleTimeout(Duration d) { this.idleTimeout = positive("idleTimeout", d); return this; }
        public Builder requestTimeout(Duration d) { this.requestTimeout = positive("requestTimeout", d); return this; }
        public Builder maxPayload(int bytes) {
            if (bytes < 16) throw new IllegalArgumentException("engine maxPayload " + bytes + " is too small; use at least 16 bytes");
            this.maxPayload = bytes;
            return this;
        }
        /** Null turns CORS off. */
        public Builder cors(Cors cors) { this.cors = cors; return this; }
        public Builder maxQueuedPackets(int packets) {
            if (packets < 1) throw new IllegalArgumentException("engine maxQueuedPackets must be at least 1, got " + packets);
            this.maxQueuedPackets = packets;
            return this;
        }
        public Builder maxQueuedBytes(long bytes) {
            if (bytes < 1) throw new IllegalArgumentException("engine maxQueuedBytes must be at least 1, got " + bytes);
            this.maxQueuedBytes = bytes;
            return this;
        }
        /** Runs on an I/O thread for every handshake: it must not block. */
        public Builder allowRequest(Predicate<Handshake> allowRequest) { this.allowRequest = Objects.requireNonNull(allowRequest, "allowRequest"); return this; }
        /**
         * Daemon acceptor and I/O threads: the server then never keeps its JVM alive, and whoever
         * embeds it stops it before the JVM exits (a shutdown hook) for clients to be told. Off by
         * default: a {@code main} that starts a server and returns leaves it serving.
         */
        public Builder daemonThreads(boolean daemon) {
            this.daemonThreads = daemon;
            return this;
        }

        public Builder ioThreads(int threads) {
            if (threads < 0) throw new IllegalArgumentException("engine ioThreads must be >= 0, got " + threads);
            this.ioThreads = threads;
            return this;
        }

        public EngineOptions build() {
            return new EngineOptions(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("engine " + name + " must be positive, got " + d);
            return d;
        }
    }
}
