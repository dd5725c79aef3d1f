package dev.rowcast.server.realtime;

import dev.rowcast.server.Middleware;
import dev.rowcast.server.Socket;
import dev.rowcast.server.log.LogThrottle;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Refuses a CONNECT whose user holds {@link UserShares#maxConnections()} connections already: each
 * costs some 5 KB of heap, and one token opening them in a loop had no limit. Runs after the token is
 * verified, so that the user is the token's. The place is given back when the socket disconnects, or
 * when it is not admitted after all.
 */
final class ConnectionCap implements Middleware {
    private static final System.Logger LOG = System.getLogger("dev.rowcast.server.realtime");

    private final UserShares users;
    private final LongAdder refused = new LongAdder();
    private final LogThrottle log = LogThrottle.perMinute();

    ConnectionCap(UserShares users) {
        this.users = users;
    }

    static String message(int max) {
        return "Too many connections: one user may have " + max + " at once; close some first";
    }

    @Override
    public void handle(Socket socket, Next next) {
        String user = UserShares.userOf(socket);
        if (user == null) {
            next.proceed(); // no verified user: see UserShares.userOf
            return;
        }
        if (!users.admit(socket, user, socket.id())) {
            refused.increment();
            said(user);
            next.refuse(message(users.maxConnections()), Map.of("reason", "connections"));
            return;
        }
        socket.onDiscard(() -> users.release(socket));
        socket.onDisconnect(reason -> users.release(socket));
        next.proceed();
    }

    long refused() {
        return refused.sum();
    }

    private void said(String user) {
        long held = log.admit();
        if (held < 0) return;
        LOG.log(System.Logger.Level.WARNING, "[rowcast] connections: refused a connection of " + user + ", which has "
                + users.maxConnections() + " open already (maxConnectionsPerUser); a client opening connections in a loop"
                + " does this, a real user's tabs stay far below it"
                + (held > 0 ? " (" + held + " more connections refused so since the last such line, not logged)" : ""));
    }
}
