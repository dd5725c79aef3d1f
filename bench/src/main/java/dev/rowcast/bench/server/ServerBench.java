package dev.rowcast.bench.server;

import dev.rowcast.bench.LineChild;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rowcast's Socket.IO server against two peers in the same run: the Node reference server (socket.io
 * 4.8.4) and netty-socketio 2.0.14 (Java). For each client count, each server in turn: idle memory per
 * WebSocket connection (at the largest count), then room fan-out under a rising emit rate in three room
 * layouts: saturation throughput, and p50/p99 emit->receive latency at half of it. Each server runs in its
 * own process, the clients in another ({@code node/fanout-clients.mjs}, lean raw-WebSocket Socket.IO
 * clients), pinned to different cores when there are two or more. Linux only (reads /proc). Run through
 * {@code bench/run-server-bench.sh}; BENCHMARKS.md explains the figures.
 *
 * <p>System properties: {@code clients} (counts, default {@code 10000,5000,1000}), {@code layouts}
 * ({@code one,hundred,each}), {@code servers} ({@code rowcast,node,netty-socketio}), {@code step.ms} (1500,
 * one step of the rising rate), {@code half.ms} (3000), {@code idle.top} (Rowcast classes listed, 5),
 * {@code server.cpus} / {@code loadgen.cpus} (taskset lists, default 0 and 1; empty to not pin),
 * {@code quick} (true: 1,000 clients, shorter steps, for checking the harness).
 */
public final class ServerBench {

    private static final boolean QUICK = Boolean.getBoolean("quick");
    private static final List<Integer> CLIENTS = ints(System.getProperty("clients", QUICK ? "1000" : "10000,5000,1000"));
    private static final List<String> LAYOUTS = words(System.getProperty("layouts", "one,hundred,each"));
    private static final List<String> SERVERS = words(System.getProperty("servers", "rowcast,node,netty-socketio"));
    private static final long STEP_MS = Long.getLong("step.ms", QUICK ? 750 : 1_500);
    private static final long HALF_MS = Long.getLong("half.ms", QUICK ? 1_500 : 3_000);
    private static final int TOP_CLASSES = Integer.getInteger("idle.top", 5);
    private static final int WARM_UP_CLIENTS = 200;
    /** A step below this share of its planned deliveries per second is past saturation. */
    private static final double KEEPS_UP = 0.95;
    /** ... and so is one whose p99 latency passes this (queues growing without bound). */
    private static final long EXPLODED_MICROS = 1_000_000;
    private static final int MAX_STEPS = 12;
    /** Deliveries per second of the first step; low, so that the slowest server's first step is not far past its limit. */
    private static final double START_RATE = 10_000;
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ of /proc/<pid>/stat on Linux

    private ServerBench() {}

    /** How to start one server; {@code jvm} servers get a class histogram. */
    private record Side(String key, String name, Path dir, List<String> command, boolean jvm) {}

    private record Idle(int clients, double heapPerConn, double rssPerConn, double offHeapPerConn, double connectSeconds,
                        List<String> topClasses, String error) {
        static Idle failed(int clients, String error) {
            return new Idle(clients, Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.of(), error);
        }
    }

    /** One step at a fixed rate: planned and delivered deliveries per second, latency, CPU shares of one core. */
    private record Step(double planned, double achieved, long delivered, long p50, long p99, long max,
                        double serverCpu, double genCpu, double switchesPerDelivery, int closed) {
        /** Deliveries per second of the server's CPU time: what one whole core would do, the figure a shared machine moves least. */
        double perServerCpuSecond() {
            return achieved / serverCpu;
        }

        boolean keepsUp() {
            return achieved >= KEEPS_UP * planned && p99 < EXPLODED_MICROS && closed == 0;
        }

        String describe() {
            return String.format("%.0fk/s planned, %.0fk/s delivered, p50 %s p99 %s max %s, server CPU %.0f%%, load generator CPU %.0f%%, "
                            + "server context switches per delivery %.2f%s",
                    planned / 1000, achieved / 1000, ms(p50), ms(p99), ms(max), serverCpu * 100, genCpu * 100, switchesPerDelivery,
                    closed > 0 ? ", " + closed + " clients closed" : "");
        }
    }

    /** A layout's result: the best step (saturation) and the step at half its rate. */
    private record Fanout(Step saturation, Step half, String error) {}

    /** Room layouts: name, how to describe it, rooms for n clients. */
    private enum Layout {
        ONE("one", "1 room of all"), HUNDRED("hundred", "100 rooms"), EACH("each", "1 room per client");

        final String key, label;

        Layout(String key, String label) {
            this.key = key;
            this.label = label;
        }

        int rooms(int clients) {
            return switch (this) {
                case ONE -> 1;
                case HUNDRED -> Math.min(100, clients);
                case EACH -> clients;
            };
        }

        static Layout of(String key) {
            return Arrays.stream(values()).filter(l -> l.key.equals(key)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown layout '" + key + "' in -Dlayouts; use one, hundred or each"));
        }
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(ServerBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        Path target = jar.getParent(), benchDir = target.getParent();
        Path nodeDir = Path.of(System.getProperty("rowcast.bench.node", benchDir.resolve("node").toString()));
        int most = CLIENTS.stream().mapToInt(Integer::intValue).max().orElse(0);
        checkOpenFileLimit(most + 1_000);
        npmCiIfNeeded(nodeDir);
        int cores = Runtime.getRuntime().availableProcessors();
        List<String> serverPin = pin(System.getProperty("server.cpus", cores >= 2 ? "0" : ""));
        List<String> genPin = pin(System.getProperty("loadgen.cpus", cores >= 2 ? "1" : ""));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> jvm = List.of(java, "-Xmx2g", "-XX:+UseParallelGC");

        Map<String, Side> all = new LinkedHashMap<>();
        all.put("rowcast", new Side("rowcast", "Rowcast", nodeDir,
                concat(serverPin, jvm, List.of("-cp", jar.toString(), RowcastServerMain.class.getName())), true));
        all.put("node", new Side("node", "Node socket.io 4.8.4", nodeDir,
                concat(serverPin, List.of("node", "--expose-gc", "peer-server.mjs")), false));
        Path classes = target.resolve("classes"), nettyLib = target.resolve("netty-socketio");
        if (SERVERS.contains("netty-socketio") && !Files.isDirectory(nettyLib)) {
            throw new IllegalStateException(nettyLib + " is missing; build it: mvn -B -Pbench -pl bench -am package -DskipTests");
        }
        all.put("netty-socketio", new Side("netty-socketio", "netty-socketio 2.0.14", nodeDir,
                concat(serverPin, jvm, List.of("-cp", classes + File.pathSeparator + nettyLib.resolve("*"),
                        NettySocketIoMain.class.getName())), true));
        List<Side> sides = new ArrayList<>();
        for (String key : SERVERS) {
            Side side = all.get(key);
            if (side == null) throw new IllegalArgumentException("unknown server '" + key + "' in -Dservers; use rowcast, node or netty-socketio");
            sides.add(side);
        }
        List<Layout> layouts = LAYOUTS.stream().map(Layout::of).toList();

        System.out.printf("[rowcast-bench] load average %s; %d cores; servers pinned to %s, load generator to %s%n", loadAverage(), cores,
                serverPin.isEmpty() ? "(not pinned)" : serverPin.get(2), genPin.isEmpty() ? "(not pinned)" : genPin.get(2));
        Map<String, Idle> idle = new LinkedHashMap<>();
        Map<String, Fanout> fanout = new LinkedHashMap<>(); // "side/clients/layout"
        for (int clients : CLIENTS) {
            for (Side side : sides) {
                run(side, clients, clients == most, layouts, nodeDir, genPin, idle, fanout);
                System.out.printf("[rowcast-bench] load average %s%n", loadAverage());
            }
        }
        report(sides, layouts, most, idle, fanout);
    }

    /** One server process: warm-up, optionally the idle measurement, then every layout at this client count. */
    private static void run(Side side, int clients, boolean measureIdle, List<Layout> layouts, Path nodeDir, List<String> genPin,
                            Map<String, Idle> idle, Map<String, Fanout> fanout) {
        System.out.printf("[rowcast-bench] %s, %d clients...%n", side.name(), clients);
        try (LineChild server = child(side.name(), side.dir(), side.command())) {
            int port = Integer.parseInt(server.await("PORT", Duration.ofSeconds(60))[1]);
            // Warm-up: a few clients connect and leave, so one-time costs (classes, JIT, pools) fall before the baseline.
            try (LineChild warm = child("loadgen", nodeDir, concat(genPin, List.of("node", "fanout-clients.mjs", "" + port, "" + WARM_UP_CLIENTS)))) {
                warm.await("CONNECTED", Duration.ofSeconds(60));
            }
            Thread.sleep(2_000); // the server notices the closes and drops the sessions
            long[] before = measureIdle ? heapAfterGc(server) : null;
            long rssBefore = rssBytes(server.pid());
            Map<String, long[]> histoBefore = measureIdle && side.key().equals("rowcast") ? classHistogram(server.pid()) : Map.of();
            try (LineChild gen = child("loadgen", nodeDir, concat(genPin, List.of("node", "fanout-clients.mjs", "" + port, "" + clients)))) {
                String[] connected = gen.await("CONNECTED", Duration.ofSeconds(300));
                int n = Integer.parseInt(connected[1]);
                if (n != clients) throw new IllegalStateException(connected[3] + " of " + clients + " clients failed to connect");
                if (measureIdle) {
                    Thread.sleep(3_000); // let handshake leftovers (timers, buffers) settle before the measurement
                    long[] after = heapAfterGc(server);
                    long rssAfter = rssBytes(server.pid());
                    List<String> top = histoBefore.isEmpty() ? List.of() : topGrowth(histoBefore, classHistogram(server.pid()), n);
                    idle.put(side.key(), new Idle(n, (after[0] - before[0]) / (double) n, (rssAfter - rssBefore) / (double) n,
                            (after[1] - before[1]) / (double) n, Double.parseDouble(connected[2]) / 1000, top, null));
                }
                for (Layout layout : layouts) {
                    String key = side.key() + "/" + clients + "/" + layout.key;
                    try {
                        fanout.put(key, fanout(server, gen, clients, layout));
                    } catch (RuntimeException e) {
                        fanout.put(key, new Fanout(null, null, e.getMessage()));
                        System.out.printf("[rowcast-bench]   %s: failed: %s%n", layout.label, e.getMessage());
                    }
                }
            }
        } catch (Exception e) {
            if (measureIdle) idle.putIfAbsent(side.key(), Idle.failed(clients, e.toString()));
            for (Layout layout : layouts) fanout.putIfAbsent(side.key() + "/" + clients + "/" + layout.key, new Fanout(null, null, e.toString()));
            System.out.printf("[rowcast-bench] %s, %d clients failed: %s%n", side.name(), clients, e);
        }
    }

    // ---- fan-out ----

    /** Doubles the rate until a step no longer keeps up; saturation is the best delivered rate, then one step at half of it. */
    private static Fanout fanout(LineChild server, LineChild gen, int clients, Layout layout) throws IOException {
        int rooms = layout.rooms(clients), roomSize = clients / rooms;
        gen.send("layout " + rooms);
        gen.await("JOINED", Duration.ofSeconds(120));
        double rate = Math.max(START_RATE, roomSize * 5.0); // deliveries/s; at least 5 emits/s
        // Not measured: the layout's code paths get compiled (the JIT shares the server's core) and its buffers sized.
        Step warm = step(server, gen, rate / 4, roomSize, rooms, STEP_MS);
        System.out.printf("[rowcast-bench]   %s, warm-up: %s%n", layout.label, warm.describe());
        Step best = null;
        for (int k = 0; k < MAX_STEPS; k++) {
            Step step = step(server, gen, rate, roomSize, rooms, STEP_MS);
            System.out.printf("[rowcast-bench]   %s: %s%n", layout.label, step.describe());
            if (best == null || step.achieved() > best.achieved()) best = step;
            if (!step.keepsUp()) break;
            rate *= 2;
        }
        Step half = step(server, gen, best.achieved() / 2, roomSize, rooms, HALF_MS);
        System.out.printf("[rowcast-bench]   %s, half of saturation: %s%n", layout.label, half.describe());
        return new Fanout(best, half, null);
    }

    /** One step: the server emits at the rate for the time given, the clients count what arrives until it stops arriving. */
    private static Step step(LineChild server, LineChild gen, double rate, int roomSize, int rooms, long stepMillis) throws IOException {
        double emitsPerSecond = rate / roomSize;
        // A slow server and a big room can mean under one emit per second: the step lasts long enough for two emits.
        long millis = Math.max(stepMillis, (long) Math.ceil(2_000 / emitsPerSecond));
        if (millis > 60_000) throw new IllegalStateException(String.format("%.0f deliveries/s to rooms of %d is under two emits a minute; "
                + "the server is too slow for this layout", rate, roomSize));
        long planned = (long) (emitsPerSecond * millis / 1000) * roomSize;
        gen.send("reset");
        gen.await("READY", Duration.ofSeconds(30));
        long serverTicks = cpuTicks(server.pid()), genTicks = cpuTicks(gen.pid()), switches = contextSwitches(server.pid());
        long start = System.nanoTime();
        server.send(String.format(Locale.ROOT, "run %.3f %d %d", emitsPerSecond, rooms, millis));
        server.await("EMITTED", Duration.ofMillis(2 * millis + 60_000));
        // Drain: what the server queued still arrives; stop when nothing came for 400 ms (or after 30 s), so the next step starts clean.
        long last = -1, quietSince = System.nanoTime(), drainEnd = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < drainEnd) {
            gen.send("count");
            long count = Long.parseLong(gen.await("COUNT", Duration.ofSeconds(30))[1]);
            if (count >= planned) break;
            if (count != last) {
                last = count;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > 400_000_000L) {
                break;
            }
            sleep(100);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double serverCpu = (cpuTicks(server.pid()) - serverTicks) / (double) CLOCK_TICKS_PER_SECOND / wall;
        double genCpu = (cpuTicks(gen.pid()) - genTicks) / (double) CLOCK_TICKS_PER_SECOND / wall;
        switches = contextSwitches(server.pid()) - switches;
        gen.send("stats");
        String[] s = gen.await("STATS", Duration.ofSeconds(30));
        long delivered = Long.parseLong(s[1]);
        double spanSeconds = Math.max(Double.parseDouble(s[2]), millis) / 1000;
        return new Step(planned * 1000.0 / millis, delivered / spanSeconds, delivered, micros(s[3]), micros(s[4]), micros(s[5]),
                serverCpu, genCpu, switches / (double) Math.max(1, delivered), Integer.parseInt(s[6]));
    }

    // ---- idle memory ----

    /** {heap bytes used after full GC, off-heap buffer bytes (Java direct buffers; Node external, which includes ArrayBuffers)}. */
    private static long[] heapAfterGc(LineChild server) {
        server.send("gc");
        String[] heap = server.await("HEAP", Duration.ofSeconds(60));
        return new long[] {Long.parseLong(heap[1]), heap.length > 2 ? Long.parseLong(heap[2]) : 0};
    }

    private static final Pattern HISTO_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(.+?)\\s*$");

    /** class name -> {instances, bytes}, from {@code jcmd <pid> GC.class_histogram} (which runs a full GC first). */
    private static Map<String, long[]> classHistogram(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder("jcmd", "" + pid, "GC.class_histogram").redirectErrorStream(true).start();
        Map<String, long[]> rows = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(jcmd.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                Matcher m = HISTO_ROW.matcher(line);
                if (m.matches()) rows.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
            }
        }
        if (!jcmd.waitFor(60, TimeUnit.SECONDS)) jcmd.destroyForcibly();
        return rows;
    }

    /** The classes whose heap grew most between the histograms, per connection. */
    private static List<String> topGrowth(Map<String, long[]> before, Map<String, long[]> after, int connections) {
        List<String> lines = new ArrayList<>();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), new long[] {
                        e.getValue()[0] - before.getOrDefault(e.getKey(), new long[2])[0],
                        e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1]}))
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .limit(TOP_CLASSES)
                .forEach(e -> lines.add(String.format("| %s | %.1f | %.0f |", e.getKey(),
                        e.getValue()[0] / (double) connections, e.getValue()[1] / (double) connections)));
        return lines;
    }

    // ---- report ----

    private static void report(List<Side> sides, List<Layout> layouts, int idleClients, Map<String, Idle> idle, Map<String, Fanout> fanout) {
        Side rowcast = sides.stream().filter(s -> s.key().equals("rowcast")).findFirst().orElse(null);
        List<Side> peers = sides.stream().filter(s -> s != rowcast).toList();

        System.out.printf("%n## Idle memory: %d Socket.IO clients on \"/\" over WebSocket (after full GC)%n%n", idleClients);
        System.out.println("| server | heap per connection | RSS per connection | off-heap buffers per connection | connect time |");
        System.out.println("| --- | --- | --- | --- | --- |");
        for (Side side : sides) {
            Idle r = idle.getOrDefault(side.key(), Idle.failed(idleClients, "not run"));
            if (r.error() != null) System.out.printf("| %s | failed: %s | | | |%n", side.name(), r.error());
            else System.out.printf("| %s | %.2f KB | %.2f KB | %.2f KB | %.1f s |%n", side.name(), r.heapPerConn() / 1024,
                    r.rssPerConn() / 1024, r.offHeapPerConn() / 1024, r.connectSeconds());
        }
        Idle ir = rowcast == null ? null : idle.get("rowcast");
        for (Side peer : peers) {
            Idle ip = idle.get(peer.key());
            if (ir != null && ip != null) {
                System.out.printf("| ratio Rowcast / %s (lower is better) | %.2fx | %.2fx | | |%n", peer.name(),
                        ir.heapPerConn() / ip.heapPerConn(), ir.rssPerConn() / ip.rssPerConn());
            }
        }
        if (ir != null && !ir.topClasses().isEmpty()) {
            System.out.printf("%nRowcast heap growth by class, top %d (jcmd GC.class_histogram after - before):%n%n", TOP_CLASSES);
            System.out.println("| class | instances per connection | bytes per connection |");
            System.out.println("| --- | --- | --- |");
            ir.topClasses().forEach(System.out::println);
        }

        System.out.printf("%n## Fan-out at saturation: deliveries/s at the clients (rate doubled from 10k/s or 5 emits/s until a %.0f ms step%n"
                + "delivered under %.0f%% of plan or p99 passed 1 s; best step)%n%n", (double) STEP_MS, KEEPS_UP * 100);
        StringBuilder head = new StringBuilder("| clients | layout |"), rule = new StringBuilder("| --- | --- |");
        for (Side side : sides) {
            head.append(' ').append(side.name()).append(" |");
            rule.append(" --- |");
        }
        if (rowcast != null) for (Side peer : peers) {
            head.append(" Rowcast / ").append(peer.name()).append(" |");
            rule.append(" --- |");
        }
        head.append(" per server CPU-second: ").append(String.join(" / ", sides.stream().map(Side::name).toList())).append(" |");
        rule.append(" --- |");
        head.append(" at saturation: server CPU / load generator CPU / server context switches per delivery |");
        rule.append(" --- |");
        System.out.println(head);
        System.out.println(rule);
        for (int clients : CLIENTS) {
            for (Layout layout : layouts) {
                StringBuilder row = new StringBuilder("| " + clients + " | " + layout.label + " |");
                StringBuilder cpu = new StringBuilder(), perCpu = new StringBuilder();
                for (Side side : sides) {
                    Fanout f = fanout.get(side.key() + "/" + clients + "/" + layout.key);
                    if (f == null || f.error() != null) {
                        row.append(" failed |");
                        cpu.append(cpu.length() == 0 ? "" : "; ").append("—");
                        perCpu.append(perCpu.length() == 0 ? "" : " / ").append("—");
                        continue;
                    }
                    perCpu.append(perCpu.length() == 0 ? "" : " / ").append(String.format("%.0fk", f.saturation().perServerCpuSecond() / 1000));
                    row.append(String.format(" %.0fk |", f.saturation().achieved() / 1000));
                    cpu.append(cpu.length() == 0 ? "" : "; ").append(String.format("%.0f%% / %.0f%% / %.2f", f.saturation().serverCpu() * 100,
                            f.saturation().genCpu() * 100, f.saturation().switchesPerDelivery()));
                }
                Fanout fr = rowcast == null ? null : fanout.get("rowcast/" + clients + "/" + layout.key);
                if (rowcast != null) for (Side peer : peers) {
                    Fanout fp = fanout.get(peer.key() + "/" + clients + "/" + layout.key);
                    boolean both = fr != null && fr.error() == null && fp != null && fp.error() == null;
                    row.append(both ? String.format(" %.2fx |", fr.saturation().achieved() / fp.saturation().achieved()) : " — |");
                }
                System.out.println(row.append(' ').append(perCpu).append(" | ").append(cpu).append(" |"));
            }
        }

        System.out.printf("%n## Emit->receive latency at half of each server's saturation rate (p50 / p99, one %.0f ms step)%n%n", (double) HALF_MS);
        head = new StringBuilder("| clients | layout |");
        rule = new StringBuilder("| --- | --- |");
        for (Side side : sides) {
            head.append(' ').append(side.name()).append(" |");
            rule.append(" --- |");
        }
        System.out.println(head);
        System.out.println(rule);
        for (int clients : CLIENTS) {
            for (Layout layout : layouts) {
                StringBuilder row = new StringBuilder("| " + clients + " | " + layout.label + " |");
                for (Side side : sides) {
                    Fanout f = fanout.get(side.key() + "/" + clients + "/" + layout.key);
                    if (f == null || f.error() != null) row.append(" failed |");
                    else row.append(String.format(" %s / %s at %.0fk/s%s |", ms(f.half().p50()), ms(f.half().p99()),
                            f.half().achieved() / 1000, f.half().keepsUp() ? "" : " (fell behind)"));
                }
                System.out.println(row);
            }
        }
        fanout.forEach((key, f) -> {
            if (f.error() != null) System.out.printf("%nfailed: %s: %s%n", key, f.error());
        });
        System.out.printf("%nCPU is the share of one core over a step's wall time. A load generator near 100%% bounds the rate; a server%n"
                + "well under 100%% at saturation did not get its core (the machine is busy) and its per-CPU-second figure is the fairer one.%n");
        System.out.printf("[rowcast-bench] load average %s%n", loadAverage());
    }

    private static String ms(long micros) {
        if (micros < 0) return "—";
        return micros < 10_000 ? String.format("%.2f ms", micros / 1000.0) : String.format("%.0f ms", micros / 1000.0);
    }

    private static long micros(String text) {
        try {
            return Math.round(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---- processes and /proc ----

    private static List<String> pin(String cpus) {
        if (cpus.isBlank()) return List.of();
        if (!Files.isExecutable(Path.of("/usr/bin/taskset")) && !Files.isExecutable(Path.of("/bin/taskset"))) {
            System.err.println("[rowcast-bench] taskset is missing (util-linux), so server and load generator share the cores; "
                    + "install util-linux or pass -Dserver.cpus= -Dloadgen.cpus= to silence this");
            return List.of();
        }
        return List.of("taskset", "-c", cpus);
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) all.addAll(part);
        return all;
    }

    private static List<Integer> ints(String csv) {
        return words(csv).stream().map(Integer::valueOf).toList();
    }

    private static List<String> words(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(w -> !w.isEmpty()).toList();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void checkOpenFileLimit(int needed) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                long soft = Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0].replace("unlimited", "" + Long.MAX_VALUE));
                if (soft < needed) {
                    System.err.printf("[rowcast-bench] the open-file limit is %d but the bench needs %d descriptors per process; "
                            + "run through bench/run-server-bench.sh or raise it first with `ulimit -n %d`%n", soft, needed, needed);
                    System.exit(2);
                }
            }
        }
    }

    private static void npmCiIfNeeded(Path nodeDir) throws IOException, InterruptedException {
        if (Files.isDirectory(nodeDir.resolve("node_modules/socket.io")) && Files.isDirectory(nodeDir.resolve("node_modules/bufferutil"))) return;
        System.out.println("[rowcast-bench] installing the peer and load generator: npm ci in " + nodeDir);
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(nodeDir.toFile()).inheritIO().start();
        if (npm.waitFor() != 0) {
            throw new IllegalStateException("npm ci failed in " + nodeDir + "; check that node and npm are on the PATH and the npm registry is reachable");
        }
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Voluntary and involuntary context switches of all of a process's threads: a thread handing work to another on one core pays two. */
    private static long contextSwitches(long pid) {
        long sum = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException threadEnded) {
                    // the thread ended between the listing and the read; its switches are gone with it
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return sum;
    }

    private static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** A child whose stderr goes to ours and whose other stdout lines are all shown. */
    private static LineChild child(String name, Path dir, List<String> command) throws IOException {
        return new LineChild(name, dir, command, false, line -> true, Duration.ofSeconds(10));
    }
}
