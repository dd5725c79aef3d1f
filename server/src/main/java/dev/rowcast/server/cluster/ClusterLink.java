package dev.rowcast.server.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What one server node shares with the others: room broadcasts (one ordered stream that every
 * node reads and delivers locally, its own events included, so all nodes deliver in the same
 * order and a stream id is an event's recovery offset), recoverable sessions, and presence.
 * When the broker is unreachable, broadcasts are delivered on this node only and counted.
 */
public interface ClusterLink extends AutoCloseable {

    /** Delivers to this node's sockets what the stream carries; called on the link's one reader thread. */
    interface Receiver {
        /** {@code offset}: the event's stream id, which ends {@code eventAndArgs} when it is recoverable; else null. */
        void deliver(String namespace, ArrayNode eventAndArgs, Set<String> rooms, Set<String> except, String offset);
    }

    /** A session a client can come back to on any node. */
    record StoredSession(String sid, String pid, Set<String> rooms, Map<String, Object> data) {
    }

    /** A session and the events it missed, in order, each ending with its offset. */
    record Restored(StoredSession session, List<ArrayNode> missed) {
    }

    /** A user whose last socket in a room went away with a dead node. */
    record Departure(String room, String userId) {
    }

    /** The only place that names the Redis implementation: its classes load when a cluster is configured. */
    static ClusterLink open(ClusterOptions options, Receiver receiver) {
        return new RedisClusterLink(options, receiver);
    }

    String nodeId();

    /**
     * The stream id of the last event this node delivered ({@code "0-0"} before any): the offset a socket
     * that connects now starts from.
     */
    String lastDelivered();

    /** Sends a broadcast to every node (this one too); recoverable ones get the stream id as last argument. */
    void publish(String namespace, ArrayNode eventAndArgs, Set<String> rooms, Set<String> except, boolean recoverable);

    /** Stores a connected socket's session for {@code ttlMillis}, so that it outlives this node. */
    void saveSession(String namespace, StoredSession session, long ttlMillis);

    /**
     * Keeps the session of a socket that went away for {@code ttlMillis}. The namespace's kept sessions stay
     * within {@code maxSessions} and {@code maxRoomChars} characters of rooms (each room counting
     * {@code ServerOptions.ROOM_OVERHEAD_CHARS} more), the one kept longest dropped first; a session whose
     * rooms alone exceed that is not kept.
     */
    void keepSession(String namespace, StoredSession session, long ttlMillis, int maxSessions, long maxRoomChars);

    void forgetSession(String namespace, String pid);

    /** The session stored under {@code pid}, or null (none, or the broker cannot answer); it stays stored. */
    CompletionStage<StoredSession> session(String namespace, String pid);

    /**
     * Takes the session and gathers its missed events, off the caller's thread: the session comes back with
     * the rooms {@code keep} allows (its own room always), and the missed events are those sent to them.
     * {@code admit} gets null when it cannot be recovered; otherwise it must run {@code done} once the socket
     * is in its rooms and has its missed events: no stream event is delivered on this node until then, so
     * none is lost or doubled.
     */
    void restore(String namespace, String pid, String offset, Predicate<String> keep, RestoreCallback admit);

    interface RestoreCallback {
        void admit(Restored restored, Runnable done);
    }

    /** The user's first socket in the room on this node; {@code firstInCluster} runs when it is the first of all nodes. */
    void presenceJoined(String room, String userId, Runnable firstInCluster);

    /** The user's last socket in the room on this node left; {@code lastInCluster} runs when none is left on any node. */
    void presenceLeft(String room, String userId, Runnable lastInCluster);

    /** The users present in the room on all nodes, in arrival order; fails when the broker cannot answer. */
    java.util.concurrent.CompletionStage<List<String>> presence(String room);

    /** Called with the departures of the users of a dead node, once in the whole cluster. */
    void onNodeDeparture(Consumer<List<Departure>> listener);

    /** Broadcasts that could not be published (delivered on this node only). */
    long unpublished();

    /** True while the broker answers. */
    boolean connected();

    /**
     * Waits until this node's own sockets have been given every broadcast it published, which reach
     * them back through the broker, or the time is up. A node that closed its sockets first would
     * have published its last broadcasts to the other nodes' clients only.
     *
     * @return false when the time ran out, or the broker cannot hand them back; true at once for a closed link
     */
    boolean awaitOwnBroadcasts(long timeoutMillis);

    /** Leaves the cluster cleanly: this node's presence goes, its threads and connections close. */
    @Override
    void close();

    /** Drops the connections without a word to the cluster, as a crash would (tests and benchmarks). */
    void abort();
}
