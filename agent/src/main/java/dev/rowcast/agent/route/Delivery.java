package dev.rowcast.agent.route;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One event ready to send: to each of {@code rooms}, or to every client when {@code broadcast}.
 * Its payload, the single event argument made only of JSON-like JDK values, is made on first use:
 * an event for rooms nobody is in is never built. Used on one thread (the pipeline's).
 */
public class Delivery {
    private final String event;
    private final List<String> rooms;
    private final boolean broadcast;
    private Supplier<?> source;
    private boolean made;
    private Object payload;

    public Delivery(String event, List<String> rooms, boolean broadcast, Object payload) {
        this(event, rooms, broadcast);
        this.payload = payload;
        this.made = true;
    }

    /** A delivery whose payload {@code source} makes when an outlet first asks for it. */
    public Delivery(String event, List<String> rooms, boolean broadcast, Supplier<?> source) {
        this(event, rooms, broadcast);
        this.source = Objects.requireNonNull(source, "source");
    }

    /** A delivery whose payload {@link #makePayload} makes when an outlet first asks for it (the router's rows). */
    Delivery(String event, List<String> rooms, boolean broadcast) {
        this.event = event;
        this.rooms = rooms;
        this.broadcast = broadcast;
    }

    /** The payload, made once: by the source given, or by a subclass that holds what it is made of. */
    Object makePayload() {
        return source.get();
    }

    public String event() {
        return event;
    }

    public List<String> rooms() {
        return rooms;
    }

    public boolean broadcast() {
        return broadcast;
    }

    public final Object payload() {
        if (!made) {
            payload = makePayload();
            made = true;
            source = null;
        }
        return payload;
    }

    public boolean deliverable() {
        return broadcast || !rooms.isEmpty();
    }

    @Override
    public String toString() {
        return "Delivery[" + event + " to " + (broadcast ? "everyone" : rooms) + "]";
    }
}
