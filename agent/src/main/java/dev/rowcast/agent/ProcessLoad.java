package dev.rowcast.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The CPU this process has used and how busy the whole machine is, for watching the app's start
 * settle. On Linux both come from /proc, read as text: the JDK's management beans would answer too,
 * but their first use costs some 50 ms of CPU (about 100 classes from outside the class-data
 * archive) in the middle of the app's start, which is exactly when the agent must cost least.
 * Elsewhere the process's CPU comes from {@link ProcessHandle} and the machine's load is unknown.
 */
final class ProcessLoad {

    /** The unit of /proc's CPU times: USER_HZ, 100 on every architecture Linux exposes to Java. */
    private static final long NANOS_PER_TICK = 10_000_000;
    private static final Path SELF_STAT = Path.of("/proc/self/stat");
    private static final Path MACHINE_STAT = Path.of("/proc/stat");

    private final boolean procfs = Files.isReadable(SELF_STAT) && Files.isReadable(MACHINE_STAT);
    private long machineBusy;
    private long machineTotal;

    ProcessLoad() {
        machineLoad(); // the first reading only sets the baseline
    }

    /** User and system CPU time of the whole process so far; -1 when unknown. */
    long cpuNanos() {
        if (procfs) {
            try {
                String stat = Files.readString(SELF_STAT, StandardCharsets.US_ASCII);
                // the command name in parentheses may hold spaces: count fields after its closing one
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK; // utime, stime
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** The share of the whole machine's CPU in use since the last call, 0 to 1; negative when unknown. */
    double machineLoad() {
        if (!procfs) {
            return -1;
        }
        try {
            String stat = Files.readString(MACHINE_STAT, StandardCharsets.US_ASCII);
            // "cpu  user nice system idle iowait irq softirq steal ...": all but idle and iowait are busy
            String[] fields = stat.substring(0, stat.indexOf('\n')).trim().split(" +");
            long total = 0;
            for (int i = 1; i < fields.length && i <= 8; i++) {
                total += Long.parseLong(fields[i]);
            }
            long busy = total - Long.parseLong(fields[4]) - Long.parseLong(fields[5]);
            long deltaTotal = total - machineTotal;
            double load = machineTotal == 0 || deltaTotal <= 0 ? -1 : (double) (busy - machineBusy) / deltaTotal;
            machineBusy = busy;
            machineTotal = total;
            return load;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
