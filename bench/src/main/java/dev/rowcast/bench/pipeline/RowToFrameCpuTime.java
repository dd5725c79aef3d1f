package dev.rowcast.bench.pipeline;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * {@link RowToFrameBenchmark} in CPU microseconds per row of the emitting thread (what the agent's
 * pipeline thread pays), which moves far less with the machine's load than JMH's wall clock. Runs
 * the agent's path with recovery off and on and the Jackson peer in alternation, and prints each
 * median with its ratio to the peer and the load average. The GC's own threads are not counted:
 * read the allocation from JMH's {@code -prof gc} next to it.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.rowcast.bench.pipeline.RowToFrameCpuTime}
 */
public final class RowToFrameCpuTime {

    private static final int ROUNDS = 9;
    private static final int CALLS = 200_000;

    private RowToFrameCpuTime() {}

    public static void main(String[] args) throws Exception {
        System.out.println("load average " + loadAverage());
        RowToFrameBenchmark off = bench("off");
        RowToFrameBenchmark on = bench("on");
        Map<String, ToIntFunction<Void>> cases = new LinkedHashMap<>();
        cases.put("rowToFrame, recovery off", v -> off.rowToFrame().length);
        cases.put("rowToFrame, recovery on ", v -> on.rowToFrame().length);
        cases.put("peerJacksonWriteValueAsString", v -> {
            try {
                return off.peerJacksonWriteValueAsString().length;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, double[]> micros = new LinkedHashMap<>();
        cases.keySet().forEach(name -> micros.put(name, new double[ROUNDS]));
        long sink = 0;
        for (int warmUp = 0; warmUp < 4; warmUp++) {
            for (ToIntFunction<Void> work : cases.values()) sink += run(work, threads, null);
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (Map.Entry<String, ToIntFunction<Void>> c : cases.entrySet()) {
                double[] perRow = new double[1];
                sink += run(c.getValue(), threads, perRow);
                micros.get(c.getKey())[round] = perRow[0];
            }
        }
        double peer = median(micros.get("peerJacksonWriteValueAsString"));
        for (Map.Entry<String, double[]> m : micros.entrySet()) {
            double median = median(m.getValue());
            System.out.printf("%-30s %6.2f µs CPU per row (median of %d rounds of %,d; range %.2f-%.2f), %.2fx the peer%n",
                    m.getKey(), median, ROUNDS, CALLS, min(m.getValue()), max(m.getValue()), median / peer);
        }
        System.out.println("load average " + loadAverage() + " (checksum " + sink + ")");
        off.tearDown();
        on.tearDown();
    }

    private static RowToFrameBenchmark bench(String recovery) throws Exception {
        RowToFrameBenchmark bench = new RowToFrameBenchmark();
        bench.recovery = recovery;
        bench.setUp();
        return bench;
    }

    private static long run(ToIntFunction<Void> work, ThreadMXBean threads, double[] perRow) {
        long sink = 0;
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < CALLS; i++) sink += work.applyAsInt(null);
        long cpu = threads.getCurrentThreadCpuTime() - start;
        if (perRow != null) perRow[0] = cpu / 1e3 / CALLS;
        return sink;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "unknown (no /proc/loadavg)";
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(0);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(0);
    }
}
