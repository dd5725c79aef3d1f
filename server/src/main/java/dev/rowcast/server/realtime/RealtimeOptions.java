package dev.rowcast.server.realtime;

import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.auth.AuthOptions;
import java.util.Objects;

/**
 * Everything a {@link RealtimeServer} needs: the Socket.IO server's options, {@code auth},
 * {@code relay}, and the per-client outbound queue limit. Immutable; built with {@link #builder()}.
 */
public final class RealtimeOptions {
    private final ServerOptions server;
    private final AuthOptions auth;
    private final RelayOptions relay;
    private final long maxRoomBytes;
    private final long maxRoomBytesPerUser;
    private final int maxConnectionsPerUser;

    private RealtimeOptions(Builder b) {
        ServerOptions base = b.server;
        if (b.maxQueuedPackets != null || b.maxQueuedBytes != null) {
            var engine = base.engine().toBuilder();
            if (b.maxQueuedPackets != null) engine.maxQueuedPackets(b.maxQueuedPackets);
            if (b.maxQueuedBytes != null) engine.maxQueuedBytes(b.maxQueuedBytes);
            base = base.toBuilder().engine(engine.build()).build();
        }
        this.server = base;
        this.auth = b.auth;
        this.relay = b.relay;
        this.maxRoomBytes = b.maxRoomBytes;
        this.maxRoomBytesPerUser = b.maxRoomBytesPerUser != null ? b.maxRoomBytesPerUser : Math.max(1, b.maxRoomBytes / 16);
        this.maxConnectionsPerUser = b.maxConnectionsPerUser;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static RealtimeOptions defaults() {
        return builder().build();
    }

    /** The Socket.IO server's options, with the outbound queue limit applied to its engine. */
    public ServerOptions server() {
        return server;
    }

    public AuthOptions auth() {
        return auth;
    }

    public RelayOptions relay() {
        return relay;
    }

    /** The most heap, as the room index estimates it, that the rooms clients join may hold together. */
    public long maxRoomBytes() {
        return maxRoomBytes;
    }

    /** The most of {@link #maxRoomBytes()} that the rooms of one user's connections may hold. */
    public long maxRoomBytesPerUser() {
        return maxRoomBytesPerUser;
    }

    /** The most connections one user may have at once. */
    public int maxConnectionsPerUser() {
        return maxConnectionsPerUser;
    }

    public static final class Builder {
        private ServerOptions server = ServerOptions.defaults();
        private AuthOptions auth = AuthOptions.builder().build();
        private RelayOptions relay = RelayOptions.defaults();
        private Integer maxQueuedPackets;
        private Long maxQueuedBytes;
        private long maxRoomBytes = defaultMaxRoomBytes();
        private Long maxRoomBytesPerUser;
        private int maxConnectionsPerUser = DEFAULT_MAX_CONNECTIONS_PER_USER;

        private Builder() {
        }

        public Builder server(ServerOptions server) {
            this.server = Objects.requireNonNull(server, "server");
            return this;
        }

        /** Default: no token required and none verified, every room allowed (the plugin's defaults). */
        public Builder auth(AuthOptions auth) {
            this.auth = Objects.requireNonNull(auth, "auth");
            return this;
        }

        public Builder relay(RelayOptions relay) {
            this.relay = Objects.requireNonNull(relay, "relay");
            return this;
        }

        public Builder relay(boolean enabled, boolean requireMembership, int maxPerSecond, int burst) {
            return relay(new RelayOptions(enabled, requireMembership, maxPerSecond, burst));
        }

        public Builder relay(boolean enabled, boolean requireMembership) {
            return relay(new RelayOptions(enabled, requireMembership));
        }

        /**
         * A client whose unsent events pass either limit is disconnected (it stopped reading) and
         * counted in {@link RealtimeStats#slowClientsDisconnected()}. Unset: the engine's own limits
         * (10,000 packets, 4 MiB).
         */
        public Builder outboundQueue(int maxPackets, long maxBytes) {
            if (maxPackets < 1 || maxBytes < 1) {
                throw new IllegalArgumentException("outbound queue limits must be positive, got " + maxPackets
                        + " packets and " + maxBytes + " bytes");
            }
            this.maxQueuedPackets = maxPackets;
            this.maxQueuedBytes = maxBytes;
            return this;
        }

        /**
         * The most heap the rooms that clients join may hold, all connections together, as the room
         * index estimates it; a join past it is refused. Default: an eighth of the heap ({@code -Xmx}).
         */
        public Builder maxRoomBytes(long bytes) {
            if (bytes < 1) throw new IllegalArgumentException("maxRoomBytes must be positive, got " + bytes);
            this.maxRoomBytes = bytes;
            return this;
        }

        /**
         * The most of {@link #maxRoomBytes} that the rooms of one user's connections may hold, each room
         * counted as if the user were alone in it; its joins past it are refused, while other users still
         * join. A user is its token's user ({@code auth.token.userClaim}), or for a connection without
         * one its remote address. Default: a sixteenth of {@code maxRoomBytes}.
         */
        public Builder maxRoomBytesPerUser(long bytes) {
            if (bytes < 1) throw new IllegalArgumentException("maxRoomBytesPerUser must be positive, got " + bytes);
            this.maxRoomBytesPerUser = bytes;
            return this;
        }

        /**
         * The most connections one user (as {@link #maxRoomBytesPerUser}) may have at once; a CONNECT past
         * it is refused with CONNECT_ERROR. Default: 100. Behind a proxy every client without a token has
         * the proxy's address: raise it, or require tokens.
         */
        public Builder maxConnectionsPerUser(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("maxConnectionsPerUser must be positive, got " + connections);
            }
            this.maxConnectionsPerUser = connections;
            return this;
        }

        public RealtimeOptions build() {
            return new RealtimeOptions(this);
        }
    }

    /** A user's tabs and devices stay far below it; a client opening connections in a loop, some 5 KB each, does not. */
    static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 100;

    /**
     * An eighth of the heap: joins are what lets one client grow the server's memory most (999 room
     * names of 512 characters are about 0.8 MB a connection), and they must never take the rest from
     * the host app. A real app's rooms take far less: 100,000 connections, each in a user room and
     * 5 shared ones, are about 95 MB by the estimate, within an eighth of a 1 GB heap.
     */
    static long defaultMaxRoomBytes() {
        return Runtime.getRuntime().maxMemory() / 8;
    }
}
