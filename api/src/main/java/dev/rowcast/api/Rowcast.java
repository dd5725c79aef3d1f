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
    private static final long RETRY_NANOS = 5_000_000_000L;

    private static volatile MethodHandle emit;
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
        return bridge() != null;
    }

    private static MethodHandle bridge() {
        MethodHandle handle = emit;
        if (handle != null) {
            return handle;
        }
        long now = System.nanoTime();
        if (lastMiss != 0 && now - lastMiss < RETRY_NANOS) {
            return null;
        }
        try {
            // the agent puts its bridge on the boot class path, visible from every class loader
            Class<?> bridge = Class.forName(BRIDGE, false, null);
            MethodHandle found = MethodHandles.publicLookup().findStatic(bridge, "emit",
                    MethodType.methodType(boolean.class, String.class, String.class, Object.class));
            MethodHandle active = MethodHandles.publicLookup().findStatic(bridge, "active", MethodType.methodType(boolean.class));
            if ((boolean) active.invoke()) {
                emit = found;
                return found;
            }
        } catch (Throwable absent) {
            // no agent: stay a no-op
        }
        lastMiss = now == 0 ? 1 : now;
        return null;
    }

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
            MethodHandle handle = bridge();
            if (handle == null) {
                return false;
            }
            try {
                return (boolean) handle.invoke(name, event, payload);
            } catch (Throwable t) {
                return false;
            }
        }

        public String name() {
            return name;
        }
    }
}
