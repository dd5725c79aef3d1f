package dev.rowcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine as its host lets it run, from /proc/stat: the steal (time the host gave this
 * machine's virtual cores to something else while they had work), all CPU time, and the threads
 * runnable now. Used by the capture benchmark's harness and by its child app.
 */
public final class HostStat {

    private HostStat() {}

    /** {steal ticks, all ticks, runnable threads, idle ticks (iowait included)}; zeros where there is no /proc/stat. */
    public static long[] read() {
        long steal = 0;
        long all = 0;
        long runnable = 0;
        long idle = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    for (int k = 1; k <= 8 && k < f.length; k++) { // user nice system idle iowait irq softirq steal
                        all += Long.parseLong(f[k]);
                    }
                    steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
                    idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
                } else if (line.startsWith("procs_running ")) {
                    runnable = Long.parseLong(line.substring("procs_running ".length()).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return new long[4];
        }
        return new long[] {steal, all, runnable, idle};
    }
}
