package dev.rowcast.server.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rowcast.server.Ack;
import dev.rowcast.server.Namespace;
import dev.rowcast.server.Socket;
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
    private final Namespace namespace;
    private final RoomPolicy rooms;
    private final Replies replies;

    PresenceHandlers(Namespace namespace, RoomPolicy rooms, Replies replies) {
        this.namespace = namespace;
        this.rooms = rooms;
        this.replies = replies;
    }

    void install(Socket socket) {
        socket.on(LIST_EVENT, (args, ack) -> list(socket, args, ack));
        socket.onDisconnect(reason -> announce(LEAVE_EVENT, tracker.disconnect(socket.id())));
        if (socket.recovered()) {
            // the rooms came back with the socket; its presence went when the transport dropped
            for (String room : new TreeSet<>(socket.rooms())) joined(socket, room); // sorted: a predictable order
        }
    }

    /** After the socket joined the room. */
    void joined(Socket socket, String room) {
        String userId = SocketData.userId(socket);
        if (userId == null || room.equals(socket.id())) return;
        if (tracker.join(room, userId, socket.id())) announce(JOIN_EVENT, room, userId);
    }

    /** After the socket left the room. */
    void left(Socket socket, String room) {
        String userId = SocketData.userId(socket);
        if (userId == null) return;
        if (tracker.leave(room, userId, socket.id())) announce(LEAVE_EVENT, room, userId);
    }

    /** The socket now speaks for {@code userId}: it leaves as its former identity and arrives in its rooms as the new one. */
    void identified(Socket socket, String previous, String userId) {
        if (userId.equals(previous)) return;
        if (previous != null) announce(LEAVE_EVENT, tracker.disconnect(socket.id()));
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
        ArrayNode users = PacketJson.NODES.arrayNode();
        for (String userId : tracker.list(room.textValue())) users.add(userId);
        replies.ok(ack, "users", users);
    }

    private void announce(String event, List<PresenceTracker.Departure> departures) {
        for (PresenceTracker.Departure d : departures) announce(event, d.room(), d.userId());
    }

    private void announce(String event, String room, String userId) {
        namespace.to(room).emit(event, PacketJson.NODES.objectNode().put("room", room).put("userId", userId));
    }
}
