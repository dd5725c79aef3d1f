package dev.rowcast.server.realtime;

import dev.rowcast.server.Socket;
import dev.rowcast.server.protocol.PacketJson;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Disconnects a socket when its token expires (its {@code exp} plus the clock skew), after telling
 * it why with {@code rowcast:error {"event":"auth","error":"Token expired"}}. The plugin checked
 * the token only once, so a revoked user stayed connected for as long as they liked. The session is kept
 * for recovery: a client that comes back with a fresh token gets the events of the gap.
 */
final class TokenExpiry {
    static final String EXPIRED = "Token expired";

    private final ScheduledExecutorService timer;
    private final Duration clockSkew;

    TokenExpiry(ScheduledExecutorService timer, Duration clockSkew) {
        this.timer = timer;
        this.clockSkew = clockSkew;
    }

    void watch(Socket socket) {
        Instant expiresAt = SocketData.expiresAt(socket);
        if (expiresAt == null) return;
        long delay = Math.max(0, Duration.between(Instant.now(), expiresAt.plus(clockSkew)).toMillis());
        ScheduledFuture<?> expiry = timer.schedule(() -> expire(socket), delay, TimeUnit.MILLISECONDS);
        socket.onDisconnect(reason -> expiry.cancel(false));
    }

    private static void expire(Socket socket) {
        if (!socket.connected()) return;
        socket.emit(Replies.ERROR_EVENT, PacketJson.NODES.objectNode().put("event", "auth").put("error", EXPIRED));
        socket.disconnectKeepingSession(); // hops to the socket's own executor; the client may come back with a fresh token
    }
}
