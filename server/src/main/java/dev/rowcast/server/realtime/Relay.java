package dev.rowcast.server.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rowcast.server.Ack;
import dev.rowcast.server.Namespace;
import dev.rowcast.server.Socket;
import java.util.List;
import java.util.Set;

/**
 * The plugin's relay: a client event {@code (name, {roomId, ...rest})} goes to every socket in
 * {@code roomId} as {@code (name, rest)}, the sender included, other arguments dropped. Unlike the
 * plugin, it checks the event name, the argument, the room and the sender's membership first.
 */
final class Relay {
    /** Names Socket.IO keeps for itself; the decoder already refuses most of them. */
    private static final Set<String> SOCKET_IO_RESERVED = Set.of(
            "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");
    /** Names that only the server may send, so that no client can fake a collection or presence event. */
    private static final List<String> SERVER_PREFIXES = List.of("realtime:", "presence:", "rowcast:");
    /** Events with their own handlers: never relayed. */
    private static final Set<String> HANDLED = Set.of(
            RoomHandlers.IDENTIFY, RoomHandlers.JOIN, RoomHandlers.LEAVE, PresenceHandlers.LIST_EVENT);
    private static final String ROOM_KEY = "roomId";

    private final RelayOptions options;
    private final Namespace namespace;
    private final RoomPolicy rooms;
    private final Replies replies;

    Relay(RelayOptions options, Namespace namespace, RoomPolicy rooms, Replies replies) {
        this.options = options;
        this.namespace = namespace;
        this.rooms = rooms;
        this.replies = replies;
    }

    void install(Socket socket) {
        Bucket bucket = options.maxPerSecond() > 0 ? new Bucket(options.maxPerSecond(), options.burst()) : null;
        socket.onAny((event, args, ack) -> {
            if (!HANDLED.contains(event)) relay(socket, bucket, event, args, ack);
        });
    }

    private void relay(Socket socket, Bucket bucket, String event, List<JsonNode> args, Ack ack) {
        String refusal = !options.enabled() || bucket == null || bucket.take(System.nanoTime()) ? refusal(socket, event, args)
                : "too many relayed events: at most " + options.maxPerSecond() + " a second, " + options.burst()
                        + " at once (relay.maxPerSecond, relay.burst)";
        if (refusal != null) {
            replies.refuse(socket, ack, event, refusal);
            return;
        }
        ObjectNode rest = ((ObjectNode) args.get(0)).deepCopy(); // the decoded arguments stay untouched
        String room = rest.remove(ROOM_KEY).textValue();
        namespace.to(room).emit(event, rest);
        replies.ok(ack);
    }

    /**
     * One socket's relay allowance, a token bucket: {@code perSecond} tokens a second, up to
     * {@code size}; each relay attempt takes one, also one refused for another reason. Every
     * relayed event is kept for connection state recovery, so without it one socket could push
     * the others' events out of that buffer, and flood every client of its room.
     */
    static final class Bucket {
        private final double perNano;
        private final int size;
        private double tokens;
        private long last;

        Bucket(int perSecond, int size) {
            this.perNano = perSecond / 1e9;
            this.size = size;
            this.tokens = size;
            this.last = System.nanoTime();
        }

        /** Takes a token at {@code now} (nanoTime); false when none is left. */
        synchronized boolean take(long now) {
            tokens = Math.min(size, tokens + Math.max(0, now - last) * perNano);
            last = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }

    private String refusal(Socket socket, String event, List<JsonNode> args) {
        if (!options.enabled()) return "relaying client events is disabled on this server (relay.enabled)";
        if (SOCKET_IO_RESERVED.contains(event)) return "event name '" + event + "' is reserved by Socket.IO";
        for (String prefix : SERVER_PREFIXES) {
            if (event.startsWith(prefix)) return "event names starting with '" + prefix + "' are sent by the server only";
        }
        JsonNode data = args.isEmpty() ? null : args.get(0);
        if (data == null || !data.isObject()) {
            return "a relayed event needs an object {\"roomId\": ..., ...} as its first argument, got " + Replies.describe(data);
        }
        JsonNode room = data.get(ROOM_KEY);
        String roomRefusal = rooms.refusal(socket, room);
        if (roomRefusal != null) return roomRefusal.replace("a room id", "roomId");
        if (options.requireMembership() && !socket.rooms().contains(room.textValue())) {
            return "join room '" + room.textValue() + "' before emitting into it (relay.requireMembership)";
        }
        return null;
    }
}
