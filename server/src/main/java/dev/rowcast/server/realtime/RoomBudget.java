package dev.rowcast.server.realtime;

import dev.rowcast.server.Socket;
import dev.rowcast.server.log.LogThrottle;
import dev.rowcast.server.rooms.Adapter;
import dev.rowcast.server.rooms.InMemoryAdapter;

/**
 * The heap that the rooms clients join may hold, all connections together. Each connection is
 * already held to {@link RoomPolicy#MAX_ROOMS_PER_SOCKET} rooms, but connections are many: without
 * this, clients opening connection after connection, each joining rooms of long names, took the
 * host app's heap. A join is let through when the index's estimate plus the most its new rooms
 * could add stays within the budget; joins running at once may pass it by what each adds.
 */
final class RoomBudget {
    private static final System.Logger LOG = System.getLogger("dev.rowcast.server.realtime");
    static final String FULL = "the server holds as many rooms as its memory allows; leave some, or try again later";
    static final String USER_FULL = "this user's connections hold as many rooms as one user may; leave some first";

    private final Adapter adapter;
    private final long maxBytes;
    private final UserShares users;
    private final LogThrottle log = LogThrottle.perMinute();

    RoomBudget(Adapter adapter, long maxBytes, UserShares users) {
        this.adapter = adapter;
        this.maxBytes = maxBytes;
        this.users = users;
    }

    /** What one join call of this socket may still add, the server's budget and its user's share both. */
    Allowance allowance(Socket socket) {
        return new Allowance(maxBytes - adapter.estimatedBytes(), users.roomBytesLeft(socket));
    }

    /** After the socket's rooms changed: its user holds what they cost. */
    void roomsChanged(Socket socket) {
        users.roomsChanged(socket, socket.rooms(), socket.id());
    }

    /** Says in the log, at most once a minute, that joins are refused and why. */
    void refused(Socket socket, Allowance allowance) {
        int rooms = allowance.serverRefusals + allowance.userRefusals;
        if (rooms == 0) return;
        long held = log.admit();
        if (held < 0) return;
        String why = allowance.serverRefusals > 0
                ? "the rooms of all connections hold about " + megabytes(adapter.estimatedBytes()) + " of the "
                        + megabytes(maxBytes) + " they may (an eighth of the heap unless set); clients joining many rooms"
                        + " of long names fill it, and the app keeps the rest"
                : "the rooms of " + UserShares.userOf(socket) + "'s connections hold about "
                        + megabytes(users.maxRoomBytes() - users.roomBytesLeft(socket)) + " of the "
                        + megabytes(users.maxRoomBytes()) + " one user may (a sixteenth of the rooms' budget unless set),"
                        + " so that it cannot hold back the joins of others";
        LOG.log(System.Logger.Level.WARNING, "[rowcast] rooms: refused " + rooms + " room" + (rooms == 1 ? "" : "s")
                + " to connection " + socket.id() + ": " + why
                + (held > 0 ? " (" + held + " more joins refused so since the last such line, not logged)" : ""));
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    static final class Allowance {
        private long serverLeft;
        private long userLeft;
        private int serverRefusals;
        private int userRefusals;

        private Allowance(long serverLeft, long userLeft) {
            this.serverLeft = serverLeft;
            this.userLeft = userLeft;
        }

        /** Takes the most joining this room could add and answers null if it fits; otherwise why it does not. */
        String take(String room) {
            long cost = InMemoryAdapter.roomBytes(room) + InMemoryAdapter.MEMBERSHIP_BYTES;
            if (cost > serverLeft) {
                serverRefusals++;
                return FULL;
            }
            if (cost > userLeft) {
                userRefusals++;
                return USER_FULL;
            }
            serverLeft -= cost;
            userLeft -= cost;
            return null;
        }
    }
}
