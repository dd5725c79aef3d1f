package dev.rowcast.server;

import dev.rowcast.server.engine.EngineMessage;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Connection state recovery of one namespace (Socket.IO 4.6+): every plain event gets an offset
 * as its last argument and every broadcast is kept for {@code maxDisconnection}; a socket that lost
 * its transport is kept as long, so a client that comes back with its {@code pid} and last offset
 * (or none, when it got no event yet) gets the same id, rooms and data, and every event it missed. An offset is a position in the kept
 * events: an event to one socket alone repeats the offset of the last event that socket was sent,
 * and is not kept (so that no client can push the others' events out). The kept events are bounded
 * in count and bytes (of their frames), oldest dropped first; a client that missed a dropped event
 * gets a new session, as one with an unknown offset does. The kept sessions are bounded in count and
 * in the characters of their rooms, oldest dropped first too. A session is claimed for the CONNECT that
 * comes back for it while the namespace's middlewares check that CONNECT, and restored only once they
 * let it in. Thread-safe.
 */
final class Recovery {
    /** The reasons after which a client may come back; an explicit disconnect is final. */
    static final Set<String> RECOVERABLE = Set.of("transport error", "transport close", "forced close", "ping timeout",
            "server shutting down", "forced server close");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final long maxDisconnectionMillis;
    private final int maxPackets;
    private final long maxBytes;
    /** Offsets are this prefix (of {@link #PREFIX_CHARS}) and the event's sequence number in base 36. */
    private final String offsetPrefix = randomId(6);
    private static final int PREFIX_CHARS = 8;
    /** The next event's sequence number; 0 is the position before the first event. */
    private final AtomicLong offsets = new AtomicLong(1);
    /** Appended and trimmed under {@code this}, so its order is the offsets' order; read without the lock. */
    private final ConcurrentLinkedDeque<Entry> log = new ConcurrentLinkedDeque<>();
    private int retainedPackets;
    private long retainedBytes;
    /** The sequence number of the newest event dropped from the log; guarded by {@code this}. */
    private long droppedThrough;
    private final int maxSessions;
    private final long maxRoomChars;
    /** The kept sessions by pid, oldest first; guarded by itself, as is {@link #roomChars}. */
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>();
    /** The characters of the kept sessions' rooms, each counting {@link ServerOptions#ROOM_OVERHEAD_CHARS} more. */
    private long roomChars;
    /** The pids of sessions whose CONNECT is being checked by the middlewares: one CONNECT at a time per session. */
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    /**
     * Shared from recording an event until it is handed to its sockets, exclusive while a recovered
     * socket takes its missed events and joins its rooms: so no event is lost, doubled or overtaken.
     */
    private final ReentrantReadWriteLock handover = new ReentrantReadWriteLock();
    private final String namespace;
    /** Non-null in a cluster: sessions and events then live in Redis, shared by every node. */
    private final dev.rowcast.server.cluster.ClusterLink cluster;
    private final long refreshMillis;

    /** {@code encoded}: the event as sent, offset included, so a replay re-sends these very bytes. */
    record Entry(long seq, long emittedAt, List<EngineMessage> encoded, Set<String> rooms, Set<String> except, long bytes) {
    }

    /**
     * {@code origin}: the offset the socket started from, where a client that got none of its events comes back
     * from; {@code routed}: the offset of the last kept event handed to it (sent or not); {@code through}: the
     * sequence number through which every kept event for it was handed to it, or -1 when unknown.
     */
    record Session(String sid, String pid, Set<String> rooms, Map<String, Object> data, long disconnectedAt, String origin,
            String routed, long through) {
    }

    Recovery(long maxDisconnectionMillis, int maxPackets, long maxBytes, int maxSessions, long maxRoomChars, String namespace,
            dev.rowcast.server.cluster.ClusterLink cluster) {
        this.maxDisconnectionMillis = maxDisconnectionMillis;
        this.maxPackets = maxPackets;
        this.maxBytes = maxBytes;
        this.maxSessions = maxSessions;
        this.maxRoomChars = maxRoomChars;
        this.namespace = namespace;
        this.cluster = cluster;
        this.refreshMillis = Math.min(60_000, Math.max(1_000, maxDisconnectionMillis / 2));
    }

    /** True in a cluster: the shared stream gives offsets and keeps events, and sessions are stored in Redis. */
    boolean shared() {
        return cluster != null;
    }

    /** Stores a connected socket's session (cluster only), alive a sweep period past the window so a crash keeps it. */
    void touch(Socket socket) {
        cluster.saveSession(namespace, new dev.rowcast.server.cluster.ClusterLink.StoredSession(socket.id(), socket.pid(),
                Set.copyOf(socket.rooms()), socket.dataSnapshot()), maxDisconnectionMillis + refreshMillis);
    }

    /** The socket left for good (cluster only). */
    void forget(Socket socket) {
        if (socket.pid() != null) cluster.forgetSession(namespace, socket.pid());
    }

    /** The session stored for {@code pid} on any node, or null (cluster only); it stays stored. */
    java.util.concurrent.CompletionStage<dev.rowcast.server.cluster.ClusterLink.StoredSession> findShared(String pid) {
        return cluster.session(namespace, pid);
    }

    /**
     * Takes a session from any node with its missed events in the rooms {@code keep} allows (cluster only);
     * {@code admit} runs off the caller's thread, see ClusterLink#restore.
     */
    void restoreShared(String pid, String offset, Predicate<String> keep,
            dev.rowcast.server.cluster.ClusterLink.RestoreCallback admit) {
        cluster.restore(namespace, pid, offset, keep, admit);
    }

    static String randomId(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * Gives the event a fresh offset, encodes it with that offset as its last argument and keeps
     * the encoded messages; returns them to send. Encoding under the lock keeps the log in offset order.
     */
    List<EngineMessage> record(Function<String, List<EngineMessage>> encodeWithOffset, Set<String> rooms, Set<String> except) {
        Set<String> to = Set.copyOf(rooms);
        Set<String> notTo = Set.copyOf(except);
        synchronized (this) {
            long seq = offsets.getAndIncrement();
            List<EngineMessage> encoded = encodeWithOffset.apply(offset(seq));
            long now = System.currentTimeMillis();
            long bytes = 0;
            for (EngineMessage message : encoded) bytes += message.isBinary() ? message.binary().length : message.textFrameUtf8().length;
            log.add(new Entry(seq, now, encoded, to, notTo, bytes));
            retainedPackets++;
            retainedBytes += bytes;
            dropExpiredEntries(now);
            return encoded;
        }
    }

    /** Where a socket that connects now starts: the newest event's offset (in a cluster, the stream id delivered last). */
    String position() {
        return cluster != null ? cluster.lastDelivered() : offset(offsets.get() - 1);
    }

    private String offset(long seq) {
        return offsetPrefix + Long.toString(seq, 36);
    }

    /** The sequence number in one of this namespace's offsets, or -1 for any other string. */
    private long seqOf(String offset) {
        if (offset == null || offset.length() <= PREFIX_CHARS || !offset.startsWith(offsetPrefix)) return -1;
        try {
            return Long.parseLong(offset.substring(PREFIX_CHARS), 36);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * True when a session away (disconnected, still within the window) would get an event to these
     * rooms on its return: so an event that no connected socket receives is still kept for it.
     */
    boolean awaits(Collection<String> rooms, Set<String> except) {
        synchronized (sessions) {
            // every event asks, mostly when nobody is away: then the clock is not read
            if (sessions.isEmpty()) return false;
            long now = System.currentTimeMillis();
            for (Session session : sessions.values()) {
                if (now - session.disconnectedAt() <= maxDisconnectionMillis && missedBy(session, rooms, except)) return true;
            }
        }
        return false;
    }

    /** Whether an event to {@code rooms} (every socket when empty) except {@code except} is for this session. */
    private static boolean missedBy(Session session, Collection<String> rooms, Set<String> except) {
        boolean targeted = rooms.isEmpty() || !Collections.disjoint(rooms, session.rooms());
        return targeted && Collections.disjoint(except, session.rooms());
    }

    /** Held by an emit from {@link #record} until the event is handed to the sockets. */
    Lock emitting() {
        return handover.readLock();
    }

    /** Held by a recovering socket from {@link #restore} until it is in its rooms and has its missed events. */
    ReentrantReadWriteLock.WriteLock restoring() {
        return handover.writeLock();
    }

    /** How many events are kept now. */
    synchronized int retainedPackets() {
        return retainedPackets;
    }

    /** The size of the events kept now (their frames). */
    synchronized long retainedBytes() {
        return retainedBytes;
    }

    void persist(Socket socket, Set<String> rooms) {
        if (cluster != null) {
            cluster.keepSession(namespace, new dev.rowcast.server.cluster.ClusterLink.StoredSession(socket.id(), socket.pid(),
                    Set.copyOf(rooms), socket.dataSnapshot()), maxDisconnectionMillis, maxSessions, maxRoomChars);
            return;
        }
        // Under the write lock every event recorded so far has been handed to its sockets, so a client that got the
        // last one handed to it missed nothing up to here, however old its offset. Not waited for: this runs on an
        // event loop, maybe inside an emit that holds the read lock; without it the client comes back from its offset.
        String routed;
        long through = -1;
        var restoring = handover.writeLock();
        if (restoring.tryLock()) {
            try {
                routed = socket.routed();
                through = offsets.get() - 1;
            } finally {
                restoring.unlock();
            }
        } else {
            routed = socket.routed();
        }
        Session session = new Session(socket.id(), socket.pid(), Set.copyOf(rooms), socket.dataSnapshot(),
                System.currentTimeMillis(), socket.origin(), routed, through);
        synchronized (sessions) {
            forget(session.pid());
            sessions.put(session.pid(), session);
            roomChars += roomChars(session);
            // oldest first: a client whose session is dropped here gets a new one when it comes back
            Iterator<Session> oldest = sessions.values().iterator();
            while ((sessions.size() > maxSessions || roomChars > maxRoomChars) && oldest.hasNext()) {
                roomChars -= roomChars(oldest.next());
                oldest.remove();
            }
        }
    }

    /** Removes a kept session; holds the sessions' lock. */
    private Session forget(String pid) {
        Session session = sessions.remove(pid);
        if (session != null) roomChars -= roomChars(session);
        return session;
    }

    private static long roomChars(Session session) {
        return ServerOptions.roomChars(session.rooms());
    }

    /** How many sessions are kept now. */
    int savedSessions() {
        synchronized (sessions) {
            return sessions.size();
        }
    }

    /** The characters of the kept sessions' rooms, as bounded by {@link ServerOptions#recoveryMaxRoomChars()}. */
    long savedRoomChars() {
        synchronized (sessions) {
            return roomChars;
        }
    }

    /**
     * The session a CONNECT with {@code pid} and {@code offset} may come back to, claimed for it until
     * {@link #restore} or {@link #release}; null when it cannot be recovered or another CONNECT holds it.
     * {@code offset} is null when the client got no event of the session (socket.io-client then sends none).
     */
    Session claim(String pid, String offset) {
        Session session;
        synchronized (sessions) {
            session = sessions.get(pid);
        }
        if (session == null || expired(session, System.currentTimeMillis()) || !holds(resumeAfter(session, offset))) return null;
        return claimed.add(pid) ? session : null;
    }

    /**
     * The sequence number after which the session's client missed events, or -1 when its offset is none of
     * this namespace's: its own offset, or where the session began when it has none (it got no event of the
     * session) or one older (kept from an earlier session); past every event handed to the socket before it
     * went away when the client had the last of them.
     */
    private long resumeAfter(Session session, String offset) {
        long origin = seqOf(session.origin());
        long after = offset == null ? origin : seqOf(offset);
        if (after < 0) return -1;
        after = Math.max(after, origin);
        if (session.through() >= 0 && after == seqOf(session.routed())) after = Math.max(after, session.through());
        return after;
    }

    /** The claiming CONNECT was refused or went away: the session waits for another. */
    void release(String pid) {
        claimed.remove(pid);
    }

    /**
     * Takes the claimed session back with the events it missed after {@code offset} in the rooms it keeps
     * ({@code keep} decides, its own room aside), or null when it can no longer be recovered. Hold
     * {@link #restoring()} from here until the socket is in its rooms and has its missed events.
     */
    Restored restore(String pid, String offset, Predicate<String> keep) {
        claimed.remove(pid);
        Session session;
        synchronized (sessions) {
            session = forget(pid);
        }
        long after = session == null ? -1 : resumeAfter(session, offset);
        if (session == null || expired(session, System.currentTimeMillis()) || !holds(after)) return null;
        Set<String> rooms = new HashSet<>();
        for (String room : session.rooms()) {
            if (room.equals(session.sid()) || keep.test(room)) rooms.add(room);
        }
        List<List<EngineMessage>> missed = new ArrayList<>();
        long last = after;
        for (Entry entry : log) {
            // sent to the rooms it keeps, and not kept from it by a room it was in then
            if (entry.seq() > after && targets(rooms, entry.rooms()) && Collections.disjoint(entry.except(), session.rooms())) {
                missed.add(entry.encoded());
                last = entry.seq();
            }
        }
        return new Restored(session, Set.copyOf(rooms), missed, offset(last));
    }

    /**
     * {@code rooms}: the rooms the socket gets back, its own included; {@code position}: the offset of the
     * last event it gets, where it stands once they are sent.
     */
    record Restored(Session session, Set<String> rooms, List<List<EngineMessage>> missed, String position) {
    }

    private boolean expired(Session session, long now) {
        return now - session.disconnectedAt() > maxDisconnectionMillis;
    }

    /** Whether every event after that sequence number is still kept (the event of that number itself need not be). */
    private boolean holds(long seq) {
        if (seq < 0 || seq >= offsets.get()) return false;
        synchronized (this) {
            return seq >= droppedThrough;
        }
    }

    private static boolean targets(Set<String> socketRooms, Set<String> eventRooms) {
        return eventRooms.isEmpty() || !Collections.disjoint(eventRooms, socketRooms);
    }

    /** Forgets sessions and events older than the window; run periodically. */
    void sweep() {
        long now = System.currentTimeMillis();
        synchronized (sessions) {
            sessions.values().removeIf(s -> {
                if (!expired(s, now)) return false;
                roomChars -= roomChars(s);
                return true;
            });
            claimed.retainAll(sessions.keySet());
        }
        synchronized (this) {
            dropExpiredEntries(now);
        }
    }

    /** Drops the oldest events while they are past the window or over the count or byte bound; holds the lock. */
    private void dropExpiredEntries(long now) {
        Entry oldest;
        while ((oldest = log.peekFirst()) != null
                && (now - oldest.emittedAt() > maxDisconnectionMillis || retainedPackets > maxPackets || retainedBytes > maxBytes)) {
            log.pollFirst();
            retainedPackets--;
            retainedBytes -= oldest.bytes();
            droppedThrough = oldest.seq();
        }
    }
}
