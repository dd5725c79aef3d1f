package dev.rowcast.bench.startup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The start-up time the agent adds to an application: the same app launched with and without
 * {@code -javaagent:rowcast-agent.jar}, runs interleaved (plain, agent, then agent, plain, ...), so
 * a change in the machine's load hits both sides alike. Two apps:
 * <ul>
 *   <li>hello: a main that prints one line. Measured: launch to main() (see {@link TimedMain}) and
 *       launch to process exit.</li>
 *   <li>sample: the sample CMS (Hibernate, HikariCP, H2, its HTTP server). Measured: launch to
 *       main(), to its first HTTP 200, and (with the agent) to the Socket.IO port answering an
 *       Engine.IO handshake; plus the app's CPU time at each of the two.</li>
 * </ul>
 * Prints median and p90 of each side, the added milliseconds and the ratio, with the load
 * average before and after and this harness's own CPU share. Run through
 * {@code bench/run-startup-bench.sh} from the repository root.
 *
 * <p>System properties: {@code startup.runs} (15 per side and app), {@code startup.warmUp} (1
 * round, discarded), {@code startup.only} ({@code hello} or {@code sample}), {@code startup.java}
 * (the child JVM's java; default this JVM's), {@code startup.jvmArgs} (extra child JVM options,
 * space-separated), {@code startup.agent}, {@code startup.sampleJar}, {@code startup.sampleConfig},
 * {@code startup.compareAgent} (a second agent jar, e.g. an older build, run as a third side
 * "other" in the same rounds: before/after figures from one run), {@code startup.timeoutSeconds}
 * (180: how long one launch may take before the run is abandoned), {@code startup.phases} (true:
 * the agent sides print their start's phases, and the last such line of each is shown; it costs
 * the agent a few classes of java.management, so leave it off for the figures).
 */
public final class StartupBench {

    private static final int RUNS = Integer.getInteger("startup.runs", 15);
    private static final int WARM_UP = Integer.getInteger("startup.warmUp", 1);
    private static final String ONLY = System.getProperty("startup.only", "");
    private static final String JAVA = System.getProperty("startup.java",
            Path.of(System.getProperty("java.home"), "bin", "java").toString());
    private static final List<String> JVM_ARGS = words(System.getProperty("startup.jvmArgs", ""));
    private static final Path AGENT = Path.of(System.getProperty("startup.agent", "agent/target/rowcast-agent.jar")).toAbsolutePath();
    private static final Path SAMPLE_JAR = Path.of(System.getProperty("startup.sampleJar", "sample-app/target/rowcast-sample-app.jar")).toAbsolutePath();
    private static final Path SAMPLE_CONFIG = Path.of(System.getProperty("startup.sampleConfig", "sample-app/rowcast.yml")).toAbsolutePath();
    private static final String COMPARE = System.getProperty("startup.compareAgent", "");
    private static final Path OTHER_AGENT = COMPARE.isBlank() ? null : Path.of(COMPARE).toAbsolutePath();
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(Integer.getInteger("startup.timeoutSeconds", 180));
    private static final boolean PHASES = Boolean.getBoolean("startup.phases");
    private static final List<Process> LIVE = new CopyOnWriteArrayList<>();
    /** The last "start phases" line of each app and side, with startup.phases. */
    private static final Map<String, String> PHASE_LINES = new java.util.concurrent.ConcurrentHashMap<>();

    /** A config like an app's: Hibernate and JDBC capture both on, so every instrumentation installs. */
    private static final String HELLO_CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            collections:
              posts: { entity: Post, events: [create, update, delete] }
              messages: { table: messages, events: [create, update, delete] }
            """;

    private StartupBench() {}

    public static void main(String[] args) throws Exception {
        for (Path required : List.of(AGENT, SAMPLE_JAR, SAMPLE_CONFIG)) {
            if (!Files.isRegularFile(required)) {
                System.err.println("[startup-bench] " + required + " is missing: build it with"
                        + " mvn -B -Pbench -pl bench,agent,sample-app -am package -DskipTests");
                System.exit(2);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
        Path work = Files.createTempDirectory("rowcast-startup-");
        Path classes = work.resolve("classes");
        copyClass(TimedMain.class, classes);
        Path helloConfig = Files.writeString(work.resolve("hello-rowcast.yml"), HELLO_CONFIG);
        Path sampleConfig = work.resolve("sample-rowcast.yml");

        System.out.println("[startup-bench] java " + JAVA + " (" + javaVersion() + "), agent " + AGENT
                + (OTHER_AGENT == null ? "" : ", other agent " + OTHER_AGENT));
        System.out.println("[startup-bench] " + RUNS + " runs per side after " + WARM_UP + " warm-up round(s), interleaved;"
                + " load average before: " + loadAverage());
        long benchCpuStart = cpuNanos(ProcessHandle.current());
        long benchWallStart = System.nanoTime();

        Map<String, List<Double>> samples = new LinkedHashMap<>();
        List<Path> agents = new ArrayList<>();
        agents.add(null);
        agents.add(AGENT);
        if (OTHER_AGENT != null) {
            agents.add(OTHER_AGENT);
        }
        for (int round = -WARM_UP; round < RUNS; round++) {
            // rotate the order each round, so no side always runs right after another
            for (int i = 0; i < agents.size(); i++) {
                Path agent = agents.get(Math.floorMod(round + i, agents.size()));
                String side = agent == null ? "plain" : agent == AGENT ? "agent" : "other";
                if (!ONLY.equals("sample")) {
                    record(samples, "hello", side, runHello(classes, work, agent, helloConfig), round >= 0);
                }
                if (!ONLY.equals("hello")) {
                    record(samples, "sample", side, runSample(classes, work, agent, sampleConfig), round >= 0);
                }
            }
            if (round >= 0) {
                System.out.print(".");
                System.out.flush();
            }
        }
        System.out.println();
        double wall = System.nanoTime() - benchWallStart;
        double benchCpu = cpuNanos(ProcessHandle.current()) - benchCpuStart;
        report(samples);
        PHASE_LINES.forEach((side, line) -> System.out.println("[startup-bench] " + side + ": " + line));
        System.out.printf("[startup-bench] load average after: %s; this harness used %.1f%% of one core (polling, reading output)%n",
                loadAverage(), 100 * benchCpu / wall);
    }

    private static Map<String, Double> runHello(Path classes, Path work, Path agent, Path config) throws Exception {
        boolean withAgent = agent != null;
        List<String> command = java(agent, config);
        command.addAll(List.of("-cp", classes.toString(), TimedMain.class.getName()));
        Child child = Child.start(command, work, Map.of());
        long exited = child.awaitExit();
        child.keepPhases("hello " + (agent == AGENT ? "agent" : "other"));
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("main() reached", child.mainMillis());
        figures.put("process exit", millis(exited - child.launched));
        child.checkAgent();
        return figures;
    }

    private static Map<String, Double> runSample(Path classes, Path work, Path agent, Path config) throws Exception {
        boolean withAgent = agent != null;
        int httpPort = freePort();
        int ioPort = freePort();
        Files.writeString(config, Files.readString(SAMPLE_CONFIG).replaceFirst("(?m)^(\\s*port:\\s*)\\d+", "$1" + ioPort));
        List<String> command = java(agent, config);
        command.addAll(List.of("-cp", classes + java.io.File.pathSeparator + SAMPLE_JAR,
                TimedMain.class.getName(), "dev.rowcast.sample.SampleApp"));
        Child child = Child.start(command, work, Map.of("PORT", Integer.toString(httpPort), "HOST", "127.0.0.1"));
        try {
            long http = 0;
            // the Socket.IO port is bound before the server runs: a request there waits in its backlog, so it is
            // polled on a thread of its own and never holds up the poll of the app's own port
            java.util.concurrent.atomic.AtomicLong ioAnswered = new java.util.concurrent.atomic.AtomicLong();
            Thread ioPoller = new Thread(() -> {
                while (ioAnswered.get() == 0 && child.process.isAlive()) {
                    if (answers200(ioPort, "/socket.io/?EIO=4&transport=polling")) {
                        ioAnswered.set(System.nanoTime());
                    }
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "socket-io-poller");
            ioPoller.setDaemon(true);
            if (withAgent) {
                ioPoller.start();
            }
            long io = 0;
            long httpCpu = 0;
            long ioCpu = 0;
            while (http == 0 || (withAgent && io == 0)) {
                io = ioAnswered.get();
                if (io != 0 && ioCpu == 0) {
                    ioCpu = cpuNanos(child.process.toHandle());
                }
                if (!child.process.isAlive()) {
                    throw child.failure("exited before it answered");
                }
                if (System.nanoTime() - child.launched > TIMEOUT_NANOS) {
                    throw child.failure("did not answer within " + TimeUnit.NANOSECONDS.toSeconds(TIMEOUT_NANOS) + " s");
                }
                if (http == 0 && answers200(httpPort, "/")) {
                    http = System.nanoTime();
                    httpCpu = cpuNanos(child.process.toHandle());
                }
                Thread.sleep(2);
            }
            Map<String, Double> figures = new LinkedHashMap<>();
            figures.put("main() reached", child.mainMillis());
            figures.put("first HTTP 200", millis(http - child.launched));
            if (withAgent) {
                figures.put("Socket.IO answers", millis(io - child.launched));
            }
            // read as each answer is seen (within the 2 ms poll): the agent side answers Socket.IO seconds after HTTP
            figures.put("app CPU ms at first HTTP 200", millis(httpCpu));
            if (withAgent) {
                figures.put("app CPU ms when Socket.IO answers", millis(ioCpu));
            }
            child.checkAgent();
            return figures;
        } finally {
            child.stop();
            child.keepPhases("sample " + (agent == AGENT ? "agent" : "other"));
        }
    }

    private static List<String> java(Path agent, Path config) {
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(JVM_ARGS);
        if (agent != null) {
            if (PHASES) {
                command.add("-Drowcast.debug.startPhases=true");
            }
            command.add("-javaagent:" + agent + "=config=" + config);
        }
        return command;
    }

    /** One status line over a fresh connection: cheap enough to poll every few milliseconds. */
    private static boolean answers200(int port, String path) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return status != null && status.startsWith("HTTP/1.") && status.contains(" 200");
        } catch (IOException e) {
            return false;
        }
    }

    private static void record(Map<String, List<Double>> samples, String app, String side, Map<String, Double> figures, boolean keep) {
        if (keep) {
            figures.forEach((what, ms) -> samples.computeIfAbsent(app + "|" + what + "|" + side, k -> new ArrayList<>()).add(ms));
        }
    }

    private static void report(Map<String, List<Double>> samples) {
        boolean other = OTHER_AGENT != null;
        System.out.printf("%-7s %-26s %18s %18s %14s %7s", "app", "launch to", "plain median/p90", "agent median/p90",
                "agent added", "ratio");
        System.out.printf(other ? "%18s %14s %7s%n" : "%n", "other median/p90", "other added", "ratio");
        List<String> seen = new ArrayList<>();
        for (String key : samples.keySet()) {
            String[] parts = key.split("\\|");
            String row = parts[0] + "|" + parts[1];
            if (seen.contains(row)) {
                continue;
            }
            seen.add(row);
            List<Double> plain = samples.get(plainRow(parts[0], parts[1]));
            System.out.printf("%-7s %-26s %18s", parts[0], parts[1], figures(plain));
            System.out.print(compared(plain, samples.get(row + "|agent")));
            System.out.println(other ? compared(plain, samples.get(row + "|other")) : "");
        }
        System.out.println("('Socket.IO answers' and the CPU then are set against the plain app's at its first HTTP 200.)");
        // one launch of the same app differs from the next by hundreds of ms here: say how far the medians can be trusted
        System.out.println("How sure each 'added' is: the 5th to 95th percentile of the difference of medians over "
                + RESAMPLES + " resamples of each side's runs (bootstrap).");
        for (String row : seen) {
            String[] parts = row.split("\\|");
            List<Double> plain = samples.get(plainRow(parts[0], parts[1]));
            for (String side : other ? List.of("agent", "other") : List.of("agent")) {
                List<Double> measured = samples.get(row + "|" + side);
                if (plain != null && measured != null) {
                    double[] interval = addedInterval(plain, measured);
                    System.out.printf("  %-7s %-26s %-6s %+.0f ms, 90%% interval %+.0f to %+.0f ms%n", parts[0], parts[1], side,
                            median(measured) - median(plain), interval[0], interval[1]);
                }
            }
        }
    }

    /** The plain app's figure a row is set against: the agent-only rows (Socket.IO answering) against the plain app's first HTTP 200. */
    private static String plainRow(String app, String what) {
        String plain = switch (what) {
            case "Socket.IO answers" -> "first HTTP 200";
            case "app CPU ms when Socket.IO answers" -> "app CPU ms at first HTTP 200";
            default -> what;
        };
        return app + "|" + plain + "|plain";
    }

    private static final int RESAMPLES = 2_000;

    /** The 5th and 95th percentiles of median(side) - median(plain) when each side's runs are drawn again with replacement. */
    static double[] addedInterval(List<Double> plain, List<Double> side) {
        Random random = new Random(1);
        double[] differences = new double[RESAMPLES];
        for (int i = 0; i < RESAMPLES; i++) {
            differences[i] = median(resample(side, random)) - median(resample(plain, random));
        }
        Arrays.sort(differences);
        return new double[] {differences[RESAMPLES / 20], differences[RESAMPLES - 1 - RESAMPLES / 20]};
    }

    private static List<Double> resample(List<Double> values, Random random) {
        List<Double> drawn = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            drawn.add(values.get(random.nextInt(values.size())));
        }
        return drawn;
    }

    private static String figures(List<Double> values) {
        return values == null ? "-" : String.format("%.0f / %.0f ms", median(values), p90(values));
    }

    private static String compared(List<Double> plain, List<Double> side) {
        if (plain == null || side == null) {
            return String.format(" %18s %14s %7s", figures(side), "-", "-");
        }
        return String.format(" %18s %14s %7s", figures(side), String.format("%+.0f ms", median(side) - median(plain)),
                String.format("%.2fx", median(side) / median(plain)));
    }

    static double median(List<Double> values) {
        return percentile(values, 50);
    }

    static double p90(List<Double> values) {
        return percentile(values, 90);
    }

    /** Nearest rank: the smallest value with at least p% of the samples at or below it. */
    static double percentile(List<Double> values, int p) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2] + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
        } catch (IOException e) {
            return "unknown (no /proc/loadavg)";
        }
    }

    private static String javaVersion() throws Exception {
        Process p = new ProcessBuilder(JAVA, "-version").redirectErrorStream(true).start();
        String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("?");
        p.waitFor();
        return first;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void copyClass(Class<?> type, Path root) throws IOException {
        String resource = type.getName().replace('.', '/') + ".class";
        Path target = root.resolve(resource);
        Files.createDirectories(target.getParent());
        try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.trim().split("\\s+"));
    }

    /** A launched app: its output is read on a thread, main()'s mark picked out of it. */
    private static final class Child {
        final Process process;
        final long launched;
        final List<String> output = new CopyOnWriteArrayList<>();
        volatile long mainReached;

        private Child(Process process, long launched) {
            this.process = process;
            this.launched = launched;
        }

        static Child start(List<String> command, Path dir, Map<String, String> env) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            long launched = System.nanoTime();
            Child child = new Child(builder.start(), launched);
            LIVE.add(child.process);
            Thread reader = new Thread(child::read, "startup-bench-output");
            reader.setDaemon(true);
            reader.start();
            return child;
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith(TimedMain.MARK)) {
                        mainReached = Long.parseLong(line.substring(TimedMain.MARK.length()).split(" ")[0]);
                    }
                    output.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }

        long awaitExit() throws Exception {
            if (!process.waitFor(TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
                throw failure("did not exit");
            }
            long exited = System.nanoTime();
            LIVE.remove(process);
            if (process.exitValue() != 0) {
                throw failure("exited with " + process.exitValue());
            }
            return exited;
        }

        double mainMillis() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (mainReached == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            if (mainReached == 0) {
                throw failure("never printed " + TimedMain.MARK);
            }
            return millis(mainReached - launched);
        }

        void keepPhases(String side) {
            output.stream().filter(line -> line.startsWith("[rowcast] start phases:")).reduce((a, b) -> b)
                    .ifPresent(line -> PHASE_LINES.put(side, line));
        }

        /** A run where the agent refused its config or failed measures nothing useful. */
        void checkAgent() {
            for (String line : output) {
                if (line.contains("[rowcast]") && (line.contains("error") || line.contains("could not start") || line.contains("cannot"))) {
                    throw failure("the agent reported a fault: " + line);
                }
            }
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            LIVE.remove(process);
        }

        IllegalStateException failure(String what) {
            process.destroyForcibly();
            return new IllegalStateException("[startup-bench] " + String.join(" ", process.info().commandLine().orElse("the app"))
                    + " " + what + "; its output:\n  " + String.join("\n  ", output));
        }
    }
}
