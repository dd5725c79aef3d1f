package dev.rowcast.bench.server;

import io.netty.util.internal.PlatformDependent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The stdin line protocol both Java servers of {@link ServerBench} speak (the Node peer's
 * {@code peer-server.mjs} speaks it too), and the paced emit loop they share. JDK plus Netty's
 * {@code PlatformDependent}, which Netty 4.1 (netty-socketio's JVM) and 4.2 (Rowcast's) both have.
 *
 * <ul>
 *   <li>{@code gc} answers {@code HEAP <heap bytes used after full GC> <off-heap buffer bytes>};</li>
 *   <li>{@code run <emits/s> <rooms> <ms>} emits a stamped row event to {@code room-0 .. room-(rooms-1)} in
 *       turn at that rate for that long and answers {@code EMITTED <emits> <ms>};</li>
 *   <li>{@code quit} stops.</li>
 * </ul>
 */
final class ServerLoop {

    /** One broadcast of event {@code event} with {@code payload} to every socket in {@code room}. */
    @FunctionalInterface
    interface RoomEmitter {
        void emit(String room, String event, Map<String, Object> payload);
    }

    private ServerLoop() {}

    /** Prints {@code PORT <port>}, then serves the commands on stdin until {@code quit} or its end. */
    static void serve(int port, RoomEmitter emitter) throws Exception {
        System.out.println("PORT " + port);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] words = line.trim().split("\\s+");
            switch (words[0]) {
                case "gc" -> System.out.println("HEAP " + heapAfterGc() + " " + directBytes());
                case "run" -> System.out.println(run(emitter, Double.parseDouble(words[1]), Integer.parseInt(words[2]), Long.parseLong(words[3])));
                case "quit" -> { return; }
                default -> System.err.println("[rowcast-bench] bench server: unknown command '" + line + "'; use gc, run <emits/s> <rooms> <ms> or quit");
            }
            System.out.flush();
        }
    }

    /**
     * Emits at {@code rate} per second for {@code millis} from this one thread, stamping each event as it
     * leaves. A server that cannot keep up emits late, and stops at twice the time: the shortfall shows as
     * fewer deliveries than planned.
     */
    static String run(RoomEmitter emitter, double rate, int rooms, long millis) {
        String[] names = new String[rooms];
        for (int k = 0; k < rooms; k++) names[k] = "room-" + k;
        long total = (long) (rate * millis / 1000), sent = 0;
        int room = 0;
        long start = System.nanoTime(), hardStop = start + 2 * millis * 1_000_000;
        while (sent < total) {
            long now = System.nanoTime();
            if (now > hardStop) break;
            long due = Math.min(total, (long) ((now - start) * rate / 1e9));
            if (sent >= due) {
                // Sleep until the next emit is due (0.1 to 1 ms): waking more often would cost the server's core more than the emits.
                long next = start + (long) ((sent + 1) * 1e9 / rate);
                LockSupport.parkNanos(Math.max(100_000, Math.min(1_000_000, next - now)));
                continue;
            }
            for (int burst = 0; sent < due && burst < 1_000; burst++) {
                emitter.emit(names[room], "row", payload(sent++));
                if (++room == rooms) room = 0;
            }
        }
        return "EMITTED " + sent + " " + (System.nanoTime() - start) / 1e6;
    }

    /** Wall-clock microseconds, the stamp the load generator subtracts from its own clock. */
    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** The ~130-byte row event every server emits; {@code t} first so the load generator finds it at once. */
    static Map<String, Object> payload(long seq) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 4711);
        row.put("status", "shipped");
        row.put("total", 129.95);
        row.put("currency", "EUR");
        row.put("updatedAt", "2026-11-25T20:55:00Z");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("t", nowMicros());
        event.put("seq", seq);
        event.put("table", "orders");
        event.put("op", "update");
        event.put("row", row);
        return event;
    }

    static long heapAfterGc() {
        // Several collections: the first may only promote what the next one frees.
        for (int k = 0; k < 3; k++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Off-heap buffers: Netty's own count (its no-cleaner buffers) plus the JDK's direct buffer pool. */
    static long directBytes() {
        long jdk = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        return Math.max(0, PlatformDependent.usedDirectMemory()) + jdk;
    }
}
