package dev.rowcast.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Sees every event from a client before its named handlers do. */
@FunctionalInterface
public interface AnyEventHandler {
    void onEvent(String event, List<JsonNode> args, Ack ack);
}
