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

    private final Adapter adapter;
    private final long maxBytes;
    private final LogThrottle log = LogThrottle.perMinute();

    RoomBudget(Adapter adapter, long maxBytes) {
        this.adapter = adapter;
        this.maxBytes = maxBytes;
    }

    /** What one join call may still add. */
    Allowance allowance() {
        return new Allowance(maxBytes - adapter.estimatedBytes());
    }

    /** Says in the log, at most once a minute, that joins are refused and why. */
    void refused(Socket socket, int rooms) {
        long held = log.admit();
        if (held < 0) return;
        LOG.log(System.Logger.Level.WARNING, "[rowcast] rooms: refused " + rooms + " room" + (rooms == 1 ? "" : "s")
                + " to connection " + socket.id() + ": the rooms of all connections hold about "
                + megabytes(adapter.estimatedBytes()) + " of the " + megabytes(maxBytes) + " they may (an eighth"
                + " of the heap unless set); clients joining many rooms of long names fill it, and the app keeps the rest"
                + (held > 0 ? " (" + held + " more joins refused so since the last such line, not logged)" : ""));
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    static final class Allowance {
        private long left;

        private Allowance(long left) {
            this.left = left;
        }

        /** Takes the most joining this room could add, if it fits. */
        boolean take(String room) {
            long cost = InMemoryAdapter.roomBytes(room) + InMemoryAdapter.MEMBERSHIP_BYTES;
            if (cost > left) return false;
            left -= cost;
            return true;
        }
    }
}
