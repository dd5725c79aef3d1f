package dev.rowcast.server.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rowcast.server.Ack;
import dev.rowcast.server.Socket;
import dev.rowcast.server.protocol.PacketJson;
import java.util.concurrent.atomic.LongAdder;

/**
 * How a client request is answered: through its ack when it asked for one ({@code {"ok":true}}
 * or {@code {"ok":false,"error":...}}); otherwise a refusal arrives as {@code rowcast:error}
 * {@code {"event":...,"error":...}} and a success says nothing (as the plugin).
 */
final class Replies {
    static final String ERROR_EVENT = "rowcast:error";
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
        refusals.increment();
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "[rowcast] refused '" + event + "' from socket " + socket.id() + ": " + error);
        }
        if (ack.requested()) {
            ack.send(PacketJson.NODES.objectNode().put("ok", false).put("error", error));
        } else {
            socket.emit(ERROR_EVENT, PacketJson.NODES.objectNode().put("event", event).put("error", error));
        }
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
