package dev.rowcast.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessLoadTest {

    private static final long TICK_NANOS = 10_000_000;

    @Test
    void processCpuGrowsByWhatThisThreadBurns() {
        ProcessLoad load = new ProcessLoad();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = load.cpuNanos();
        long threadBefore = threads.getCurrentThreadCpuTime();
        burn(threads, 200_000_000L);
        long burnt = threads.getCurrentThreadCpuTime() - threadBefore;
        long after = load.cpuNanos();

        assertThat(before).isPositive();
        // /proc counts in 10 ms ticks: allow one at each end
        assertThat(after - before).isGreaterThanOrEqualTo(burnt - 2 * TICK_NANOS);
    }

    @Test
    void machineLoadIsAShareOnLinux() {
        assumeThat(Files.isReadable(Path.of("/proc/stat"))).as("a Linux /proc").isTrue();
        ProcessLoad load = new ProcessLoad();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        burn(threads, 100_000_000L);

        double share = load.machineLoad();

        // one core of this machine was busy the whole time: more than nothing, never more than all
        assertThat(share).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
    }

    private static void burn(ThreadMXBean threads, long cpuNanos) {
        long start = threads.getCurrentThreadCpuTime();
        long sink = 0;
        while (threads.getCurrentThreadCpuTime() - start < cpuNanos) {
            for (int i = 0; i < 10_000; i++) {
                sink += i * 31L ^ sink;
            }
        }
        if (sink == 42) {
            System.out.println(sink);
        }
    }
}
