package dev.rowcast.bench.server;

import java.io.BufferedReader;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rowcast's Socket.IO server against its peer, the Node reference server (socket.io 4.8.4), in the
 * same run: idle memory per WebSocket connection and room fan-out throughput. Each server runs in
 * its own child process, the clients in a third (a lean raw-WebSocket Node load generator), all on
 * 127.0.0.1. Linux only (reads /proc). Run through {@code bench/run-server-bench.sh}.
 *
 * <p>System properties: {@code idle.clients} (5000), {@code fanout.clients} (1000),
 * {@code fanout.events} (2000 emits per round), {@code fanout.rounds} (3), {@code idle.top} (classes listed, 5),
 * {@code only} ({@code idle} or {@code fanout}; default both), {@code rowcast.bench.node}
 * (the Node project; default {@code node/} next to the jar's {@code target/}).
 */
public final class ServerBench {

    private static final int IDLE_CLIENTS = Integer.getInteger("idle.clients", 5_000);
    private static final int FANOUT_CLIENTS = Integer.getInteger("fanout.clients", 1_000);
    private static final int FANOUT_EVENTS = Integer.getInteger("fanout.events", 2_000);
    private static final int FANOUT_ROUNDS = Integer.getInteger("fanout.rounds", 3);
    private static final String ROOM = "bench";
    private static final int WARM_UP_CLIENTS = 200;
    private static final int TOP_CLASSES = Integer.getInteger("idle.top", 5);
    private static final String ONLY = System.getProperty("only", "");
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ of /proc/<pid>/stat on Linux
    private static final List<Child> LIVE = new CopyOnWriteArrayList<>();

    private ServerBench() {}

    /** How to start one side's server process. */
    private record Side(String name, Path dir, List<String> command, boolean jvm) {
        List<String> command(String... extra) {
            List<String> all = new ArrayList<>(command);
            all.addAll(Arrays.asList(extra));
            return all;
        }
    }

    private record Idle(double heapPerConn, double rssPerConn, double directPerConn, double connectSeconds,
                        long heapBefore, long heapAfter, List<String> topClasses, String error) {}

    private record Fanout(double eventsPerSecond, double[] rounds, double serverCpu, double generatorCpu, double perServerCpuSecond,
                          String error) {}

    public static void main(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Child::kill)));
        Path jar = Path.of(ServerBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path nodeDir = Path.of(System.getProperty("rowcast.bench.node",
                jar.toAbsolutePath().getParent().getParent().resolve("node").toString()));
        checkOpenFileLimit(Math.max(IDLE_CLIENTS, FANOUT_CLIENTS) * 2 + 2_000);
        npmCiIfNeeded(nodeDir);
        String java = ProcessHandle.current().info().command().orElse("java");
        Side rowcast = new Side("Rowcast", nodeDir, List.of(java, "-Xmx1g", "-cp", jar.toString(),
                RowcastServerMain.class.getName()), true);
        Side node = new Side("Node socket.io 4.8.4", nodeDir, List.of("node", "--expose-gc", "server.mjs"), false);

        System.out.printf("[rowcast-bench] load average %s; %d cores%n", loadAverage(), Runtime.getRuntime().availableProcessors());
        Idle skippedIdle = new Idle(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, List.of(), "skipped (-Donly)");
        Fanout skippedFanout = new Fanout(Double.NaN, new double[0], Double.NaN, Double.NaN, Double.NaN, "skipped (-Donly)");
        boolean idle = !ONLY.equals("fanout"), fanout = !ONLY.equals("idle");
        Idle idleRowcast = idle ? idle(rowcast, nodeDir) : skippedIdle;
        Idle idleNode = idle ? idle(node, nodeDir) : skippedIdle;
        Fanout fanRowcast = fanout ? fanout(rowcast, nodeDir) : skippedFanout;
        Fanout fanNode = fanout ? fanout(node, nodeDir) : skippedFanout;
        report(rowcast, node, idleRowcast, idleNode, fanRowcast, fanNode);
    }

    // ---- idle memory ----

    private static Idle idle(Side side, Path nodeDir) {
        System.out.printf("[rowcast-bench] idle: %s with %d connections...%n", side.name(), IDLE_CLIENTS);
        try (Child server = new Child(side.name(), side.dir(), side.command())) {
            int port = Integer.parseInt(server.await("PORT", Duration.ofSeconds(60))[1]);
            // Warm-up: a few clients connect and leave, so one-time costs (classes, JIT, pools) fall before the baseline.
            try (Child warm = new Child("loadgen", nodeDir, List.of("node", "loadgen.mjs", "" + port, "" + WARM_UP_CLIENTS))) {
                warm.await("CONNECTED", Duration.ofSeconds(60));
            }
            Thread.sleep(2_000); // the server notices the closes and drops the sessions
            long[] before = heapAfterGc(server);
            long rssBefore = rssBytes(server.pid());
            Map<String, long[]> histoBefore = side.jvm() ? classHistogram(server.pid()) : Map.of();
            try (Child gen = new Child("loadgen", nodeDir, List.of("node", "loadgen.mjs", "" + port, "" + IDLE_CLIENTS))) {
                String[] connected = gen.await("CONNECTED", Duration.ofSeconds(300));
                int n = Integer.parseInt(connected[1]);
                if (n != IDLE_CLIENTS) throw new IllegalStateException(connected[3] + " of " + IDLE_CLIENTS + " clients failed to connect");
                Thread.sleep(3_000); // let handshake leftovers (timers, buffers) settle before the measurement
                long[] after = heapAfterGc(server);
                long rssAfter = rssBytes(server.pid());
                List<String> top = side.jvm() ? topGrowth(histoBefore, classHistogram(server.pid()), n) : List.of();
                return new Idle((after[0] - before[0]) / (double) n, (rssAfter - rssBefore) / (double) n,
                        (after[1] - before[1]) / (double) n, Double.parseDouble(connected[2]) / 1000, before[0], after[0], top, null);
            }
        } catch (Exception e) {
            return new Idle(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, List.of(), e.toString());
        }
    }

    /** {heap bytes used after full GC, off-heap buffer bytes (Java direct buffers; Node external, which includes ArrayBuffers)}. */
    private static long[] heapAfterGc(Child server) {
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

    // ---- fan-out ----

    private static Fanout fanout(Side side, Path nodeDir) {
        System.out.printf("[rowcast-bench] fan-out: %s, %d clients in one room, %d rounds of %d emits...%n",
                side.name(), FANOUT_CLIENTS, FANOUT_ROUNDS, FANOUT_EVENTS);
        try (Child server = new Child(side.name(), side.dir(), side.command("--join", ROOM))) {
            int port = Integer.parseInt(server.await("PORT", Duration.ofSeconds(60))[1]);
            try (Child gen = new Child("loadgen", nodeDir, List.of("node", "loadgen.mjs", "" + port, "" + FANOUT_CLIENTS))) {
                String[] connected = gen.await("CONNECTED", Duration.ofSeconds(120));
                if (Integer.parseInt(connected[1]) != FANOUT_CLIENTS) {
                    throw new IllegalStateException(connected[3] + " of " + FANOUT_CLIENTS + " clients failed to connect");
                }
                round(server, gen, FANOUT_EVENTS / 4); // warm-up: JIT and buffers, not measured
                double[] rates = new double[FANOUT_ROUNDS];
                double[] perCpu = new double[FANOUT_ROUNDS];
                double serverCpu = 0, genCpu = 0;
                for (int k = 0; k < FANOUT_ROUNDS; k++) {
                    double[] r = round(server, gen, FANOUT_EVENTS);
                    rates[k] = r[0];
                    perCpu[k] = r[0] / r[1];
                    serverCpu += r[1] / FANOUT_ROUNDS;
                    genCpu += r[2] / FANOUT_ROUNDS;
                }
                return new Fanout(median(rates), rates, serverCpu, genCpu, median(perCpu), null);
            }
        } catch (Exception e) {
            return new Fanout(Double.NaN, new double[0], Double.NaN, Double.NaN, Double.NaN, e.toString());
        }
    }

    /** One bounded round: {deliveries/s at the clients, server CPU share, generator CPU share}. */
    private static double[] round(Child server, Child gen, int events) throws IOException {
        gen.send("expect " + events);
        gen.await("READY", Duration.ofSeconds(30));
        long serverTicks = cpuTicks(server.pid()), genTicks = cpuTicks(gen.pid()), start = System.nanoTime();
        server.send("fanout " + events);
        String[] delivered = gen.await("DELIVERED", Duration.ofSeconds(180));
        double wall = (System.nanoTime() - start) / 1e9;
        double serverCpu = (cpuTicks(server.pid()) - serverTicks) / (double) CLOCK_TICKS_PER_SECOND / wall;
        double genCpu = (cpuTicks(gen.pid()) - genTicks) / (double) CLOCK_TICKS_PER_SECOND / wall;
        server.await("EMITTED", Duration.ofSeconds(30));
        if (!delivered[3].equals("0")) throw new IllegalStateException(delivered[3] + " clients were disconnected during fan-out");
        return new double[] {Long.parseLong(delivered[1]) / (Double.parseDouble(delivered[2]) / 1000), serverCpu, genCpu};
    }

    // ---- report ----

    private static void report(Side rowcast, Side node, Idle ir, Idle in, Fanout fr, Fanout fn) {
        System.out.printf("%n## Idle memory: %d Socket.IO clients on \"/\" over WebSocket (after full GC)%n%n", IDLE_CLIENTS);
        System.out.println("| server | heap per connection | RSS per connection | off-heap buffers per connection | connect time |");
        System.out.println("| --- | --- | --- | --- | --- |");
        idleRow(rowcast.name(), ir);
        idleRow(node.name(), in);
        System.out.printf("| ratio Rowcast / Node (lower is better) | %.2fx | %.2fx | | |%n",
                ir.heapPerConn() / in.heapPerConn(), ir.rssPerConn() / in.rssPerConn());
        if (!ir.topClasses().isEmpty()) {
            System.out.printf("%nRowcast heap growth by class, top %d, %d connections (jcmd GC.class_histogram after - before):%n%n",
                    TOP_CLASSES, IDLE_CLIENTS);
            System.out.println("| class | instances per connection | bytes per connection |");
            System.out.println("| --- | --- | --- |");
            ir.topClasses().forEach(System.out::println);
        }
        System.out.printf("%n## Fan-out: %d clients in one room, %d emits of a ~120-byte event per round (median of %d)%n%n",
                FANOUT_CLIENTS, FANOUT_EVENTS, FANOUT_ROUNDS);
        System.out.println("| server | deliveries/s at the clients | rounds | server CPU | load generator CPU | deliveries per server CPU-second |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        fanoutRow(rowcast.name(), fr);
        fanoutRow(node.name(), fn);
        System.out.printf("| ratio Rowcast / Node (higher is better) | %.2fx | | | | %.2fx |%n",
                fr.eventsPerSecond() / fn.eventsPerSecond(), fr.perServerCpuSecond() / fn.perServerCpuSecond());
        System.out.printf("%nCPU is the share of one core over the round's wall time (Rowcast's I/O threads can use both cores, Node's%n"
                + "event loop one); a load generator near 100%% bounds the rate. On a loaded machine the wall-clock rate falls%n"
                + "with the CPU a process gets; deliveries per server CPU-second moves much less.%n");
        System.out.printf("[rowcast-bench] load average %s%n", loadAverage());
    }

    private static void idleRow(String name, Idle r) {
        if (r.error() != null) {
            System.out.printf("| %s | failed: %s | | | |%n", name, r.error());
            return;
        }
        System.out.printf("| %s | %.2f KB | %.2f KB | %.2f KB | %.1f s |%n", name, r.heapPerConn() / 1024, r.rssPerConn() / 1024,
                r.directPerConn() / 1024, r.connectSeconds());
    }

    private static void fanoutRow(String name, Fanout r) {
        if (r.error() != null) {
            System.out.printf("| %s | failed: %s | | | | |%n", name, r.error());
            return;
        }
        StringBuilder rounds = new StringBuilder();
        for (double rate : r.rounds()) rounds.append(rounds.length() == 0 ? "" : ", ").append(String.format("%.0fk", rate / 1000));
        System.out.printf("| %s | %.0f | %s | %.0f%% | %.0f%% | %.0f |%n", name, r.eventsPerSecond(), rounds,
                r.serverCpu() * 100, r.generatorCpu() * 100, r.perServerCpuSecond());
    }

    // ---- processes and /proc ----

    private static void checkOpenFileLimit(int needed) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                long soft = Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0].replace("unlimited", "" + Long.MAX_VALUE));
                if (soft < needed) {
                    System.err.printf("[rowcast-bench] the open-file limit is %d but the idle test needs %d descriptors per process; "
                            + "run through bench/run-server-bench.sh or raise it first with `ulimit -n %d`%n", soft, needed, needed);
                    System.exit(2);
                }
            }
        }
    }

    private static void npmCiIfNeeded(Path nodeDir) throws IOException, InterruptedException {
        if (Files.isDirectory(nodeDir.resolve("node_modules"))) return;
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

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** A child process speaking the line protocol: commands on stdin, "WORD args..." answers on stdout. */
    private static final class Child implements AutoCloseable {
        private final String name;
        private final Process process;
        private final Writer stdin;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Child(String name, Path dir, List<String> command) throws IOException {
            this.name = name;
            this.process = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            LIVE.add(this);
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) lines.add(line);
                } catch (IOException ignored) {
                    // the process ended; await() reports it
                }
            }, "bench-" + name + "-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        long pid() {
            return process.pid();
        }

        void send(String line) {
            try {
                stdin.write(line + "\n");
                stdin.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(name + " (pid " + process.pid() + ") no longer reads its commands", e);
            }
        }

        /** The next line starting with {@code word}, split on spaces; other lines are echoed. */
        String[] await(String word, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (true) {
                    String line = lines.poll(Math.max(1, Math.min(500_000_000L, deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
                    if (line != null) {
                        if (line.startsWith(word + " ") || line.equals(word)) return line.split(" ");
                        System.out.println("[" + name + "] " + line);
                    } else if (System.nanoTime() >= deadline) {
                        throw new IllegalStateException(name + ": no '" + word + "' within " + timeout.toSeconds() + " s");
                    } else if (!process.isAlive() && lines.isEmpty()) {
                        throw new IllegalStateException(name + " exited with " + process.exitValue() + " before answering '" + word + "'");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(name + ": interrupted waiting for '" + word + "'", e);
            }
        }

        @Override
        public void close() {
            try {
                send("quit");
                if (!process.waitFor(10, TimeUnit.SECONDS)) kill();
            } catch (RuntimeException | InterruptedException e) {
                kill();
            } finally {
                LIVE.remove(this);
            }
        }

        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
