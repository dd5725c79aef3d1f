package dev.rowcast.server;

import dev.rowcast.server.cluster.ClusterOptions;
import dev.rowcast.server.engine.EngineOptions;
import dev.rowcast.server.rooms.Adapter;
import dev.rowcast.server.rooms.InMemoryAdapter;
import dev.rowcast.server.rooms.LocalDelivery;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/** Settings of a {@link SocketIoServer}, immutable. Defaults are the reference server's. */
public final class ServerOptions {
    /** What a kept room costs beyond its name, in characters, for {@link #recoveryMaxRoomChars()}. */
    public static final int ROOM_OVERHEAD_CHARS = 32;

    /** What a kept session's rooms count against {@link #recoveryMaxRoomChars()}. */
    public static long roomChars(Iterable<String> rooms) {
        long chars = 0;
        for (String room : rooms) chars += room.length() + ROOM_OVERHEAD_CHARS;
        return chars;
    }

    private final String path;
    private final EngineOptions engine;
    private final Duration connectTimeout;
    private final Duration ackTimeout;
    private final Function<LocalDelivery, Adapter> adapterFactory;
    private final Duration recovery;
    private final int recoveryMaxPackets;
    private final long recoveryMaxBytes;
    private final int recoveryMaxSessions;
    private final long recoveryMaxRoomChars;
    private final ClusterOptions cluster;

    private ServerOptions(Builder b) {
        this.path = b.path;
        this.engine = b.engine;
        this.connectTimeout = b.connectTimeout;
        this.ackTimeout = b.ackTimeout;
        this.adapterFactory = b.adapterFactory;
        this.recovery = b.recovery;
        this.recoveryMaxPackets = b.recoveryMaxPackets;
        this.recoveryMaxBytes = b.recoveryMaxBytes;
        this.recoveryMaxSessions = b.recoveryMaxSessions;
        this.recoveryMaxRoomChars = b.recoveryMaxRoomChars;
        this.cluster = b.cluster;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        return builder().path(path).engine(engine).connectTimeout(connectTimeout).ackTimeout(ackTimeout)
                .adapterFactory(adapterFactory).recovery(recovery).recoveryBuffer(recoveryMaxPackets, recoveryMaxBytes)
                .recoverySessions(recoveryMaxSessions, recoveryMaxRoomChars).cluster(cluster);
    }

    public static ServerOptions defaults() {
        return builder().build();
    }

    /** Where clients connect, {@code "/socket.io"} by default (socket.io-client's {@code path}). */
    public String path() { return path; }
    public EngineOptions engine() { return engine; }
    /** A session that joins no namespace within this is closed. Default 45 s. */
    public Duration connectTimeout() { return connectTimeout; }
    /** Default wait for a client's ack in {@link Socket#emitWithAck(String, AckCallback, Object...)}. */
    public Duration ackTimeout() { return ackTimeout; }
    /** Makes each namespace's room index; the in-memory one by default. */
    public Function<LocalDelivery, Adapter> adapterFactory() { return adapterFactory; }
    /** How long a client that lost its connection can come back as itself (connection state recovery); null: off. */
    public Duration recovery() { return recovery; }
    /** The most events a namespace keeps for recovery (oldest dropped first). Default 10,000. */
    public int recoveryMaxPackets() { return recoveryMaxPackets; }
    /** The most bytes of events (their frames) a namespace keeps for recovery. Default 16 MiB. */
    public long recoveryMaxBytes() { return recoveryMaxBytes; }
    /** The most sessions a namespace keeps for clients that may come back (oldest dropped first). Default 100,000. */
    public int recoveryMaxSessions() { return recoveryMaxSessions; }
    /**
     * The most characters of room names those sessions hold together, each room counting
     * {@value #ROOM_OVERHEAD_CHARS} more (what keeping one costs beyond its name). Default 16,000,000.
     */
    public long recoveryMaxRoomChars() { return recoveryMaxRoomChars; }
    /** The Redis cluster this node joins (broadcasts, recovery and presence span its nodes); null: this node alone. */
    public ClusterOptions cluster() { return cluster; }

    public static final class Builder {
        private String path = "/socket.io";
        private EngineOptions engine = EngineOptions.defaults();
        private Duration connectTimeout = Duration.ofSeconds(45);
        private Duration ackTimeout = Duration.ofSeconds(10);
        private Function<LocalDelivery, Adapter> adapterFactory = InMemoryAdapter::new;
        private Duration recovery;
        private int recoveryMaxPackets = 10_000;
        private long recoveryMaxBytes = 16L * 1024 * 1024;
        private int recoveryMaxSessions = 100_000;
        private long recoveryMaxRoomChars = 16_000_000;
        private ClusterOptions cluster;

        private Builder() {
        }

        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("server path '" + path + "' must start with '/', e.g. /socket.io");
            }
            this.path = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            return this;
        }

        public Builder engine(EngineOptions engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        public Builder ackTimeout(Duration timeout) {
            this.ackTimeout = positive("ackTimeout", timeout);
            return this;
        }

        public Builder adapterFactory(Function<LocalDelivery, Adapter> factory) {
            this.adapterFactory = Objects.requireNonNull(factory, "adapterFactory");
            return this;
        }

        /**
         * Turns on connection state recovery: CONNECT replies carry a {@code pid}, plain events an
         * offset, and a client back within {@code maxDisconnection} gets its id, rooms, data and missed
         * events. Its CONNECT passes the middlewares first, as a fresh one does (the reference server
         * skips them by default). Null turns it off (the default).
         */
        public Builder recovery(Duration maxDisconnection) {
            this.recovery = maxDisconnection == null ? null : positive("recovery", maxDisconnection);
            return this;
        }

        /**
         * Bounds the events each namespace keeps for recovery, oldest dropped first; a client that
         * missed a dropped event gets a new session instead (recovered false). Defaults 10,000 / 16 MiB.
         */
        public Builder recoveryBuffer(int maxPackets, long maxBytes) {
            if (maxPackets < 1 || maxBytes < 1) {
                throw new IllegalArgumentException("server recoveryBuffer must be positive, got " + maxPackets
                        + " packets / " + maxBytes + " bytes; e.g. recoveryBuffer(10_000, 16L << 20)");
            }
            this.recoveryMaxPackets = maxPackets;
            this.recoveryMaxBytes = maxBytes;
            return this;
        }

        /**
         * Bounds the sessions each namespace keeps for clients that lost their connection (in memory; a
         * cluster keeps them in Redis), oldest dropped first: a client whose session was dropped gets a
         * new one (recovered false). {@code maxRoomChars} bounds the characters of their rooms' names,
         * each room counting {@value ServerOptions#ROOM_OVERHEAD_CHARS} more. Defaults 100,000 / 16,000,000.
         */
        public Builder recoverySessions(int maxSessions, long maxRoomChars) {
            if (maxSessions < 1 || maxRoomChars < 1) {
                throw new IllegalArgumentException("server recoverySessions must be positive, got " + maxSessions
                        + " sessions / " + maxRoomChars + " room characters; e.g. recoverySessions(100_000, 16_000_000)");
            }
            this.recoveryMaxSessions = maxSessions;
            this.recoveryMaxRoomChars = maxRoomChars;
            return this;
        }

        /**
         * Joins the nodes that share this Redis: room broadcasts reach their sockets too, a client can recover on
         * any of them, and presence spans them. The adapter factory is then not used. Null: this node alone.
         */
        public Builder cluster(ClusterOptions cluster) {
            this.cluster = cluster;
            return this;
        }

        public ServerOptions build() {
            return new ServerOptions(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("server " + name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
