package dev.rowcast.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The outcome of {@link Socket#emitWithAck}: the client's ack arguments, or an error
 * ({@link java.util.concurrent.TimeoutException} when it did not answer in time, or
 * {@link IllegalStateException} when the socket went away first). Runs on the socket's executor.
 */
@FunctionalInterface
public interface AckCallback {
    void onAck(Throwable error, List<JsonNode> args);
}
