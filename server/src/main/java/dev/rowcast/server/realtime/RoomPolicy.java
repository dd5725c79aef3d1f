package dev.rowcast.server.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.Namespace;
import dev.rowcast.server.Socket;
import dev.rowcast.server.auth.RoomAuthorizer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Which rooms a socket may join, emit into and list: {@code auth.rooms}, and never another socket's own room. */
final class RoomPolicy {
    private static final System.Logger LOG = System.getLogger("dev.rowcast.server");
    /** The patterns and claims said in the log: once each, however often clients try (config's, so few). */
    private final Set<String> saidMissing = ConcurrentHashMap.newKeySet();
    /** Room names are keys; a longer one is a mistake or an attack on the room index. */
    static final int MAX_ROOM_CHARS = 512;
    /** Rooms one connection may be in (its own included), so that join cannot grow the index without bound. */
    static final int MAX_ROOMS_PER_SOCKET = 1_000;

    private final RoomAuthorizer authorizer;
    private final Namespace namespace;

    RoomPolicy(RoomAuthorizer authorizer, Namespace namespace) {
        this.authorizer = authorizer;
        this.namespace = namespace;
    }

    /** Null when the value is a room name the socket may use; otherwise why not. */
    String refusal(Socket socket, JsonNode room) {
        if (room == null || !room.isTextual() || room.textValue().isEmpty()) {
            return "a room id must be a non-empty string, got " + Replies.describe(room);
        }
        if (room.textValue().length() > MAX_ROOM_CHARS) {
            return "a room id must be at most " + MAX_ROOM_CHARS + " characters, got " + room.textValue().length();
        }
        return refusal(socket, room.textValue());
    }

    /** A token's claim names as the log may show them: a client chose them, so at most 20, printable, each cut at 40. */
    private static String claimNames(Map<String, Object> claims) {
        StringBuilder names = new StringBuilder();
        int shown = 0;
        for (String name : claims.keySet()) {
            if (shown++ == 20) {
                return names.append(", ...").toString();
            }
            String clean = name.replaceAll("[^\\x20-\\x7e]", "?");
            names.append(shown > 1 ? ", " : "").append(clean.length() > 40 ? clean.substring(0, 40) + "..." : clean);
        }
        return names.isEmpty() ? "no claims" : "the claims " + names;
    }

    String refusal(Socket socket, String room) {
        // every socket is alone in the room named by its id: joining it would read its private events
        if (!room.equals(socket.id()) && namespace.socket(room) != null) {
            return "room '" + room + "' is another connection's own room";
        }
        Map<String, Object> claims = SocketData.claims(socket);
        if (!authorizer.allows(room, claims)) {
            String[] missing = authorizer.missingClaim(room, claims);
            if (missing != null && saidMissing.add(missing[0] + '\0' + missing[1])) {
                // for the operator, not the client: the patterns are the server's to know
                LOG.log(System.Logger.Level.WARNING, "[rowcast] auth.rooms: '" + missing[0] + "' reads the token claim '" + missing[1]
                        + "', which a connection " + (claims == null ? "without a token lacks" : "whose token has "
                        + claimNames(claims) + " has no usable value for") + "; a claim is a non-empty string or a whole number,"
                        + " and such a connection may join no room of this pattern");
            }
            return "room '" + room + "' is not allowed for this connection (auth.rooms)";
        }
        return null;
    }
}
