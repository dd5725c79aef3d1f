package dev.rowcast.bench.server;

import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.SocketIoServer;
import io.netty.util.internal.PlatformDependent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Rowcast side of {@link ServerBench}: a default {@link SocketIoServer} on 127.0.0.1 in its own
 * JVM, driven over stdin like the peer's {@code server.mjs}. Prints {@code PORT <n>}; then
 * {@code gc} answers {@code HEAP <bytes used after full GC> <direct buffer bytes>}, {@code fanout <n>}
 * emits n row events to the room and answers {@code EMITTED <n> <ms>}, {@code quit} stops.
 *
 * <p>{@code java -Xmx1g -cp benchmarks.jar dev.rowcast.bench.server.RowcastServerMain [--join room]}
 */
public final class RowcastServerMain {

    private RowcastServerMain() {}

    public static void main(String[] args) throws Exception {
        String room = args.length == 2 && args[0].equals("--join") ? args[1] : null;
        SocketIoServer server = new SocketIoServer(ServerOptions.defaults());
        if (room != null) server.onConnection(socket -> socket.join(room));
        int port = server.start();
        System.out.println("PORT " + port);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line; (line = in.readLine()) != null; ) {
                String[] words = line.trim().split("\\s+");
                switch (words[0]) {
                    case "gc" -> System.out.println("HEAP " + heapAfterGc() + " " + directBytes());
                    case "fanout" -> System.out.println(fanout(server, room, Integer.parseInt(words[1])));
                    case "quit" -> { return; }
                    default -> System.err.println("[rowcast] bench server: unknown command '" + line + "'; use gc, fanout <n> or quit");
                }
                System.out.flush();
            }
        } finally {
            server.stop();
        }
    }

    private static long heapAfterGc() {
        // Several collections: the first may only promote what the next one frees.
        for (int k = 0; k < 3; k++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Off-heap buffers: Netty's own count (its no-cleaner buffers) plus the JDK's direct buffer pool. */
    private static long directBytes() {
        long jdk = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        return Math.max(0, PlatformDependent.usedDirectMemory()) + jdk;
    }

    /** Emits from this one thread as fast as the server accepts; its per-session queues hold what the sockets cannot take yet. */
    private static String fanout(SocketIoServer server, String room, int count) {
        long start = System.nanoTime();
        for (int seq = 0; seq < count; seq++) server.to(room).emit("row", payload(seq));
        return "EMITTED " + count + " " + (System.nanoTime() - start) / 1e6;
    }

    /** The same ~120-byte row event the peer emits. */
    private static Map<String, Object> payload(int seq) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 4711);
        row.put("status", "shipped");
        row.put("total", 129.95);
        row.put("currency", "EUR");
        row.put("updatedAt", "2026-11-25T20:55:00Z");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("seq", seq);
        event.put("table", "orders");
        event.put("op", "update");
        event.put("row", row);
        return event;
    }
}
