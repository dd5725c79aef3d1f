package dev.rowcast.bench.capture;

import dev.rowcast.bench.HostStat;
import dev.rowcast.bench.LineChild;

import dev.rowcast.bench.capture.app.InsertApp;
import dev.rowcast.bench.capture.app.LatencyApp;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What capture costs an application, each figure against its peer measured in the same run:
 * <ol>
 *   <li><b>Insert throughput</b> ({@link InsertApp}): Hibernate 6.6 (1 and 50 rows per
 *       transaction) and a JDBC PreparedStatement loop (autocommit, commit per row), on H2
 *       in-memory and on embedded PostgreSQL, in three child JVMs per round: without the agent,
 *       with it (its server running, no client) and with it plus one connected client in one
 *       of the 16 owner rooms, which receives every 16th row. The runs are interleaved (the order rotates each round) so a change
 *       in the machine's load hits every side alike; the ratio with/without is taken per round and
 *       its median printed, with the added microseconds per row. A child with the agent starts its
 *       warm-up only once the agent has started (its MBean is registered). Beside the wall clock,
 *       the CPU time of the app's inserting thread per row: what the advice and the hand-off cost
 *       the app's own thread, which waiting for a core does not count (cache and host contention on
 *       a loaded virtual machine still inflate it).</li>
 *   <li><b>Commit-to-client latency</b> ({@link LatencyApp}): rows committed at a steady rate
 *       (1,000/s), each into one of 1,000 per-client rooms, 1,000 official socket.io-clients (Node)
 *       each in its own room. Latency = the client's receive time minus the time commit() returned,
 *       both on CLOCK_MONOTONIC. Peers in the same run: the same app sending the same events with
 *       {@code Rowcast.to(room).emit} (the agent's server path without capture) and the Node
 *       socket.io server emitting them.</li>
 * </ol>
 * Run through {@code bench/run-capture-bench.sh}. Linux only (reads /proc).
 *
 * <p>System properties: {@code capture.only} ({@code insert} or {@code latency}), {@code capture.dbs}
 * ({@code h2,pg}), {@code capture.workloads} ({@code hibernate-1,hibernate-50,jdbc-autocommit,jdbc-commit}),
 * {@code capture.rounds} (2), {@code capture.client} (false leaves out the runs with a client), {@code capture.clientRooms}
 * (how many of the 16 owner rooms that client is in, 1), {@code capture.seconds} (5 per workload and run), {@code capture.warmUp}
 * (1.5 s per workload and run), {@code latency.rate} (1000/s), {@code latency.clients} (1000),
 * {@code latency.seconds} (15 measured), {@code latency.warmUp} (3 s, not counted), {@code latency.runs} (1 per side;
 * more print each run and all runs' events pooled), {@code latency.recovery}
 * (true: the Java sides keep events for connection state recovery, as rowcast.yml does by default),
 * {@code latency.witness} (true: each CPU's freezes, see {@link FreezeWitness}),
 * {@code latency.sides} ({@code capture,api,node}), {@code capture.agent} (the agent jar),
 * {@code capture.java} (the child JVMs' java), {@code capture.jvmArgs} (extra child JVM options),
 * {@code capture.tables} (false: rowcast.yml names the entity only, see {@link #insertConfig}), {@code capture.jitLog}
 * (true: what the JIT did in each toggle window, see {@link JitWindows}).
 */
public final class CaptureBench {

    private static final String ONLY = System.getProperty("capture.only", "");
    private static final List<String> DBS = List.of(System.getProperty("capture.dbs", "h2,pg").split(","));
    private static final String WORKLOADS = System.getProperty("capture.workloads", "hibernate-1,hibernate-50,jdbc-autocommit,jdbc-commit");
    private static final int ROUNDS = Integer.getInteger("capture.rounds", 2);
    private static final double SECONDS = Double.parseDouble(System.getProperty("capture.seconds", "5"));
    private static final double WARM_UP = Double.parseDouble(System.getProperty("capture.warmUp", "1.5"));
    private static final int TOGGLE_PAIRS = Integer.getInteger("toggle.pairs", 8);
    private static final boolean TABLES = Boolean.parseBoolean(System.getProperty("capture.tables", "true"));
    private static final int TOGGLE_SWITCH_MILLIS = Integer.getInteger("toggle.switchMillis", 500);
    /** {@code -Dcapture.jitLog=true}: the toggle's child logs the JIT's work, and each window's share of it is printed (see {@link JitWindows}). */
    private static final boolean JIT_LOG = Boolean.getBoolean("capture.jitLog");
    private static final int RATE = Integer.getInteger("latency.rate", 1_000);
    private static final int CLIENTS = Integer.getInteger("latency.clients", 1_000);
    private static final double LATENCY_SECONDS = Double.parseDouble(System.getProperty("latency.seconds", "15"));
    private static final double LATENCY_WARM_UP = Double.parseDouble(System.getProperty("latency.warmUp", "3"));
    /** Connection state recovery on the Java sides (the default, as in rowcast.yml): it keeps every event for 2 minutes. */
    private static final boolean LATENCY_RECOVERY = Boolean.parseBoolean(System.getProperty("latency.recovery", "true"));
    /**
     * {@code -Dlatency.witness=true}: a {@link FreezeWitness} pinned to each CPU during each latency
     * run, and the latency of the events that no CPU's freeze touched. Off by default: each witness
     * wakes 1,000 times a second and takes about 4% of a core.
     */
    private static final boolean LATENCY_WITNESS = Boolean.getBoolean("latency.witness");
    /** Runs per side, the sides taking turns: one run's p99 moves by milliseconds from run to run here, so several give its spread. */
    private static final int LATENCY_RUNS = Integer.getInteger("latency.runs", 1);
    private static final String JAVA = System.getProperty("capture.java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    private static final List<String> CHILD_JVM = childJvm();
    private static final List<String> LATENCY_SIDES = List.of(System.getProperty("latency.sides", "capture,api,node").split(","));
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ of /proc/<pid>/stat on Linux
    /** Insert runs in which the agent's queue overflowed, for the note under the table. */
    private static final List<String> SHED = new ArrayList<>();

    /** The three sides of the insert benchmark, in the order of the first round. */
    /** The insert app's rows go to 16 owner rooms, {@code owner:0} .. {@code owner:15}, in turn. */
    private static final int OWNERS = 16;
    /** How many of them the client of the "agent + 1 client" runs is in (a Node client reads far fewer than all of a busy app's rows). */
    private static final int CLIENT_ROOMS = Integer.getInteger("capture.clientRooms", 1);
    private static final List<String> MODES = Boolean.parseBoolean(System.getProperty("capture.client", "true"))
            ? List.of("without agent", "agent, no client", "agent + 1 client") : List.of("without agent", "agent, no client");

    private static Path agentJar;
    private static Path nodeDir;
    private static String appClasspath;
    private static Path work;
    private static Path target;

    private CaptureBench() {}

    /** The child JVMs' options: a fixed heap, plus {@code capture.jvmArgs} (space-separated, e.g. -Xlog:gc). */
    private static List<String> childJvm() {
        List<String> options = new ArrayList<>(List.of("-Xms1g", "-Xmx1g"));
        for (String option : System.getProperty("capture.jvmArgs", "").trim().split("\\s+")) {
            if (!option.isEmpty()) options.add(option);
        }
        return options;
    }

    /**
     * One workload of one insert run: rows, wall nanos, process CPU nanos (window; window + agent
     * catching up), CPU nanos of the app's inserting thread (what the advice costs it; time spent waiting for a core is not in it).
     */
    private record Insert(long rows, long nanos, long cpuWindow, long cpuSettled, long appCpu) {
        double rowsPerSecond() {
            return rows / (nanos / 1e9);
        }

        double cpuMicrosPerRow() {
            return cpuSettled / 1e3 / rows;
        }

        double appCpuMicrosPerRow() {
            return appCpu / 1e3 / rows;
        }
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(CaptureBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        target = jar.getParent();
        Path bench = target.getParent();
        agentJar = Path.of(System.getProperty("capture.agent", bench.resolveSibling("agent").resolve("target/rowcast-agent.jar").toString()));
        nodeDir = bench.resolve("node");
        Path classpathFile = target.resolve("capture-classpath.txt");
        for (Path required : List.of(agentJar, classpathFile, target.resolve("classes"))) {
            if (!Files.exists(required)) {
                System.err.println("[capture-bench] " + required + " is missing: build with"
                        + " mvn -B -Pbench -pl bench,agent -am package -DskipTests");
                System.exit(2);
            }
        }
        appClasspath = target.resolve("classes") + File.pathSeparator + Files.readString(classpathFile).trim();
        npmCiIfNeeded();
        work = Files.createTempDirectory("rowcast-capture-bench-");
        Runtime.getRuntime().addShutdownHook(new Thread(CaptureBench::deleteWork));
        // a copy: a rebuild of the agent during the run must not change or remove the jar under test
        agentJar = Files.copy(agentJar, work.resolve("rowcast-agent.jar"));
        long cpu0 = ownCpuNanos();
        long wall0 = System.nanoTime();
        System.out.printf("[capture-bench] java %s (%s), agent %s; %d cores; load average %s%n", JAVA,
                System.getProperty("java.version"), agentJar, Runtime.getRuntime().availableProcessors(), loadAverage());
        if (ONLY.equals("toggle")) {
            toggleBench();
        } else {
            if (!ONLY.equals("latency")) {
                insertBench();
            }
            if (!ONLY.equals("insert")) {
                latencyBench();
            }
        }
        System.out.printf("%n[capture-bench] done in %.0f s; load average %s; this harness used %.1f%% of one core%n",
                (System.nanoTime() - wall0) / 1e9, loadAverage(), 100.0 * (ownCpuNanos() - cpu0) / (System.nanoTime() - wall0));
    }

    // ---- (a) insert throughput ----

    private static void insertBench() throws Exception {
        List<String> workloads = List.of(WORKLOADS.split(","));
        System.out.printf("%n[capture-bench] insert throughput: %s on %s; %d rounds of %d interleaved child JVMs"
                + " (each runs every database); %.1f s warm-up + %.1f s measured per workload, database and run%n", workloads, DBS, ROUNDS,
                MODES.size(), WARM_UP, SECONDS);
        // results.get(db).get(mode).get(workload)[round]; null where a run failed
        Map<String, Map<String, Map<String, Insert[]>>> results = new LinkedHashMap<>();
        Postgres postgres = DBS.contains("pg") ? Postgres.start() : null;
        try {
            List<String> databases = databases(postgres);
            for (int round = 0; round < ROUNDS; round++) {
                for (int k = 0; k < MODES.size(); k++) {
                    String mode = MODES.get((k + round) % MODES.size());
                    System.out.printf("[capture-bench] round %d/%d, %s (load average %s)%n", round + 1, ROUNDS, mode, loadAverage());
                    Map<String, Insert> run;
                    try {
                        run = insertRun(databases, mode, workloads);
                    } catch (Exception e) {
                        System.out.println("[capture-bench]   this run failed and is left out: " + e.getMessage());
                        run = Map.of();
                    }
                    for (String db : DBS) {
                        for (String workload : workloads) {
                            results.computeIfAbsent(db, d -> new LinkedHashMap<>()).computeIfAbsent(mode, m -> new LinkedHashMap<>())
                                    .computeIfAbsent(workload, w -> new Insert[ROUNDS])[round] = run.get(db + " " + workload);
                        }
                    }
                }
            }
        } finally {
            stop(postgres);
        }
        insertReport(results, workloads);
    }

    /** Embedded PostgreSQL in a process of its own (its defaults, fsync off), and its JDBC URL. */
    private record Postgres(LineChild process, String url) {
        static Postgres start() throws Exception {
            String slf4j = Files.readString(target.resolve("capture-classpath-postgres.txt")).trim();
            LineChild process = child("postgres", List.of(JAVA, "-cp", appClasspath + File.pathSeparator + slf4j, PostgresMain.class.getName()));
            return new Postgres(process, "jdbc:postgresql://127.0.0.1:" + process.await("PORT", Duration.ofSeconds(120))[1] + "/postgres");
        }
    }

    private static void stop(Postgres postgres) throws InterruptedException {
        if (postgres != null) {
            postgres.process().closeStdin(); // PostgresMain then stops the server; killing it first would orphan postgres
            postgres.process().awaitExit(Duration.ofSeconds(30));
        }
    }

    /** The command of an InsertApp child: {@code options} (the agent's, say), the child JVM's, the workloads and databases. */
    private static List<String> insertApp(List<String> options, List<String> workloads, List<String> databases) {
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(options);
        command.addAll(CHILD_JVM);
        command.addAll(List.of("-cp", appClasspath, InsertApp.class.getName(), "" + WARM_UP, "" + SECONDS, String.join(",", workloads)));
        command.addAll(databases);
        return command;
    }

    /**
     * InsertApp's agent config: its entity and its table, each row to its owner's room. With
     * {@code -Dcapture.tables=false} the entity alone, as a Hibernate app's config names it: the agent
     * then installs no JDBC hooks, and the JDBC workloads capture nothing: against no agent they
     * measure the agent's presence alone, and their rows are not held against its counters.
     */
    private static Path insertConfig(String file, int port) throws IOException {
        String rows = TABLES ? "  rows: { table: bench_row, room: \"owner:{owner}\" }\n" : "";
        return Files.writeString(work.resolve(file), """
                server: { host: 127.0.0.1, port: %d }
                collections:
                  items: { entity: BenchItem, room: "owner:{owner}" }
                """.formatted(port) + rows);
    }

    /** InsertApp's database arguments: name, JDBC URL, user, password for each of {@code capture.dbs}. */
    private static List<String> databases(Postgres postgres) {
        List<String> databases = new ArrayList<>();
        for (String db : DBS) {
            databases.addAll(db.equals("pg") ? List.of("pg", postgres.url(), "postgres", "")
                    : List.of("h2", "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1", "sa", ""));
        }
        return databases;
    }

    /** One child JVM that measures every workload on every database; keys are "db workload". */
    private static Map<String, Insert> insertRun(List<String> databases, String mode, List<String> workloads) throws Exception {
        boolean agent = !mode.equals(MODES.get(0));
        boolean client = mode.equals("agent + 1 client");
        int port = freePort();
        List<String> command = insertApp(agent ? List.of("-javaagent:" + agentJar + "=config=" + insertConfig("insert-rowcast.yml", port))
                : List.of(), workloads, databases);
        int measurements = workloads.size() * databases.size() / 4;
        try (LineChild app = child("insert-app", command)) {
            app.await("READY", Duration.ofSeconds(120));
            LineChild listener = null;
            try {
                if (client) {
                    awaitSocketIo(port);
                    List<String> node = new ArrayList<>(List.of("node", "capture-client.mjs", "" + port));
                    for (int owner = 0; owner < CLIENT_ROOMS; owner++) {
                        node.add("owner:" + owner);
                    }
                    listener = child("capture-client", node);
                    listener.await("JOINED", Duration.ofSeconds(60));
                }
                app.send("go");
                Map<String, Insert> run = new LinkedHashMap<>();
                Duration budget = Duration.ofSeconds((long) (measurements * (WARM_UP + SECONDS + 30)) + 60);
                for (int k = 0; k < measurements; k++) {
                    String[] r = app.await("RESULT", budget);
                    String[] threads = app.await("THREADS", budget);
                    System.out.printf("[capture-bench]   %s %s, CPU ms by thread: %s%n", r[1], r[2], threads.length > 3 ? threads[3] : "(not on Linux)");
                    run.put(r[1] + " " + r[2], new Insert(Long.parseLong(r[3]), Long.parseLong(r[4]), Long.parseLong(r[5]), Long.parseLong(r[6]),
                            Long.parseLong(r[7])));
                }
                String[] agentLine = app.await("AGENT", budget);
                String counters = String.join(" ", Arrays.copyOfRange(agentLine, 1, agentLine.length));
                long total = Long.parseLong(app.await("TOTAL", budget)[1]);
                app.await("DONE", budget);
                // the figures only count when the agent accounted for every row (and the client got every emitted one)
                long emitted = agent ? Long.parseLong(counters.replaceAll(".*emitted=(\\d+).*", "$1")) : 0;
                long dropped = agent ? Long.parseLong(counters.replaceAll(".*dropped=(\\d+).*", "$1")) : 0;
                // without the table's rule, a JDBC loop's rows are of no interest to the agent: its hooks' presence alone is measured
                boolean accounted = TABLES || workloads.stream().noneMatch(w -> w.startsWith("jdbc"));
                if (agent && accounted && emitted + dropped != total) {
                    throw new IllegalStateException("the agent did not account for every row: " + counters + " of " + total + " rows");
                }
                if (dropped > 0) {
                    System.out.printf("[capture-bench]   WARNING: the agent dropped %d of %d rows (%.1f%%): its queue was full, the pipeline"
                            + " could not keep up with this app; the figures of this run are those of an agent shedding load%n",
                            dropped, total, 100.0 * dropped / total);
                    SHED.add(String.format("%s: %d of %d rows dropped (%.1f%%)", mode, dropped, total, 100.0 * dropped / total));
                }
                if (!agent && !counters.equals("none")) {
                    throw new IllegalStateException("the run without the agent has one: " + counters);
                }
                if (listener != null) {
                    // row n (of every workload, warm-ups included) belongs to owner n % 16; the client is in the first CLIENT_ROOMS owners' rooms
                    long expected = 0;
                    for (int owner = 0; owner < CLIENT_ROOMS; owner++) {
                        expected += total / OWNERS + (owner < total % OWNERS ? 1 : 0);
                    }
                    long received = awaitCount(listener, expected, Duration.ofSeconds(30));
                    if (received != expected || dropped > 0) {
                        throw new IllegalStateException("the client received " + received + " of the " + expected + " events for its rooms");
                    }
                    counters += ", client received " + received;
                }
                System.out.printf("[capture-bench]   %d rows; %s%n", total, counters);
                app.send("quit");
                return run;
            } finally {
                if (listener != null) {
                    listener.close();
                }
            }
        }
    }

    // ---- (a') insert throughput, capture on against off inside one JVM ----

    /**
     * One child JVM per round with the agent, switching capture on and off through its MBean in
     * alternating pairs of windows (see InsertApp#toggled): the JVM-to-JVM spread of this machine
     * (up to 20% for the same app) then cancels out, and what is left is what capture costs. An
     * agent switched off still has its hooks in place, so this leaves out what the dormant hooks
     * cost; the interleaved runs of {@code capture.only=insert} hold those against no agent at all.
     */
    private static void toggleBench() throws Exception {
        List<String> workloads = List.of(WORKLOADS.split(","));
        System.out.printf("%n[capture-bench] capture on against off in one JVM: %s on %s; %d rounds (a JVM each); %.1f s warm-up,"
                + " then %d pairs of %.1f s windows per workload, %d ms unmeasured after each switch%n", workloads, DBS, ROUNDS, WARM_UP,
                TOGGLE_PAIRS, SECONDS, TOGGLE_SWITCH_MILLIS);
        Map<String, List<double[]>> results = new LinkedHashMap<>(); // "db workload" -> per round {ratio, app us/row off, on}
        Postgres postgres = DBS.contains("pg") ? Postgres.start() : null;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                toggleRound(round, workloads, databases(postgres), results);
            }
        } finally {
            stop(postgres);
        }
        System.out.printf("%n## Capture on against off in one JVM (%d rounds of %d pairs; ratio = rows/s on / rows/s off)%n%n", ROUNDS, TOGGLE_PAIRS);
        System.out.println("Rounds: each JVM's ratio over all its windows; pairs: the median of every pair's ratio, with a 90% bootstrap");
        System.out.println("interval of that median (" + RESAMPLES + " resamples of whole JVMs: one JVM's pairs share its JIT's luck, so resampling");
        System.out.println("pairs alone would claim more certainty than the JVMs give; with one JVM, its pairs); JVMs: the geometric mean of");
        System.out.println("each JVM's pairs, averaged over the JVMs, with its standard error; CPU: medians over rounds, the pipeline's share of");
        System.out.println("the process's in brackets.");
        System.out.println();
        System.out.println("| database | workload | ratio, median of rounds | rounds | ratio, median of pairs (90% interval) | JVMs' geometric mean (SE)"
                + " | app thread CPU us/row, off -> on | process CPU us/row, off -> on (pipeline) |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (var entry : results.entrySet()) {
            double[] ratios = entry.getValue().stream().mapToDouble(r -> r[0]).toArray();
            double[] pairs = PAIR_RATIOS.get(entry.getKey()).stream().mapToDouble(Double::doubleValue).toArray();
            List<double[]> jvms = JVM_PAIR_RATIOS.get(entry.getKey());
            double[] interval = jvms.size() > 1 ? jvmMedianInterval(jvms) : medianInterval(pairs);
            double[] byJvm = meanOfJvms(jvms);
            System.out.printf("| %s | %.3f | %s | %.3f (%.3f to %.3f) | %.3f (%s) | %.2f -> %.2f | %.2f -> %.2f (%.2f) |%n",
                    entry.getKey().replace(" ", " | "), median(ratios), list(ratios), median(pairs), interval[0], interval[1], byJvm[0],
                    jvms.size() > 1 ? String.format("%.3f", byJvm[1]) : "one JVM", median(column(entry.getValue(), 1)),
                    median(column(entry.getValue(), 2)), median(column(entry.getValue(), 3)), median(column(entry.getValue(), 4)),
                    median(column(entry.getValue(), 5)));
        }
        System.out.printf("%nPairs whose two windows both had under %.0f%% steal (the host taking this machine's cores), median ratio:%n", CALM_STEAL * 100);
        for (var entry : CALM_PAIR_RATIOS.entrySet()) {
            double[] calm = entry.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            if (calm.length == 0) {
                System.out.printf("- %s: none of %d pairs%n", entry.getKey(), PAIR_RATIOS.get(entry.getKey()).size());
                continue;
            }
            double[] interval = medianInterval(calm);
            System.out.printf("- %s: %.3f (%.3f to %.3f), %d of %d pairs%n", entry.getKey(), median(calm), interval[0], interval[1], calm.length,
                    PAIR_RATIOS.get(entry.getKey()).size());
        }
        System.out.println();
        System.out.println("Every pair corrected for the host's steal (times (1 - off's steal) / (1 - on's); only where the workload keeps every core busy,");
        System.out.println("as PostgreSQL with four inserting threads does), median ratio:");
        for (var entry : STEAL_CORRECTED_PAIR_RATIOS.entrySet()) {
            double[] corrected = entry.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            if (corrected.length > 0 && entry.getKey().startsWith("pg ")) {
                double[] interval = medianInterval(corrected);
                System.out.printf("- %s: %.3f (%.3f to %.3f), %d pairs%n", entry.getKey(), median(corrected), interval[0], interval[1], corrected.length);
            }
        }
        System.out.println();
        System.out.println("The machine's CPU time per row (every process, the database's included), off over on: the rate at equal CPU. Median ratio:");
        for (var entry : MACHINE_CPU_PAIR_RATIOS.entrySet()) {
            double[] cpu = entry.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            if (cpu.length > 0) {
                double[] interval = medianInterval(cpu);
                System.out.printf("- %s: %.3f (%.3f to %.3f), %d pairs%n", entry.getKey(), median(cpu), interval[0], interval[1], cpu.length);
            }
        }
    }

    /** Every toggle pair's ratio, by "db workload", over all rounds. */
    private static final Map<String, List<Double>> PAIR_RATIOS = new LinkedHashMap<>();
    /** The same pairs, by "db workload", one array per round (JVM). */
    private static final Map<String, List<double[]>> JVM_PAIR_RATIOS = new LinkedHashMap<>();
    /** The ratios of the pairs whose two windows both had the host take less than {@link #CALM_STEAL} of the machine's CPU time. */
    private static final Map<String, List<Double>> CALM_PAIR_RATIOS = new LinkedHashMap<>();
    private static final double CALM_STEAL = 0.02;
    /**
     * Every pair's ratio times (1 - the off window's steal) / (1 - the on window's): with every core
     * busy (PostgreSQL with four inserting threads), a window's rate follows the CPU time the host
     * leaves the machine. Not for a workload that leaves a core idle (H2 with one thread).
     */
    private static final Map<String, List<Double>> STEAL_CORRECTED_PAIR_RATIOS = new LinkedHashMap<>();
    /**
     * Every pair's CPU time per row off over on, of the whole machine (the database's processes
     * included; neither the host's steal nor idle time counts): the rate the app would have at
     * equal CPU. Blind to what makes the machine idle (a lock convoy), which the busy shares show.
     */
    private static final Map<String, List<Double>> MACHINE_CPU_PAIR_RATIOS = new LinkedHashMap<>();
    private static final int RESAMPLES = 2_000;

    /** A 90% bootstrap interval of the median of {@code values}. */
    private static double[] medianInterval(double[] values) {
        Random random = new Random(1);
        double[] medians = new double[RESAMPLES];
        double[] sample = new double[values.length];
        for (int i = 0; i < RESAMPLES; i++) {
            for (int k = 0; k < sample.length; k++) {
                sample[k] = values[random.nextInt(values.length)];
            }
            medians[i] = median(sample);
        }
        Arrays.sort(medians);
        return new double[] {medians[RESAMPLES / 20], medians[RESAMPLES - 1 - RESAMPLES / 20]};
    }

    /**
     * A 90% bootstrap interval of the median of all pairs, resampling whole JVMs: each resample
     * draws as many JVMs as there were, with replacement, and pools their pairs.
     */
    private static double[] jvmMedianInterval(List<double[]> jvms) {
        Random random = new Random(1);
        double[] medians = new double[RESAMPLES];
        for (int i = 0; i < RESAMPLES; i++) {
            List<double[]> drawn = new ArrayList<>(jvms.size());
            for (int k = 0; k < jvms.size(); k++) {
                drawn.add(jvms.get(random.nextInt(jvms.size())));
            }
            medians[i] = median(drawn.stream().flatMapToDouble(Arrays::stream).toArray());
        }
        Arrays.sort(medians);
        return new double[] {medians[RESAMPLES / 20], medians[RESAMPLES - 1 - RESAMPLES / 20]};
    }

    /**
     * The geometric mean of each JVM's pairs, averaged (in logs) over the JVMs, and its standard
     * error from the JVMs' spread (NaN with one JVM): the JVM, not the pair, is the unit that varies.
     */
    private static double[] meanOfJvms(List<double[]> jvms) {
        double[] logs = new double[jvms.size()];
        for (int k = 0; k < logs.length; k++) {
            logs[k] = Arrays.stream(jvms.get(k)).map(Math::log).average().orElse(Double.NaN);
        }
        double mean = Arrays.stream(logs).average().orElse(Double.NaN);
        double spread = Math.sqrt(Arrays.stream(logs).map(x -> (x - mean) * (x - mean)).sum() / (logs.length - 1));
        return new double[] {Math.exp(mean), Math.exp(mean) * spread / Math.sqrt(logs.length)};
    }

    private static double[] column(List<double[]> rows, int k) {
        return rows.stream().mapToDouble(r -> r[k]).toArray();
    }

    /** One child JVM of {@link #toggleBench}: every workload on every database. */
    private static void toggleRound(int round, List<String> workloads, List<String> databases, Map<String, List<double[]>> results)
            throws Exception {
        System.out.printf("[capture-bench] round %d/%d (load average %s)%n", round + 1, ROUNDS, loadAverage());
        List<String> options = new ArrayList<>(List.of("-javaagent:" + agentJar + "=config=" + insertConfig("toggle-rowcast.yml", freePort()),
                "-Dinsert.togglePairs=" + TOGGLE_PAIRS, "-Dinsert.toggleSwitchMillis=" + TOGGLE_SWITCH_MILLIS));
        Path jitLog = work.resolve("jit-round" + (round + 1) + ".log");
        if (JIT_LOG) {
            options.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+LogCompilation", "-XX:LogFile=" + jitLog, "-Dinsert.windowTimes=true"));
        }
        List<String> command = insertApp(options, workloads, databases);
        int measurements = workloads.size() * databases.size() / 4;
        Map<String, List<JitWindows.Window>> windows = new LinkedHashMap<>();
        try (LineChild app = child("insert-app", command)) {
            app.await("READY", Duration.ofSeconds(120));
            app.send("go");
            Duration budget = Duration.ofSeconds((long) (measurements * (WARM_UP + 2 * TOGGLE_PAIRS * (SECONDS + 1) + 30)) + 60);
            for (int k = 0; k < measurements; k++) {
                String[] p = app.await("PAIRS", budget);
                List<Double> pairRatios = PAIR_RATIOS.computeIfAbsent(p[1] + " " + p[2], w -> new ArrayList<>());
                double[] thisJvm = new double[p.length - 3];
                for (int i = 3; i < p.length; i++) {
                    thisJvm[i - 3] = Double.parseDouble(p[i]);
                    pairRatios.add(thisJvm[i - 3]);
                }
                JVM_PAIR_RATIOS.computeIfAbsent(p[1] + " " + p[2], w -> new ArrayList<>()).add(thisJvm);
                System.out.printf("[capture-bench]   %s %s, pairs: %s%n", p[1], p[2], String.join(" ", Arrays.copyOfRange(p, 3, p.length)));
                String[] st = app.await("STEAL", budget);
                List<Double> calm = CALM_PAIR_RATIOS.computeIfAbsent(p[1] + " " + p[2], w -> new ArrayList<>());
                List<Double> corrected = STEAL_CORRECTED_PAIR_RATIOS.computeIfAbsent(p[1] + " " + p[2], w -> new ArrayList<>());
                double logSum = 0;
                int correctedHere = 0;
                StringBuilder shown = new StringBuilder();
                for (int i = 3; i < st.length && i < p.length; i++) {
                    String[] onOff = st[i].split("/");
                    double stealOn = Double.parseDouble(onOff[0]);
                    double stealOff = Double.parseDouble(onOff[1]);
                    shown.append(String.format(" %.1f/%.1f", stealOn * 100, stealOff * 100));
                    if (stealOn < CALM_STEAL && stealOff < CALM_STEAL) {
                        calm.add(Double.parseDouble(p[i]));
                    }
                    double pairCorrected = Double.parseDouble(p[i]) * (1 - stealOff) / (1 - stealOn);
                    corrected.add(pairCorrected);
                    logSum += Math.log(pairCorrected);
                    correctedHere++;
                }
                // the correction holds only where the workload keeps every core busy: PostgreSQL's four threads, not H2's one
                System.out.printf("[capture-bench]   %s %s, the host's steal in each pair's windows, on/off %%:%s%s%n", p[1], p[2], shown,
                        p[1].equals("pg") ? String.format("; pairs corrected for it, geometric mean %.3f", Math.exp(logSum / Math.max(1, correctedHere))) : "");
                String[] machine = app.await("MACHINE", budget);
                List<Double> cpuRatios = MACHINE_CPU_PAIR_RATIOS.computeIfAbsent(p[1] + " " + p[2], w -> new ArrayList<>());
                StringBuilder busyShown = new StringBuilder();
                double cpuLogSum = 0;
                int cpuCounted = 0;
                for (int i = 3; i < machine.length; i++) {
                    String[] f = machine[i].split("/");
                    double cpuRatio = Double.parseDouble(f[0]);
                    if (!(cpuRatio > 0 && cpuRatio < Double.POSITIVE_INFINITY)) {
                        continue; // a window without CPU time read (no /proc/stat): no figure
                    }
                    cpuRatios.add(cpuRatio);
                    cpuLogSum += Math.log(cpuRatio);
                    cpuCounted++;
                    busyShown.append(String.format(" %.3f (%.0f/%.0f)", cpuRatio, Double.parseDouble(f[1]) * 100, Double.parseDouble(f[2]) * 100));
                }
                System.out.printf("[capture-bench]   %s %s, the machine's CPU per row, off / on (busy %% on/off):%s; geometric mean %.3f%n", p[1], p[2],
                        busyShown, Math.exp(cpuLogSum / Math.max(1, cpuCounted)));
                String[] perThread = app.await("PERTHREAD", budget);
                System.out.printf("[capture-bench]   %s %s, CPU us/row per thread, on/off: %s%n", p[1], p[2],
                        perThread.length > 3 ? perThread[3].replace(",", ", ") : "(not read)");
                String[] allocated = app.await("ALLOCATED", budget);
                System.out.printf("[capture-bench]   %s %s, bytes allocated per row, on/off: %s%n", p[1], p[2],
                        allocated.length > 3 ? allocated[3].replace(",", ", ") : "(not read)");
                String[] collector = app.await("COLLECTOR", budget);
                System.out.printf("[capture-bench]   %s %s, collections a second, on/off: %s; their time, %% of the windows', on/off: %s%n",
                        p[1], p[2], collector[3], collector[4]);
                String[] waited = app.await("WAITED", budget);
                System.out.printf("[capture-bench]   %s %s, the app thread's wait for a core, %% of the windows', on/off: %s;"
                        + " switched out while runnable, a second, on/off: %s; its CPU in the kernel, %% of the windows', on/off: %s%n",
                        p[1], p[2], waited[3], waited[4], waited.length > 5 ? waited[5] : "(not read)");
                if (JIT_LOG) {
                    String[] w = app.await("WINDOWS", budget);
                    windows.put(w[1] + " " + w[2], Arrays.stream(w, 3, w.length).map(JitWindows.Window::parse).toList());
                }
                String[] t = app.await("TOGGLE", budget);
                double on = Long.parseLong(t[3]) / (Long.parseLong(t[4]) / 1e9);
                double off = Long.parseLong(t[6]) / (Long.parseLong(t[7]) / 1e9);
                double cpuOn = Long.parseLong(t[5]) / 1e3 / Long.parseLong(t[3]);
                double cpuOff = Long.parseLong(t[8]) / 1e3 / Long.parseLong(t[6]);
                double processOn = Long.parseLong(t[10]) / 1e3 / Long.parseLong(t[3]);
                double processOff = Long.parseLong(t[11]) / 1e3 / Long.parseLong(t[6]);
                double pipeline = Long.parseLong(t[12]) / 1e3 / Long.parseLong(t[3]);
                // the share of the windows' wall time the app's thread ran: what its CPU per row cannot show (waiting for a core, a pause)
                double runningOn = Long.parseLong(t[5]) / (double) Long.parseLong(t[4]);
                double runningOff = Long.parseLong(t[8]) / (double) Long.parseLong(t[7]);
                System.out.printf("[capture-bench]   %s %s: on %.0f rows/s, off %.0f rows/s, ratio %.3f; app thread %.2f -> %.2f us/row,"
                        + " running %.1f%% -> %.1f%% of the time; process %.2f -> %.2f us/row, of which the agent's pipeline %.2f%n",
                        t[1], t[2], on, off, on / off, cpuOff, cpuOn, runningOff * 100, runningOn * 100, processOff, processOn, pipeline);
                results.computeIfAbsent(t[1] + " " + t[2], w -> new ArrayList<>())
                        .add(new double[] {on / off, cpuOff, cpuOn, processOff, processOn, pipeline});
            }
            String[] agentLine = app.await("AGENT", budget);
            String counters = String.join(" ", Arrays.copyOfRange(agentLine, 1, agentLine.length));
            long total = Long.parseLong(app.await("TOTAL", budget)[1]);
            app.await("DONE", budget);
            long emitted = Long.parseLong(counters.replaceAll(".*emitted=(\\d+).*", "$1"));
            long dropped = Long.parseLong(counters.replaceAll(".*dropped=(\\d+).*", "$1"));
            System.out.printf("[capture-bench]   %d rows inserted with capture on; %s%n", total, counters);
            if (emitted + dropped != total) {
                System.out.println("[capture-bench]   WARNING: the agent did not account for every row inserted while on");
            }
            app.send("quit");
            if (JIT_LOG) {
                app.awaitExit(Duration.ofSeconds(30)); // the JVM writes its JIT log whole as it exits
            }
        }
        for (var entry : windows.entrySet()) {
            JitWindows.print(jitLog, entry.getKey(), entry.getValue());
        }
    }

    private static void insertReport(Map<String, Map<String, Map<String, Insert[]>>> results, List<String> workloads) {
        System.out.printf("%n## Insert throughput with the agent against the same app without it (%d rounds, median)%n%n", ROUNDS);
        System.out.println("Ratio = rows/s with the agent / rows/s without, taken per round (interleaved runs), median over rounds;");
        System.out.println("+µs/row = 1/rate with - 1/rate without (wall clock of the app thread); CPU µs/row = the whole process's CPU");
        System.out.println("(app, agent and server threads, including the agent catching up after the window) per row; app thread CPU µs/row =");
        System.out.println("the CPU time of the inserting thread alone per row (what the advice and the hand-off cost the app; time spent waiting");
        System.out.println("for a core is not in it), with the ratio without/with in brackets. Target: ratio >= 0.98.");
        System.out.println();
        String sides = MODES.size() == 3 ? "without / no client / client" : "without / no client";
        System.out.println("| database | workload | " + String.join(" | ", MODES) + " | CPU µs/row " + sides
                + " | app thread CPU µs/row " + sides + " |");
        System.out.println("|" + " --- |".repeat(MODES.size() + 4));
        for (var byDb : results.entrySet()) {
            Map<String, Map<String, Insert[]>> modes = byDb.getValue();
            for (String workload : workloads) {
                Insert[] plain = modes.get(MODES.get(0)).get(workload);
                StringBuilder row = new StringBuilder("| " + byDb.getKey() + " | " + workload + " | ");
                double plainRate = median(Arrays.stream(plain).filter(i -> i != null).mapToDouble(Insert::rowsPerSecond).toArray());
                row.append(String.format("%,.0f rows/s | ", plainRate));
                StringBuilder cpu = new StringBuilder(String.format("%.1f",
                        median(Arrays.stream(plain).filter(i -> i != null).mapToDouble(Insert::cpuMicrosPerRow).toArray())));
                double plainApp = median(Arrays.stream(plain).filter(i -> i != null).mapToDouble(Insert::appCpuMicrosPerRow).toArray());
                StringBuilder app = new StringBuilder(String.format("%.2f", plainApp));
                for (String mode : MODES.subList(1, MODES.size())) {
                    Insert[] with = modes.get(mode).get(workload);
                    List<Double> paired = new ArrayList<>();
                    for (int k = 0; k < with.length; k++) {
                        if (with[k] != null && plain[k] != null) {
                            paired.add(with[k].rowsPerSecond() / plain[k].rowsPerSecond());
                        }
                    }
                    double[] ratios = paired.stream().mapToDouble(Double::doubleValue).toArray();
                    double rate = median(Arrays.stream(with).filter(i -> i != null).mapToDouble(Insert::rowsPerSecond).toArray());
                    double ratio = median(ratios);
                    row.append(String.format("%,.0f rows/s, **%.3f** %s, %+.2f µs/row (rounds %s) | ", rate, ratio, ratio >= 0.98 ? "met" : "not met",
                            1e6 / rate - 1e6 / plainRate, list(ratios)));
                    cpu.append(String.format(" / %.1f", median(Arrays.stream(with).filter(i -> i != null).mapToDouble(Insert::cpuMicrosPerRow).toArray())));
                    double withApp = median(Arrays.stream(with).filter(i -> i != null).mapToDouble(Insert::appCpuMicrosPerRow).toArray());
                    app.append(String.format(" / %.2f (%.3f)", withApp, plainApp / withApp));
                }
                System.out.println(row.append(cpu).append(" | ").append(app).append(" |"));
            }
        }
        if (!SHED.isEmpty()) {
            System.out.println();
            System.out.println("Runs in which the agent's queue overflowed (it shed load; their ratios flatter it): " + String.join("; ", SHED));
        }
        System.out.printf("%n[capture-bench] load average %s%n", loadAverage());
    }

    // ---- (b) commit -> client latency ----

    /** One side's run; {@code committedAt[i]} is the monotonic time the event of {@code micros[i]} was committed (or emitted). */
    private record Latency(String side, double[] micros, double[] preCommitMicros, long lost, long maxLagMicros,
                           double serverCpu, double clientCpu, String error, long[] committedAt) {
        Latency(String side, String error) {
            this(side, null, null, 0, 0, 0, 0, error, null);
        }
    }

    private static void latencyBench() throws Exception {
        int warmUp = (int) (RATE * LATENCY_WARM_UP);
        int events = warmUp + (int) (RATE * LATENCY_SECONDS);
        System.out.printf("%n[capture-bench] latency: %,d events/s over %,d clients (one room each), %.0f s warm-up + %.0f s measured per side"
                + " and run, %d run(s) per side%n", RATE, CLIENTS, LATENCY_WARM_UP, LATENCY_SECONDS, LATENCY_RUNS);
        List<String> order = List.of("capture", "api", "node");
        Map<String, List<Latency>> runs = new LinkedHashMap<>();
        for (String side : order) {
            runs.put(side, new ArrayList<>());
        }
        for (int run = 1; run <= LATENCY_RUNS; run++) {
            for (String side : order) {
                if (LATENCY_SIDES.contains(side)) {
                    if (LATENCY_RUNS > 1) {
                        System.out.printf("[capture-bench] run %d of %d%n", run, LATENCY_RUNS);
                    }
                    runs.get(side).add(latencyRun(side, warmUp, events));
                }
            }
        }
        System.out.printf("%n## Commit -> client latency: %,d rows/s, one row per transaction, %,d clients each in its own room (user:{user_id})%n%n",
                RATE, CLIENTS);
        System.out.println("Latency = receive time at the client (Node process.hrtime) - the time commit() returned in the app (Java System.nanoTime);");
        System.out.println("both read CLOCK_MONOTONIC, so they compare directly. Target: p99 < 5 ms for capture.");
        System.out.println();
        System.out.println("| side | p50 | p90 | p99 | p99.9 | max | lost | app behind schedule, max | app+server CPU | load generator CPU |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        Map<String, Latency> pooled = new LinkedHashMap<>();
        for (String side : order) {
            String name = switch (side) {
                case "capture" -> "Rowcast capture (JDBC commit -> agent -> client)";
                case "api" -> "peer: Rowcast.to(room).emit after commit (no capture)";
                default -> "peer: Node socket.io 4.8.4 io.to(room).emit";
            };
            List<Latency> done = runs.get(side);
            if (done.isEmpty()) {
                done = List.of(new Latency(side, "skipped (-Dlatency.sides)"));
            }
            for (int k = 0; k < done.size(); k++) {
                printLatencyRow(done.size() > 1 ? name + ", run " + (k + 1) : name, done.get(k));
            }
            Latency all = pool(side, done);
            pooled.put(side, all);
            if (done.size() > 1) {
                printLatencyRow("**" + name + ", " + done.size() + " runs pooled**", all);
            }
        }
        Latency capture = pooled.get("capture");
        Latency api = pooled.get("api");
        Latency node = pooled.get("node");
        if (capture.error() == null && api.error() == null) {
            System.out.printf("%nCapture's share: p50 %+.0f µs, p99 %+.0f µs against the API peer (ratio p50 %.2fx, p99 %.2fx).%n",
                    percentile(capture.micros(), 50) - percentile(api.micros(), 50), percentile(capture.micros(), 99) - percentile(api.micros(), 99),
                    percentile(capture.micros(), 50) / percentile(api.micros(), 50), percentile(capture.micros(), 99) / percentile(api.micros(), 99));
        }
        if (capture.error() == null) {
            List<Latency> done = runs.get("capture");
            long under = done.stream().filter(l -> l.error() == null && percentile(l.micros(), 99) < 5_000).count();
            System.out.printf("%nTarget p99 < 5 ms: %s (%.2f ms%s).%n", percentile(capture.micros(), 99) < 5_000 ? "met" : "not met",
                    percentile(capture.micros(), 99) / 1000, done.size() > 1 ? " over all runs' events; " + under + " of " + done.size() + " runs under it" : "");
        }
        if (!UNFROZEN_MICROS.isEmpty()) {
            System.out.println();
            System.out.println("Over the events whose way from commit to client overlapped no freeze of a CPU (a 1 ms sleep of a process pinned to it");
            System.out.println("ending 3 ms late or more), all runs:");
            for (var entry : UNFROZEN_MICROS.entrySet()) {
                double[] unfrozen = entry.getValue().stream().flatMapToDouble(Arrays::stream).toArray();
                System.out.printf("- %s: %,d events, p50 %s, p99 %s, p99.9 %s%n", entry.getKey(), unfrozen.length, ms(unfrozen, 50), ms(unfrozen, 99),
                        ms(unfrozen, 99.9));
            }
        }
        if (capture.error() == null && node.error() == null) {
            System.out.println();
            System.out.printf("Against Node socket.io: ratio p50 %.2fx, p99 %.2fx (Rowcast capture / Node).%n",
                    percentile(capture.micros(), 50) / percentile(node.micros(), 50), percentile(capture.micros(), 99) / percentile(node.micros(), 99));
        }
        System.out.printf("[capture-bench] load average %s%n", loadAverage());
    }

    private static void printLatencyRow(String name, Latency l) {
        if (l.error() != null) {
            System.out.printf("| %s | failed: %s | | | | | | | | |%n", name, l.error());
            return;
        }
        System.out.printf("| %s | %s | %s | %s | %s | %s | %d | %,d µs | %.0f%% | %.0f%% |%n", name, ms(l.micros(), 50), ms(l.micros(), 90),
                ms(l.micros(), 99), ms(l.micros(), 99.9), ms(l.micros(), 100), l.lost(), l.maxLagMicros(), l.serverCpu() * 100, l.clientCpu() * 100);
        if (l.side().equals("capture")) {
            double[] pre = l.preCommitMicros();
            System.out.printf("| (capture, stamped before executeUpdate instead) | %s | %s | %s | %s | %s | | | | |%n",
                    ms(pre, 50), ms(pre, 90), ms(pre, 99), ms(pre, 99.9), ms(pre, 100));
        }
    }

    /** The runs of one side as one: every measured event, the worst lag, the mean CPU; failed if any run failed. */
    private static Latency pool(String side, List<Latency> runs) {
        if (runs.size() == 1) {
            return runs.get(0);
        }
        for (Latency l : runs) {
            if (l.error() != null) {
                return new Latency(side, "a run failed: " + l.error());
            }
        }
        double[] micros = runs.stream().flatMapToDouble(l -> Arrays.stream(l.micros())).toArray();
        double[] pre = runs.stream().flatMapToDouble(l -> Arrays.stream(l.preCommitMicros())).toArray();
        long[] committed = runs.stream().flatMapToLong(l -> Arrays.stream(l.committedAt())).toArray();
        return new Latency(side, micros, pre, runs.stream().mapToLong(Latency::lost).sum(), runs.stream().mapToLong(Latency::maxLagMicros).max().orElse(0),
                runs.stream().mapToDouble(Latency::serverCpu).average().orElse(0), runs.stream().mapToDouble(Latency::clientCpu).average().orElse(0), null,
                committed);
    }

    private static Latency latencyRun(String side, int warmUp, int events) {
        System.out.printf("[capture-bench] latency: %s (load average %s)%n", side, loadAverage());
        Path stamps = work.resolve("stamps-" + side + ".txt");
        Path received = work.resolve("received-" + side + ".txt");
        try {
            int port;
            List<String> command;
            if (side.equals("node")) {
                command = List.of("node", "latency-server.mjs");
                port = 0;
            } else {
                port = freePort();
                Path config = Files.writeString(work.resolve("latency-rowcast.yml"), """
                        server: { host: 127.0.0.1, port: %d, recovery: { enabled: %b } }
                        collections:
                          events: { table: bench_event, room: "user:{user_id}" }
                        """.formatted(port, LATENCY_RECOVERY));
                command = new ArrayList<>(List.of(JAVA, "-javaagent:" + agentJar + "=config=" + config));
                command.addAll(CHILD_JVM);
                command.addAll(List.of("-cp", appClasspath, LatencyApp.class.getName(), side, "jdbc:h2:mem:latency;DB_CLOSE_DELAY=-1",
                        "" + RATE, "" + events, "" + CLIENTS, stamps.toString()));
            }
            try (LineChild server = child(side.equals("node") ? "latency-server" : "latency-app", command)) {
                if (side.equals("node")) {
                    port = Integer.parseInt(server.await("PORT", Duration.ofSeconds(60))[1]);
                } else {
                    server.await("READY", Duration.ofSeconds(120));
                    awaitSocketIo(port);
                }
                try (LineChild clients = child("latency-client", List.of("node", "latency-client.mjs", "" + port, "" + CLIENTS, "realtime:events", "user:"))) {
                    long clock = Long.parseLong(clients.await("CLOCK", Duration.ofSeconds(30))[1]);
                    long skew = System.nanoTime() - clock;
                    if (Math.abs(skew) > 1_000_000_000L) {
                        throw new IllegalStateException("Node's process.hrtime and Java's System.nanoTime differ by " + skew / 1_000_000
                                + " ms: they do not read the same clock here, so latencies cannot be joined");
                    }
                    String[] joined = clients.await("JOINED", Duration.ofSeconds(180));
                    if (Integer.parseInt(joined[1]) != CLIENTS) {
                        throw new IllegalStateException(joined[3] + " of " + CLIENTS + " clients could not join");
                    }
                    System.out.printf("[capture-bench]   %s clients joined in %s ms; the two clocks agree within %.1f ms (pipe delay)%n",
                            joined[1], joined[2], Math.abs(skew) / 1e6);
                    long serverTicks = cpuTicks(server.pid());
                    long clientTicks = cpuTicks(clients.pid());
                    long start = System.nanoTime();
                    HostSampler host = new HostSampler();
                    try {
                        server.send(side.equals("node") ? "run " + RATE + " " + events + " " + CLIENTS + " " + stamps : "go");
                        server.await("DONE", Duration.ofSeconds(events / RATE + 120));
                    } finally {
                        host.close();
                    }
                    double wall = (System.nanoTime() - start) / 1e9;
                    double serverCpu = (cpuTicks(server.pid()) - serverTicks) / (double) CLOCK_TICKS_PER_SECOND / wall;
                    double clientCpu = (cpuTicks(clients.pid()) - clientTicks) / (double) CLOCK_TICKS_PER_SECOND / wall;
                    awaitCount(clients, events, Duration.ofSeconds(10));
                    clients.send("dump " + received);
                    clients.await("DUMPED", Duration.ofSeconds(30));
                    Latency run = join(side, stamps, received, warmUp, events, serverCpu, clientCpu);
                    System.out.println("[capture-bench]   host: " + host.describe(run.committedAt(), run.micros(), 5_000));
                    if (LATENCY_WITNESS) {
                        System.out.println("[capture-bench]   freezes: " + host.freezes(side, run.committedAt(), run.micros(), 5_000));
                    }
                    return run;
                }
            }
        } catch (Exception e) {
            System.out.println("[capture-bench]   failed: " + e);
            return new Latency(side, e.getMessage());
        }
    }

    /**
     * Joins the app's stamps with the clients' receive times by row id, skipping the warm-up ids.
     * The app's lag behind schedule is the largest of the measured rows too: the warm-up's first
     * rows run cold (class loading, the interpreter) and were 100-200 ms late every run.
     */
    private static Latency join(String side, Path stamps, Path received, int warmUp, int events, double serverCpu, double clientCpu)
            throws IOException {
        long[] before = new long[events];
        long[] after = new long[events];
        long maxLag = 0;
        for (String line : Files.readAllLines(stamps)) {
            if (line.isBlank()) continue;
            String[] f = line.split(" ");
            int id = Integer.parseInt(f[0]);
            before[id] = Long.parseLong(f[1]);
            after[id] = Long.parseLong(f[2]);
            if (id >= warmUp) {
                maxLag = Math.max(maxLag, Long.parseLong(f[3]) / 1_000);
            }
        }
        Map<Integer, Long> receivedAt = new HashMap<>();
        for (String line : Files.readAllLines(received)) {
            if (line.isBlank()) continue;
            String[] f = line.split(" ");
            receivedAt.putIfAbsent(Integer.parseInt(f[0]), Long.parseLong(f[1]));
        }
        int measured = events - warmUp;
        double[] micros = new double[measured];
        double[] pre = new double[measured];
        long[] committed = new long[measured];
        int n = 0;
        for (int id = warmUp; id < events; id++) {
            Long at = receivedAt.get(id);
            if (at != null) {
                micros[n] = (at - after[id]) / 1e3;
                pre[n] = (at - before[id]) / 1e3;
                committed[n] = after[id];
                n++;
            }
        }
        return new Latency(side, Arrays.copyOf(micros, n), Arrays.copyOf(pre, n), measured - n, maxLag, serverCpu, clientCpu, null,
                Arrays.copyOf(committed, n));
    }

    /**
     * The machine as the host lets it run, every 100 ms of a latency run (/proc/stat): the steal
     * (time the host gave this machine's virtual cores to something else) and the run queue. It
     * tells whether a run's slow events fall in moments when the host held the cores back. And the
     * freezes of each CPU, as a {@link FreezeWitness} pinned to it saw them: which events' way from
     * commit to client overlapped one.
     */
    private static final class HostSampler implements AutoCloseable {
        private static final long PERIOD_MILLIS = 100;
        /** {nanoTime, steal ticks, all ticks, runnable threads}, in time order; the sampler thread's until close(). */
        private final List<long[]> samples = new ArrayList<>();
        /** {start, end} of each freeze a witness saw. */
        private final List<long[]> freezes = new ArrayList<>();
        /** The times when at least one CPU was frozen: disjoint, in time order; set by close(). */
        private List<long[]> frozenTimeLine = List.of();
        private final Thread thread = new Thread(this::sample, "host-sampler");
        /** One {@link FreezeWitness} per CPU, each pinned to its own (when taskset is there: {@link #pinned}). */
        private final List<LineChild> witnesses = new ArrayList<>();
        private boolean pinned;

        HostSampler() throws IOException {
            if (LATENCY_WITNESS) {
                startWitnesses();
            }
            thread.setDaemon(true);
            thread.start();
        }

        /** One witness per CPU this process may run on, pinned with taskset; unpinned (and said so) without it. */
        private void startWitnesses() throws IOException {
            String taskset = Files.isExecutable(Path.of("/usr/bin/taskset")) ? "/usr/bin/taskset"
                    : Files.isExecutable(Path.of("/bin/taskset")) ? "/bin/taskset" : null;
            pinned = taskset != null;
            if (!pinned) {
                System.out.println("[capture-bench]   taskset (util-linux) is missing: the freeze witnesses run unpinned and see only"
                        + " the stops of the cores they happen to run on");
            }
            try {
                for (int cpu : onlineCpus()) {
                    List<String> command = new ArrayList<>(pinned ? List.of(taskset, "-c", "" + cpu) : List.of());
                    command.addAll(List.of(JAVA, "-Xmx16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                            System.getProperty("java.class.path"), FreezeWitness.class.getName()));
                    LineChild witness = child("freeze-witness-" + cpu, command);
                    witnesses.add(witness);
                    witness.await("READY", Duration.ofSeconds(30));
                }
            } catch (IOException | RuntimeException e) {
                witnesses.forEach(LineChild::close); // close() will not be called: the run fails here
                throw e;
            }
        }

        /** The CPUs this process may run on (its affinity, from /proc/self/status), else 0 to n-1. */
        private static List<Integer> onlineCpus() {
            List<Integer> cpus = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("Cpus_allowed_list:")) {
                        for (String part : line.substring("Cpus_allowed_list:".length()).trim().split(",")) {
                            String[] range = part.split("-");
                            int from = Integer.parseInt(range[0].trim());
                            int to = Integer.parseInt(range[range.length - 1].trim());
                            for (int cpu = from; cpu <= to; cpu++) cpus.add(cpu);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                cpus.clear();
            }
            if (cpus.isEmpty()) {
                for (int cpu = 0; cpu < Runtime.getRuntime().availableProcessors(); cpu++) cpus.add(cpu);
            }
            return cpus;
        }

        private void sample() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    samples.add(read());
                    Thread.sleep(PERIOD_MILLIS);
                }
            } catch (InterruptedException | RuntimeException e) {
                // ends the samples; describe() says what it has
            }
        }

        private static long[] read() {
            long[] stat = HostStat.read();
            return new long[] {System.nanoTime(), stat[0], stat[1], stat[2]};
        }

        @Override
        public void close() throws InterruptedException {
            try {
                thread.interrupt();
                thread.join();
            } finally {
                collectWitnesses();
            }
        }

        /** Ends the witnesses and lays their freezes on one time line. */
        private void collectWitnesses() {
            for (LineChild witness : witnesses) {
                try (witness) {
                    witness.send("quit");
                    String[] gaps = witness.await("GAPS", Duration.ofSeconds(30));
                    for (int i = 1; i < gaps.length; i++) {
                        String[] startEnd = gaps[i].split(":");
                        freezes.add(new long[] {Long.parseLong(startEnd[0]), Long.parseLong(startEnd[1])});
                    }
                } catch (RuntimeException e) {
                    System.out.println("[capture-bench]   a freeze witness failed: " + e);
                }
            }
            // the CPUs' freezes as one time line: sorted, and merged where they overlap
            freezes.sort(java.util.Comparator.comparingLong(f -> f[0]));
            List<long[]> merged = new ArrayList<>();
            for (long[] f : freezes) {
                long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
                if (last != null && f[0] <= last[1]) {
                    last[1] = Math.max(last[1], f[1]);
                } else {
                    merged.add(f.clone());
                }
            }
            frozenTimeLine = merged;
        }

        /**
         * How often the CPUs froze, and the latency of the events whose way from commit to client
         * overlapped none of their freezes: what the path does while the machine runs.
         */
        String freezes(String side, long[] committedAt, double[] micros, double slowMicros) {
            // the freezes within the measured events' span: the witnesses also ran through the warm-up and the shutdown
            long spanStart = Long.MAX_VALUE;
            long spanEnd = Long.MIN_VALUE;
            for (int i = 0; i < micros.length; i++) {
                spanStart = Math.min(spanStart, committedAt[i]);
                spanEnd = Math.max(spanEnd, committedAt[i] + (long) (micros[i] * 1_000));
            }
            int count = 0;
            for (long[] f : freezes) {
                if (f[0] < spanEnd && f[1] > spanStart) count++;
            }
            long frozen = 0;
            for (long[] f : frozenTimeLine) {
                frozen += Math.max(0, Math.min(f[1], spanEnd) - Math.max(f[0], spanStart));
            }
            int slow = 0;
            int slowInFreeze = 0;
            double[] clear = new double[micros.length];
            int n = 0;
            for (int i = 0; i < micros.length; i++) {
                boolean inFreeze = overlapsFreeze(committedAt[i], committedAt[i] + (long) (micros[i] * 1_000));
                if (micros[i] > slowMicros) {
                    slow++;
                    if (inFreeze) slowInFreeze++;
                }
                if (!inFreeze) clear[n++] = micros[i];
            }
            double[] clearMicros = Arrays.copyOf(clear, n);
            UNFROZEN_MICROS.computeIfAbsent(side, k -> new ArrayList<>()).add(clearMicros);
            return String.format("a process %s, sleeping 1 ms at a time, overslept by %.0f ms or more %d times while the events ran"
                            + " (some CPU not running it for %.0f ms of the %.1f s); %d of the %d events over %.0f ms overlap one of those;"
                            + " the %d events that overlap none: p50 %s, p99 %s",
                    pinned ? "pinned to each CPU" : "per CPU, unpinned", FreezeWitness.LATE_NANOS / 1e6, count, frozen / 1e6,
                    (spanEnd - spanStart) / 1e9, slowInFreeze, slow, slowMicros / 1000, n, ms(clearMicros, 50), ms(clearMicros, 99));
        }

        private boolean overlapsFreeze(long from, long to) {
            // the last stretch that starts before {@code to} is the only one that can reach past {@code from}
            int lo = 0;
            int hi = frozenTimeLine.size() - 1;
            int last = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (frozenTimeLine.get(mid)[0] < to) {
                    last = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return last >= 0 && frozenTimeLine.get(last)[1] > from;
        }

        /** Steal and run queue over the run against those of the windows holding an event slower than {@code slowMicros}. */
        String describe(long[] committedAt, double[] micros, double slowMicros) {
            int windows = samples.size() - 1;
            if (windows < 1) {
                return "no /proc/stat samples";
            }
            boolean[] slow = new boolean[windows];
            int slowEvents = 0;
            for (int i = 0; i < micros.length; i++) {
                if (micros[i] > slowMicros) {
                    slowEvents++;
                    int w = window(committedAt[i]);
                    if (w >= 0) slow[w] = true;
                }
            }
            long[] allSteal = new long[2];
            long[] allTicks = new long[2];
            long[] queue = new long[2];
            int[] count = new int[2];
            for (int w = 0; w < windows; w++) {
                long[] a = samples.get(w);
                long[] b = samples.get(w + 1);
                int k = slow[w] ? 1 : 0;
                allSteal[k] += b[1] - a[1];
                allTicks[k] += b[2] - a[2];
                queue[k] += b[3];
                count[k]++;
            }
            return String.format("steal %.1f%% of the CPU time over the run; in the %d windows of %d ms that hold the %d events over %.0f ms,"
                            + " %.1f%% (elsewhere %.1f%%); runnable threads %.1f there, %.1f elsewhere",
                    100.0 * (allSteal[0] + allSteal[1]) / Math.max(1, allTicks[0] + allTicks[1]), count[1], PERIOD_MILLIS, slowEvents, slowMicros / 1000,
                    100.0 * allSteal[1] / Math.max(1, allTicks[1]), 100.0 * allSteal[0] / Math.max(1, allTicks[0]),
                    (double) queue[1] / Math.max(1, count[1]), (double) queue[0] / Math.max(1, count[0]));
        }

        /** The window [sample w, sample w+1) holding {@code at}, or -1. */
        private int window(long at) {
            int lo = 0;
            int hi = samples.size() - 2;
            if (hi < 0 || at < samples.get(0)[0] || at >= samples.get(hi + 1)[0]) {
                return -1;
            }
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (samples.get(mid)[0] <= at) lo = mid; else hi = mid - 1;
            }
            return lo;
        }
    }

    private static String ms(double[] micros, double p) {
        return String.format("%.2f ms", percentile(micros, p) / 1000);
    }

    private static double percentile(double[] values, double p) {
        if (values.length == 0) return Double.NaN;
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Per side, each run's latencies of the events that overlapped no freeze of a CPU (see {@link HostSampler#freezes}). */
    private static final Map<String, List<double[]>> UNFROZEN_MICROS = new LinkedHashMap<>();

    // ---- helpers ----

    /** The copied agent jar, configs and stamp files; -Dcapture.keep=true keeps them for a look. */
    private static void deleteWork() {
        if (work == null || Boolean.getBoolean("capture.keep")) return;
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private static long awaitCount(LineChild client, long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long count;
        do {
            client.send("count");
            count = Long.parseLong(client.await("COUNT", Duration.ofSeconds(10))[1]);
            if (count >= expected) return count;
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return count;
    }

    /** The agent starts its server off the app's main thread: waits until it answers an Engine.IO handshake. */
    private static void awaitSocketIo(int port) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest handshake = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=polling"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(handshake, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the agent's Socket.IO server did not answer on 127.0.0.1:" + port + " within 60 s");
    }

    private static void npmCiIfNeeded() throws IOException, InterruptedException {
        if (Files.isDirectory(nodeDir.resolve("node_modules/socket.io-client"))) return;
        System.out.println("[capture-bench] installing the clients and the Node peer: npm ci in " + nodeDir);
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(nodeDir.toFile()).inheritIO().start();
        if (npm.waitFor() != 0) {
            throw new IllegalStateException("npm ci failed in " + nodeDir + "; check that node and npm are on the PATH and the npm registry is reachable");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static String list(double[] values) {
        StringBuilder s = new StringBuilder();
        for (double v : values) s.append(s.length() == 0 ? "" : ", ").append(String.format("%.3f", v));
        return s.toString();
    }

    /** A child whose stderr joins its stdout; only its warnings are shown. */
    private static LineChild child(String name, List<String> command) throws IOException {
        return new LineChild(name, nodeDir, command, true,
                line -> line.startsWith("WARN") || line.contains("[rowcast]") && (line.contains("WARN") || line.contains("SEVERE")),
                Duration.ofSeconds(15));
    }
}
