package dev.rowcast.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Handles one named event from a client. Binary arguments arrive as binary nodes. */
@FunctionalInterface
public interface EventHandler {
    void onEvent(List<JsonNode> args, Ack ack);
}
