package dev.rowcast.server.realtime;

import dev.rowcast.server.Socket;
import dev.rowcast.server.rooms.InMemoryAdapter;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What each user holds: its connections, and the heap its connections' rooms may take as the room
 * index estimates it. Without a share each, one signed-in user opening connection after connection,
 * or filling the server's room budget, held back every other user. A user is its token's user
 * ({@code auth.token.userClaim}); a socket without one is not counted here. Connects, joins and
 * leaves pay for the accounting; broadcasts never read it. It is exact: a user whose sockets are all
 * gone holds nothing and is forgotten.
 */
final class UserShares {
    private final int maxConnections;
    private final long maxRoomBytes;
    private final ConcurrentMap<String, Holding> byUser = new ConcurrentHashMap<>();
    /** By socket object, not id: a socket coming back through recovery is a new object under the old id. */
    private final ConcurrentMap<Object, Member> byHolder = new ConcurrentHashMap<>();

    UserShares(int maxConnections, long maxRoomBytes) {
        this.maxConnections = maxConnections;
        this.maxRoomBytes = maxRoomBytes;
    }

    /**
     * The user a socket counts as, as the log names it ({@code user 7}); null for a socket without a
     * verified user. Those are not counted by their address: behind a proxy every one of them has
     * the proxy's, and they would all be one user. The server-wide budget bounds them.
     */
    static String userOf(Socket socket) {
        String user = SocketData.tokenUser(socket);
        return user != null ? "user " + user : null;
    }

    int maxConnections() {
        return maxConnections;
    }

    long maxRoomBytes() {
        return maxRoomBytes;
    }

    /**
     * Takes a connection of {@code user} for {@code holder}, unless the user holds {@code maxConnections}
     * already. A socket recovering under the id of one still held (the old one not yet gone) takes no
     * second place: it replaces that one.
     */
    boolean admit(Object holder, String user, String socketId) {
        boolean[] admitted = {false};
        byUser.compute(user, (k, held) -> {
            Holding holding = held == null ? new Holding() : held;
            if (holding.sockets.size() >= maxConnections && !holding.sockets.containsKey(socketId)) return held;
            holding.sockets.merge(socketId, 1, Integer::sum);
            admitted[0] = true;
            return holding;
        });
        if (admitted[0]) byHolder.put(holder, new Member(user, socketId));
        return admitted[0];
    }

    /** Gives back what the holder took, its connection and its rooms; once, later calls do nothing. */
    void release(Object holder) {
        Member member = byHolder.remove(holder);
        if (member == null) return;
        byUser.computeIfPresent(member.user, (k, holding) -> {
            member.released = true;
            holding.sockets.computeIfPresent(member.socketId, (id, n) -> n == 1 ? null : n - 1);
            holding.roomBytes -= member.roomBytes;
            return holding.sockets.isEmpty() ? null : holding;
        });
    }

    /** What the holder's user may still join, in the room index's bytes; unbounded for a holder not taken here. */
    long roomBytesLeft(Object holder) {
        Member member = byHolder.get(holder);
        Holding holding = member == null ? null : byUser.get(member.user);
        return holding == null ? Long.MAX_VALUE : maxRoomBytes - holding.roomBytes;
    }

    /**
     * The holder's rooms are now {@code rooms}: its user holds what they could cost at most, each as if
     * nobody else were in it. Summed anew each time (at most 1,000 rooms), so a room the app joined it to
     * is counted too, and the user gives back exactly what it holds.
     */
    void roomsChanged(Object holder, Set<String> rooms, String ownRoom) {
        Member member = byHolder.get(holder);
        if (member == null) return;
        long bytes = 0;
        for (String room : rooms) {
            if (!room.equals(ownRoom)) bytes += InMemoryAdapter.roomBytes(room) + InMemoryAdapter.MEMBERSHIP_BYTES;
        }
        long now = bytes;
        byUser.computeIfPresent(member.user, (k, holding) -> {
            if (member.released) return holding;
            holding.roomBytes += now - member.roomBytes;
            member.roomBytes = now;
            return holding;
        });
    }

    /** The user's connections (recovering ones under a held id count once) and its rooms' bytes; for tests. */
    long[] held(String user) {
        Holding holding = byUser.get(user);
        return holding == null ? new long[] {0, 0} : new long[] {holding.sockets.size(), holding.roomBytes};
    }

    /** Users holding anything; for tests. */
    int users() {
        return byUser.size();
    }

    /** Changed only inside {@code byUser.compute} of its user. */
    private static final class Holding {
        /** Its sockets' ids, each with how many socket objects hold it (2 while one recovers under it). */
        final Map<String, Integer> sockets = new HashMap<>(4);
        volatile long roomBytes;
    }

    private static final class Member {
        final String user;
        final String socketId;
        /** Changed only inside {@code byUser.compute} of its user. */
        long roomBytes;
        boolean released;

        Member(String user, String socketId) {
            this.user = user;
            this.socketId = socketId;
        }
    }
}
