package dev.rowcast.server.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rowcast.server.Ack;
import dev.rowcast.server.Socket;
import dev.rowcast.server.protocol.PacketJson;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * How a client request is answered: through its ack when it asked for one ({@code {"ok":true}}
 * or {@code {"ok":false,"error":...}}); otherwise a refusal arrives as {@code rowcast:error}
 * {@code {"event":...,"error":...}} and a success says nothing (as the plugin).
 */
final class Replies {
    static final String ERROR_EVENT = "rowcast:error";
    /** A refusal names a longer event by its start only: the name is the client's, as long as maxPayload allows. */
    static final int MAX_ECHOED_EVENT_CHARS = 64;
    /** Reasons one refused join or leave names; a room id is at most 512 characters, so the error stays small. */
    static final int MAX_REASONS = 3;
    private static final System.Logger LOG = System.getLogger("dev.rowcast.server.realtime");

    private final LongAdder refusals = new LongAdder();

    void ok(Ack ack) {
        if (ack.requested()) ack.send(PacketJson.NODES.objectNode().put("ok", true));
    }

    void ok(Ack ack, String field, JsonNode value) {
        if (!ack.requested()) return;
        ObjectNode answer = PacketJson.NODES.objectNode().put("ok", true);
        answer.set(field, value);
        ack.send(answer);
    }

    void refuse(Socket socket, Ack ack, String event, String error) {
        refuse(socket, ack, event, error, null, null);
    }

    /** As {@link #refuse(Socket, Ack, String, String)}, the ack carrying one more field when {@code field} is not null. */
    void refuse(Socket socket, Ack ack, String event, String error, String field, JsonNode value) {
        refusals.increment();
        String name = shortened(event);
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "[rowcast] refused '" + name + "' from socket " + socket.id() + ": " + error);
        }
        if (ack.requested()) {
            ObjectNode answer = PacketJson.NODES.objectNode().put("ok", false).put("error", error);
            if (field != null) answer.set(field, value);
            ack.send(answer);
        } else {
            socket.emit(ERROR_EVENT, PacketJson.NODES.objectNode().put("event", name).put("error", error));
        }
    }

    /**
     * The refusals of one call of {@code asked} rooms as one error of bounded size: the first
     * {@link #MAX_REASONS} different reasons, then how many rooms were refused in all. Each reason
     * once, however many rooms share it: a join of 76,000 rooms answered every one and its ack
     * outgrew the connection's send queue.
     */
    static String summary(List<String> refusals, int asked) {
        Set<String> reasons = new LinkedHashSet<>();
        for (String refusal : refusals) {
            if (reasons.size() == MAX_REASONS) break;
            reasons.add(refusal);
        }
        String error = String.join("; ", reasons);
        return refusals.size() == reasons.size() ? error
                : error + " (" + refusals.size() + " of the " + asked + " rooms refused)";
    }

    /** The event's name, or its first {@link #MAX_ECHOED_EVENT_CHARS} characters and "...". */
    static String shortened(String event) {
        if (event.length() <= MAX_ECHOED_EVENT_CHARS) return event;
        int end = MAX_ECHOED_EVENT_CHARS;
        if (Character.isHighSurrogate(event.charAt(end - 1))) end--; // never half a character
        return event.substring(0, end) + "...";
    }

    long refusals() {
        return refusals.sum();
    }

    /** A client value named for an error message, without echoing what may be large or hostile. */
    static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) return "nothing";
        if (value.isNull()) return "null";
        if (value.isTextual()) return value.textValue().isEmpty() ? "an empty string" : "a string";
        if (value.isNumber()) return "a number";
        if (value.isBoolean()) return "a boolean";
        if (value.isArray()) return "an array";
        if (value.isBinary()) return "binary data";
        return "an object";
    }
}
