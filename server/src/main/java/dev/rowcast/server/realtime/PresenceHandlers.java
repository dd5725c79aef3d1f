package dev.rowcast.server.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rowcast.server.Ack;
import dev.rowcast.server.Namespace;
import dev.rowcast.server.Socket;
import dev.rowcast.server.cluster.ClusterLink;
import dev.rowcast.server.presence.PresenceTracker;
import dev.rowcast.server.protocol.PacketJson;
import java.util.List;
import java.util.TreeSet;

/**
 * Publishes who is in which room: {@code presence:join {"room","userId"}} to the room when an
 * identified user's first socket arrives, {@code presence:leave} when their last one goes, and
 * answers {@code presence:list(room, ack)} with {@code {"ok":true,"users":[...]}}.
 */
final class PresenceHandlers {
    static final String JOIN_EVENT = "presence:join";
    static final String LEAVE_EVENT = "presence:leave";
    static final String LIST_EVENT = "presence:list";

    private final PresenceTracker tracker = new PresenceTracker();
    /** Null on a lone node; in a cluster it decides who is first and last across nodes. */
    private final ClusterLink cluster;
    private final Namespace namespace;
    private final RoomPolicy rooms;
    private final Replies replies;

    PresenceHandlers(Namespace namespace, RoomPolicy rooms, Replies replies, ClusterLink cluster) {
        this.cluster = cluster;
        if (cluster != null) cluster.onNodeDeparture(departures -> departures.forEach(d -> announce(LEAVE_EVENT, d.room(), d.userId())));
        this.namespace = namespace;
        this.rooms = rooms;
        this.replies = replies;
    }

    void install(Socket socket) {
        socket.on(LIST_EVENT, (args, ack) -> list(socket, args, ack));
        socket.onDisconnect(reason -> leave(tracker.disconnect(socket.id())));
        if (socket.recovered()) {
            // the rooms came back with the socket; its presence went when the transport dropped
            for (String room : new TreeSet<>(socket.rooms())) joined(socket, room); // sorted: a predictable order
        }
    }

    /** After the socket joined the room. */
    void joined(Socket socket, String room) {
        String userId = SocketData.userId(socket);
        if (userId == null || room.equals(socket.id())) return;
        if (!tracker.join(room, userId, socket.id())) return;
        if (cluster == null) announce(JOIN_EVENT, room, userId);
        else cluster.presenceJoined(room, userId, () -> announce(JOIN_EVENT, room, userId));
    }

    /** After the socket left the room. */
    void left(Socket socket, String room) {
        String userId = SocketData.userId(socket);
        if (userId == null) return;
        if (tracker.leave(room, userId, socket.id())) leave(List.of(new PresenceTracker.Departure(room, userId)));
    }

    /** The socket now speaks for {@code userId}: it leaves as its former identity and arrives in its rooms as the new one. */
    void identified(Socket socket, String previous, String userId) {
        if (userId.equals(previous)) return;
        if (previous != null) leave(tracker.disconnect(socket.id()));
        for (String room : new TreeSet<>(socket.rooms())) joined(socket, room); // sorted: a predictable order
    }

    int roomCount() {
        return tracker.roomCount();
    }

    private void list(Socket socket, List<JsonNode> args, Ack ack) {
        JsonNode room = args.isEmpty() ? null : args.get(0);
        String refusal = rooms.refusal(socket, room);
        if (refusal != null) {
            replies.refuse(socket, ack, LIST_EVENT, refusal);
            return;
        }
        if (!ack.requested()) {
            replies.refuse(socket, ack, LIST_EVENT, "presence:list answers through its ack: emit it with a callback");
            return;
        }
        String name = room.textValue();
        if (cluster == null) {
            replies.ok(ack, "users", users(tracker.list(name)));
            return;
        }
        // answered when Redis does; this node's own view when it cannot
        cluster.presence(name).whenComplete((all, error) -> replies.ok(ack, "users", users(error == null ? all : tracker.list(name))));
    }

    private static ArrayNode users(List<String> userIds) {
        ArrayNode users = PacketJson.NODES.arrayNode();
        for (String userId : userIds) users.add(userId);
        return users;
    }

    /** Departures from this node; in a cluster, announced only for users with no socket left in the room on any node. */
    private void leave(List<PresenceTracker.Departure> departures) {
        for (PresenceTracker.Departure d : departures) {
            if (cluster == null) announce(LEAVE_EVENT, d.room(), d.userId());
            else cluster.presenceLeft(d.room(), d.userId(), () -> announce(LEAVE_EVENT, d.room(), d.userId()));
        }
    }

    private void announce(String event, String room, String userId) {
        namespace.to(room).emit(event, PacketJson.NODES.objectNode().put("room", room).put("userId", userId));
    }
}
