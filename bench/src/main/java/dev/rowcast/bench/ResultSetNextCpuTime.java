package dev.rowcast.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.ToLongFunction;

/**
 * {@link ResultSetNextBenchmark} in rows per CPU-second of one thread, the three cases with nothing
 * watched run in alternation in one JVM, so the machine's load moves them together. (The case with
 * another set watched stays in JMH: toggling the flag here would blend the branch profiles.)
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.rowcast.bench.ResultSetNextCpuTime}
 */
public final class ResultSetNextCpuTime {

    private static final int ROUNDS = 15;
    private static final int CALLS = 20_000;

    private ResultSetNextCpuTime() {}

    public static void main(String[] args) {
        ResultSetNextBenchmark bench = new ResultSetNextBenchmark();
        bench.rows();
        bench.watch();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        String[] names = {"peerPlainNext", "advisedNextNothingWatched", "volatileFlagNextNothingWatched"};
        @SuppressWarnings("unchecked")
        ToLongFunction<ResultSetNextBenchmark>[] cases = new ToLongFunction[] {
            (ToLongFunction<ResultSetNextBenchmark>) ResultSetNextBenchmark::peerPlainNext,
            (ToLongFunction<ResultSetNextBenchmark>) ResultSetNextBenchmark::advisedNextNothingWatched,
            (ToLongFunction<ResultSetNextBenchmark>) ResultSetNextBenchmark::volatileFlagNextNothingWatched};
        double[][] rates = new double[cases.length][ROUNDS];
        long sink = 0;
        for (int warmup = 0; warmup < 5; warmup++) {
            for (ToLongFunction<ResultSetNextBenchmark> c : cases) {
                sink += run(bench, c, threads, null);
            }
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < cases.length; i++) {
                double[] rate = new double[1];
                sink += run(bench, cases[i], threads, rate);
                rates[i][round] = rate[0];
            }
        }
        double peer = median(rates[0]);
        for (int i = 0; i < cases.length; i++) {
            double median = median(rates[i]);
            System.out.printf("%-32s %,15.0f rows per CPU-second (%.2f ns/row), %.2fx peer%n", names[i], median,
                    1e9 / median, median / peer);
        }
        System.out.printf("median of %d rounds of %,d x %d rows (checksum %d)%n", ROUNDS, CALLS,
                ResultSetNextBenchmark.ROWS, sink);
    }

    private static long run(ResultSetNextBenchmark bench, ToLongFunction<ResultSetNextBenchmark> work,
            ThreadMXBean threads, double[] rate) {
        long sink = 0;
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < CALLS; i++) {
            sink += work.applyAsLong(bench);
        }
        long cpu = threads.getCurrentThreadCpuTime() - start;
        if (rate != null) {
            rate[0] = (double) CALLS * ResultSetNextBenchmark.ROWS / (cpu / 1e9);
        }
        return sink;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
