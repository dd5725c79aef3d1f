package dev.rowcast.bench.capture.app;

import dev.rowcast.api.Rowcast;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The latency child app of {@code CaptureBench}: commits one row per transaction at a steady rate,
 * row {@code n} for user {@code n % users} (room {@code user:{user_id}}), and records per row id
 * the monotonic clock ({@link System#nanoTime()}, CLOCK_MONOTONIC on Linux, the clock Node's
 * {@code process.hrtime} reads too) just before {@code executeUpdate} and just after
 * {@code commit()} returns. Modes:
 * <ul>
 *   <li>{@code capture}: the row goes to {@code bench_event}, which rowcast.yml names: the agent
 *       captures it and emits {@code realtime:events} after the commit;</li>
 *   <li>{@code api}: the peer without capture: the row goes to {@code bench_event_plain} (not in
 *       the config) and the app sends the same event itself with {@code Rowcast.to(room).emit}.</li>
 * </ul>
 * Args: {@code <capture|api> <jdbcUrl> <rate per s> <events> <users> <stamps file>}. Line protocol:
 * {@code READY}, waits for {@code go}, then {@code DONE <max lag behind schedule in µs>} once the
 * stamps ({@code <id> <before> <after> <ns behind schedule>} lines) are written; exits on {@code quit}.
 */
public final class LatencyApp {

    public static void main(String[] args) throws Exception {
        boolean capture = args[0].equals("capture");
        String url = args[1];
        double rate = Double.parseDouble(args[2]);
        int events = Integer.parseInt(args[3]);
        int users = Integer.parseInt(args[4]);
        Path stamps = Path.of(args[5]);
        long[] before = new long[events];
        long[] after = new long[events];
        long[] lag = new long[events];
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Connection db = DriverManager.getConnection(url, "sa", "")) {
            String table = capture ? "bench_event" : "bench_event_plain";
            try (Statement ddl = db.createStatement()) {
                ddl.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, user_id INT, title VARCHAR(80), created_at TIMESTAMP)");
            }
            db.setAutoCommit(false);
            System.out.println("READY");
            awaitLine(stdin, "go");
            long interval = (long) (1e9 / rate);
            long start = System.nanoTime();
            long maxLag = 0;
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO " + table + " (id, user_id, title, created_at) VALUES (?, ?, ?, ?)")) {
                for (int id = 0; id < events; id++) {
                    long due = start + id * interval;
                    for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
                        LockSupport.parkNanos(due - now);
                    }
                    int user = id % users;
                    Instant createdAt = Instant.now();
                    before[id] = System.nanoTime();
                    lag[id] = before[id] - due;
                    maxLag = Math.max(maxLag, lag[id]);
                    insert.setLong(1, id);
                    insert.setInt(2, user);
                    insert.setString(3, "event " + id);
                    insert.setTimestamp(4, Timestamp.from(createdAt));
                    insert.executeUpdate();
                    db.commit();
                    after[id] = System.nanoTime();
                    if (!capture) {
                        Map<String, Object> data = new LinkedHashMap<>();
                        data.put("id", id);
                        data.put("user_id", user);
                        data.put("title", "event " + id);
                        data.put("created_at", createdAt);
                        Map<String, Object> payload = new LinkedHashMap<>();
                        payload.put("operation", "create");
                        payload.put("collection", "events");
                        payload.put("data", data);
                        Rowcast.to("user:" + user).emit("realtime:events", payload);
                    }
                }
            }
            try (BufferedWriter out = Files.newBufferedWriter(stamps)) {
                for (int id = 0; id < events; id++) {
                    out.write(id + " " + before[id] + " " + after[id] + " " + lag[id] + "\n");
                }
            }
            System.out.println("DONE " + maxLag / 1000);
            awaitLine(stdin, "quit");
        }
    }

    private static void awaitLine(BufferedReader in, String word) throws Exception {
        for (String line; (line = in.readLine()) != null; ) {
            if (line.trim().equals(word)) {
                return;
            }
        }
    }
}
