package dev.rowcast.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Server-side emit from application code, the counterpart of the plugin's
 * {@code payload.io.to(room).emit(event, data)}:
 * <pre>{@code Rowcast.to("chat:42").emit("typing", Map.of("user", 7));}</pre>
 * With the Rowcast agent attached the event reaches every client in the room; without it every
 * call is a no-op. The payload should be made of JSON-like JDK values (Map, List, String, Number,
 * Boolean, null, java.time values); it is serialised later, off the calling thread.
 */
public final class Rowcast {

    private static final String BRIDGE = "dev.rowcast.bootstrap.Bridge";
    /**
     * After a miss, how long before the next look for the bridge: the agent puts it in place once
     * the app's start has settled, just before it starts serving, so a call before that finds it
     * soon after. Without the agent a look costs one failed class lookup.
     */
    private static final long RETRY_NANOS = 100_000_000L;

    /** The bridge's methods, once its class is found: it is there from just before the agent serves, running or not yet. */
    private static volatile Bridge bridge;
    private static volatile long lastMiss;

    private Rowcast() {}

    /** The room to emit into. */
    public static Room to(String room) {
        if (room == null) {
            throw new IllegalArgumentException("Rowcast.to(room): room must not be null");
        }
        return new Room(room);
    }

    /** True when the agent is attached and running, i.e. when an emit can reach clients. */
    public static boolean isActive() {
        Bridge found = bridge();
        try {
            return found != null && (boolean) found.active.invoke();
        } catch (Throwable t) {
            return false;
        }
    }

    private static Bridge bridge() {
        Bridge found = bridge;
        if (found != null) {
            return found;
        }
        long now = System.nanoTime();
        if (lastMiss != 0 && now - lastMiss < RETRY_NANOS) {
            return null;
        }
        try {
            // the agent puts its bridge on the boot class path, visible from every class loader
            Class<?> type = Class.forName(BRIDGE, false, null);
            found = new Bridge(
                    MethodHandles.publicLookup().findStatic(type, "emit",
                            MethodType.methodType(boolean.class, String.class, String.class, Object.class)),
                    MethodHandles.publicLookup().findStatic(type, "active", MethodType.methodType(boolean.class)));
            bridge = found;
            return found;
        } catch (Throwable absent) {
            // no agent: stay a no-op
        }
        lastMiss = now == 0 ? 1 : now;
        return null;
    }

    /** The agent's bridge: emit answers false while the agent is not running yet (or any more). */
    private record Bridge(MethodHandle emit, MethodHandle active) {}

    /** A room of the Rowcast server. */
    public static final class Room {
        private final String name;

        private Room(String name) {
            this.name = name;
        }

        /**
         * Sends {@code event} with {@code payload} as its one argument to every client in this room.
         *
         * @return true when the agent accepted the event, false when no agent is running
         */
        public boolean emit(String event, Object payload) {
            if (event == null) {
                throw new IllegalArgumentException("Rowcast.to(\"" + name + "\").emit(event, payload): event must not be null");
            }
            Bridge found = bridge();
            if (found == null) {
                return false;
            }
            try {
                return (boolean) found.emit.invoke(name, event, payload);
            } catch (Throwable t) {
                return false;
            }
        }

        public String name() {
            return name;
        }
    }
}
