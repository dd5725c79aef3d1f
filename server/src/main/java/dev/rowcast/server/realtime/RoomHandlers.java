package dev.rowcast.server.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rowcast.server.Ack;
import dev.rowcast.server.Socket;
import dev.rowcast.server.protocol.PacketJson;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The plugin client's {@code identify(userId)}, {@code join(roomId | roomId[])} and
 * {@code leave(roomId)}. A refused room is not joined; the others of the same call are, and the
 * refusal's ack names them ({@code joined}).
 */
final class RoomHandlers {
    static final String IDENTIFY = "identify";
    static final String JOIN = "join";
    static final String LEAVE = "leave";
    /** Longer ids are refused: a user id is a key, not a document. */
    private static final int MAX_USER_ID_CHARS = 256;
    private static final String TOO_MANY_ROOMS = "this connection is in " + RoomPolicy.MAX_ROOMS_PER_SOCKET
            + " rooms already, its own included; leave some first";

    private final RoomPolicy rooms;
    private final PresenceHandlers presence;
    private final Replies replies;
    private final RoomBudget budget;

    RoomHandlers(RoomPolicy rooms, PresenceHandlers presence, Replies replies, RoomBudget budget) {
        this.rooms = rooms;
        this.budget = budget;
        this.presence = presence;
        this.replies = replies;
    }

    void install(Socket socket) {
        // a socket back through recovery has its rooms again: its user holds them
        if (socket.recovered()) budget.roomsChanged(socket);
        socket.on(IDENTIFY, (args, ack) -> identify(socket, first(args), ack));
        socket.on(JOIN, (args, ack) -> join(socket, first(args), ack));
        socket.on(LEAVE, (args, ack) -> leave(socket, first(args), ack));
    }

    private void identify(Socket socket, JsonNode value, Ack ack) {
        String userId = userIdText(value);
        if (userId == null) {
            replies.refuse(socket, ack, IDENTIFY, "identify needs a user id (a non-empty string or an integer of at most "
                    + MAX_USER_ID_CHARS + " characters), got " + Replies.describe(value));
            return;
        }
        String tokenUser = SocketData.tokenUser(socket);
        if (tokenUser != null && !tokenUser.equals(userId)) {
            replies.refuse(socket, ack, IDENTIFY, "user id '" + userId + "' is not the user of this connection's token");
            return;
        }
        Object previous = socket.data().put(SocketData.USER_ID, userId);
        presence.identified(socket, previous instanceof String s ? s : null, userId);
        replies.ok(ack);
    }

    private void join(Socket socket, JsonNode value, Ack ack) {
        if (value == null) {
            replies.refuse(socket, ack, JOIN, "join needs a room id or an array of room ids, got nothing");
            return;
        }
        List<JsonNode> wanted = new ArrayList<>();
        if (value.isArray()) value.forEach(wanted::add);
        else wanted.add(value);
        List<String> refusals = new ArrayList<>();
        Set<String> current = socket.rooms();
        Set<String> joining = new LinkedHashSet<>();
        // the rooms of this call the connection is in once it is answered: a partial join says which
        Set<String> joined = new LinkedHashSet<>();
        RoomBudget.Allowance allowance = budget.allowance(socket);
        for (JsonNode room : wanted) {
            String refusal = rooms.refusal(socket, room);
            String name = refusal == null ? room.textValue() : null;
            boolean adds = name != null && !current.contains(name) && !joining.contains(name);
            if (adds && current.size() + joining.size() >= RoomPolicy.MAX_ROOMS_PER_SOCKET) {
                refusal = TOO_MANY_ROOMS;
            } else if (adds) {
                refusal = allowance.take(name);
            }
            if (refusal != null) {
                refusals.add(refusal);
                continue;
            }
            if (adds) joining.add(name);
            joined.add(name);
        }
        // one join for them all: in a cluster each join stores the session with every room it is in
        if (!joining.isEmpty()) {
            socket.join(joining.toArray(new String[0]));
            budget.roomsChanged(socket);
        }
        for (String room : joining) presence.joined(socket, room);
        budget.refused(socket, allowance);
        if (refusals.isEmpty()) {
            replies.ok(ack);
        } else {
            ArrayNode names = PacketJson.NODES.arrayNode(joined.size());
            joined.forEach(names::add);
            replies.refuse(socket, ack, JOIN, Replies.summary(refusals, wanted.size()), "joined", names);
        }
    }

    private void leave(Socket socket, JsonNode value, Ack ack) {
        List<JsonNode> unwanted = new ArrayList<>();
        if (value != null && value.isArray()) value.forEach(unwanted::add);
        else unwanted.add(value);
        List<String> refusals = new ArrayList<>();
        Set<String> leaving = new LinkedHashSet<>();
        for (JsonNode room : unwanted) {
            if (room == null || !room.isTextual() || room.textValue().isEmpty()) {
                refusals.add("a room id must be a non-empty string, got " + Replies.describe(room));
            } else if (room.textValue().equals(socket.id())) {
                refusals.add("a connection cannot leave its own room");
            } else {
                leaving.add(room.textValue());
            }
        }
        if (!leaving.isEmpty()) {
            socket.leave(leaving.toArray(new String[0]));
            budget.roomsChanged(socket);
        }
        for (String room : leaving) presence.left(socket, room);
        reply(socket, ack, LEAVE, refusals, unwanted.size());
    }

    private void reply(Socket socket, Ack ack, String event, List<String> refusals, int asked) {
        if (refusals.isEmpty()) replies.ok(ack);
        else replies.refuse(socket, ack, event, Replies.summary(refusals, asked));
    }

    private static JsonNode first(List<JsonNode> args) {
        return args.isEmpty() ? null : args.get(0);
    }

    /** Payload's user ids are strings or integers; both identify the same user as the token's {@code sub} text. */
    private static String userIdText(JsonNode value) {
        String text = null;
        if (value != null && value.isTextual()) text = value.textValue();
        else if (value != null && value.isIntegralNumber()) text = value.bigIntegerValue().toString();
        return text == null || text.isEmpty() || text.length() > MAX_USER_ID_CHARS ? null : text;
    }
}
