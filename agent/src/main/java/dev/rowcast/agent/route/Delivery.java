package dev.rowcast.agent.route;

import java.util.List;

/**
 * One event ready to send: to each of {@code rooms}, or to every client when {@code broadcast}.
 * {@code payload} is the single event argument, made only of JSON-like JDK values.
 */
public record Delivery(String event, List<String> rooms, boolean broadcast, Object payload) {

    public boolean deliverable() {
        return broadcast || !rooms.isEmpty();
    }
}
