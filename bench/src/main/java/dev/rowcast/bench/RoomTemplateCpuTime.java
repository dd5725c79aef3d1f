package dev.rowcast.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.ToIntFunction;

/**
 * The room benchmark in rows per CPU-second of one thread: on a machine shared with other work,
 * JMH's wall-clock rate falls with the load, while the thread's own CPU time measures what one core
 * does. Runs the compiled template and its peer in alternation and prints both and their ratio.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.rowcast.bench.RoomTemplateCpuTime}
 */
public final class RoomTemplateCpuTime {

    private static final int ROUNDS = 15;
    private static final int CALLS = 2_000_000;

    private RoomTemplateCpuTime() {}

    public static void main(String[] args) {
        RoomTemplateBenchmark bench = new RoomTemplateBenchmark();
        bench.rows();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ToIntFunction<RoomTemplateBenchmark> compiled = b -> sink(b.compiledTemplate());
        ToIntFunction<RoomTemplateBenchmark> peer = b -> sink(b.peerRegexPerRow());
        double[] compiledRates = new double[ROUNDS];
        double[] peerRates = new double[ROUNDS];
        int sink = 0;
        for (int warmup = 0; warmup < 5; warmup++) {
            sink += run(bench, compiled, threads, null) + run(bench, peer, threads, null);
        }
        for (int round = 0; round < ROUNDS; round++) {
            double[] rate = new double[1];
            sink += run(bench, compiled, threads, rate);
            compiledRates[round] = rate[0];
            sink += run(bench, peer, threads, rate);
            peerRates[round] = rate[0];
        }
        double compiledMedian = median(compiledRates);
        double peerMedian = median(peerRates);
        System.out.printf("compiledTemplate: %,.0f rows per CPU-second (median of %d rounds of %,d)%n", compiledMedian,
                ROUNDS, CALLS);
        System.out.printf("peerRegexPerRow:  %,.0f rows per CPU-second%n", peerMedian);
        System.out.printf("ratio: %.1fx  (checksum %d)%n", compiledMedian / peerMedian, sink);
    }

    private static int run(RoomTemplateBenchmark bench, ToIntFunction<RoomTemplateBenchmark> work,
            ThreadMXBean threads, double[] rate) {
        int sink = 0;
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < CALLS; i++) {
            sink += work.applyAsInt(bench);
        }
        long cpu = threads.getCurrentThreadCpuTime() - start;
        if (rate != null) {
            rate[0] = CALLS / (cpu / 1e9);
        }
        return sink;
    }

    private static int sink(String room) {
        return room == null ? 0 : room.length();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
