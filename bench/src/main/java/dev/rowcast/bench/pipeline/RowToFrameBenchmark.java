package dev.rowcast.bench.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.ConfigLoader;
import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.SocketIoServer;
import dev.rowcast.server.engine.EngineListener;
import dev.rowcast.server.engine.EngineMessage;
import dev.rowcast.server.engine.EngineSocket;
import dev.rowcast.server.engine.Handshake;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one captured row costs after the agent's queue: a JDBC row of the capture bench's
 * {@code bench_row} (id, owner, title, amount, done, created_at, as {@code JdbcRows} hands it
 * over) becomes the Router's envelope (SPEC §4) and goes through the real server path
 * ({@code to(room).emit}: BroadcastOperator, InMemoryAdapter, the recovery buffer when on) to the
 * WebSocket text frame bytes of the one client in the room. The client is an in-process
 * {@link EngineSocket} that keeps the last frame, so no network is measured.
 *
 * <p>Peer: the envelope written by Jackson's own {@code ObjectMapper.writeValueAsString}, then
 * to UTF-8: what a straightforward implementation would cost for the JSON alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RowToFrameBenchmark {

    private static final int ROWS = 1024;
    private static final ObjectMapper JACKSON = new ObjectMapper();

    /** Connection state recovery: on is the agent's default ({@code server.recovery.enabled}). */
    @Param({"off", "on"})
    public String recovery;

    private CollectionConfig rule;
    private List<Map<String, Object>> rows;
    private int next;
    private SocketIoServer server;
    private FrameSink client;

    @Setup
    public void setUp() throws Exception {
        rule = ConfigLoader.load("rowcast.yml", """
                collections:
                  rows: { table: bench_row, room: "owner:{owner}" }
                """, Map.of()).collections().values().iterator().next();
        rows = new ArrayList<>(ROWS);
        Instant start = Instant.parse("2026-11-26T01:00:00Z");
        for (int i = 0; i < ROWS; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", 1_000_000L + i);
            row.put("owner", 0L);
            row.put("title", "item " + i);
            row.put("amount", BigDecimal.valueOf(i * 37L % 100_000, 2));
            row.put("done", i % 2 == 0);
            row.put("created_at", Timestamp.from(start.plusMillis(i * 7L)));
            rows.add(row);
        }
        ServerOptions.Builder options = ServerOptions.builder();
        if (recovery.equals("on")) options.recovery(Duration.ofMinutes(2));
        server = new SocketIoServer(options.build());
        server.onConnection(socket -> socket.join("owner:0"));
        client = new FrameSink(server.engineListener());
        client.listener.onMessage(client, "0");
        if (client.frame == null || server.to("owner:0").socketIds().size() != 1) {
            throw new IllegalStateException("the bench client did not connect: " + client.frame);
        }
    }

    @TearDown
    public void tearDown() {
        server.stop();
    }

    private Map<String, Object> nextRow() {
        next = (next + 1) & (ROWS - 1);
        return rows.get(next);
    }

    /** The agent's path: the Router's envelope, then the server's emit to the row's room. */
    @Benchmark
    public byte[] rowToFrame() {
        Map<String, Object> data = nextRow();
        List<String> rooms = rule.roomsFor(data);
        server.to(rooms.toArray(String[]::new)).emit(rule.eventName(), RouterEnvelope.of(rule, data));
        return client.frame;
    }

    @Benchmark
    public byte[] peerJacksonWriteValueAsString() throws Exception {
        Map<String, Object> data = nextRow();
        List<String> rooms = rule.roomsFor(data);
        String json = JACKSON.writeValueAsString(List.of(rule.eventName(), RouterEnvelope.of(rule, data)));
        return rooms.isEmpty() ? null : ("42" + json).getBytes(StandardCharsets.UTF_8);
    }

    /** The envelope as {@code agent/.../route/Router} builds it for a JDBC insert (the agent jar's classes are relocated, so not linked here). */
    static final class RouterEnvelope {
        static Map<String, Object> of(CollectionConfig rule, Map<String, Object> row) {
            Map<String, Object> data = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : rule.fields().apply(row).entrySet()) {
                Object value = e.getValue();
                data.put(e.getKey(), value instanceof Timestamp ts ? ts.toLocalDateTime().toString() : value);
            }
            Map<String, Object> envelope = new LinkedHashMap<>();
            envelope.put("operation", "create");
            envelope.put("collection", rule.slug());
            envelope.put("data", data);
            envelope.put("id", row.get("id"));
            envelope.put("ts", 1_764_118_800_000L);
            return envelope;
        }
    }

    /** One WebSocket client, in process: keeps the frame bytes of the last message it was sent. */
    static final class FrameSink implements EngineSocket {
        final EngineListener listener;
        final Handshake handshake = new Handshake(Map.of(), Map.of("EIO", List.of("4")), new InetSocketAddress("127.0.0.1", 40000),
                "/socket.io/?EIO=4&transport=websocket", false, System.currentTimeMillis());
        byte[] frame;

        FrameSink(EngineListener listener) {
            this.listener = listener;
            listener.onOpen(this);
        }

        @Override public String id() { return "bench"; }
        @Override public Handshake handshake() { return handshake; }
        @Override public String transport() { return "websocket"; }
        @Override public Executor executor() { return Runnable::run; }
        @Override public boolean isOpen() { return true; }
        @Override public void close() { }

        @Override
        public boolean send(List<EngineMessage> messages) {
            for (EngineMessage message : messages) frame = message.isBinary() ? message.binary() : message.textFrameUtf8();
            return true;
        }
    }
}
