package dev.rowcast.bench.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the JIT did in each toggle window ({@code -Dcapture.jitLog=true}): the child runs with
 * HotSpot's {@code -XX:+LogCompilation} and reports its windows' times; this reads the log (written
 * whole when the child exits) and prints, per window, how long C2 was compiling in it, the
 * uncommon traps (deoptimisations) from half a second before it to its end, their sites (innermost
 * method first, then the methods it is inlined in) and the compiles of more than 50 ms. It found
 * the two causes of skewed windows that the harness and the agent no longer have (see BENCHMARKS.md).
 */
final class JitWindows {

    /** A measured window: its side, its start and end in milliseconds of the child's uptime, its rows. */
    record Window(String side, long startMillis, long endMillis, long rows) {

        /** Parses {@code on:start:end:rows} as InsertApp prints it. */
        static Window parse(String text) {
            String[] f = text.split(":");
            return new Window(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
        }
    }

    private record Compile(double start, double end, String method) {}

    private record Trap(double at, String reason, String site) {}

    private static final Pattern TASK = Pattern.compile(
            "<task compile_id='\\d+'([^>]*?)method='([^']*)'([^>]*?)stamp='([\\d.]+)'[^>]*>.*?<task_done[^>]*?stamp='([\\d.]+)'",
            Pattern.DOTALL);
    private static final Pattern TRAP = Pattern.compile("<uncommon_trap thread='\\d+' ([^>]*)>(.*?)</uncommon_trap>", Pattern.DOTALL);
    private static final Pattern JVMS = Pattern.compile("<jvms bci='(\\d+)' method='([^']*)'");
    private static final Pattern REASON = Pattern.compile("reason='(\\w+)'");
    private static final Pattern STAMP = Pattern.compile("stamp='([\\d.]+)'");

    private JitWindows() {}

    /** Prints one line per window of {@code label} ("db workload"), and its traps' sites below it. */
    static void print(Path log, String label, List<Window> windows) throws IOException {
        if (!Files.isRegularFile(log)) {
            System.out.printf("[capture-bench]   %s: no JIT log at %s%n", label, log);
            return;
        }
        String text = Files.readString(log);
        List<Compile> compiles = new ArrayList<>();
        Matcher task = TASK.matcher(text);
        while (task.find()) {
            String attributes = task.group(1) + task.group(3);
            // C1's tasks carry their tier (1-3); C2's carry 4 or none
            if (!attributes.contains("level='") || attributes.contains("level='4'")) {
                compiles.add(new Compile(Double.parseDouble(task.group(4)), Double.parseDouble(task.group(5)), shortName(task.group(2))));
            }
        }
        List<Trap> traps = new ArrayList<>();
        Matcher trap = TRAP.matcher(text);
        while (trap.find()) {
            Matcher stamp = STAMP.matcher(trap.group(1));
            Matcher reason = REASON.matcher(trap.group(1));
            if (!stamp.find() || !reason.find()) {
                continue;
            }
            List<String> frames = new ArrayList<>();
            Matcher jvms = JVMS.matcher(trap.group(2));
            while (jvms.find() && frames.size() < 4) {
                frames.add(shortName(jvms.group(2)) + "@" + jvms.group(1));
            }
            traps.add(new Trap(Double.parseDouble(stamp.group(1)), reason.group(1), String.join(" <- ", frames)));
        }
        for (Window w : windows) {
            double from = w.startMillis() / 1000.0;
            double to = w.endMillis() / 1000.0;
            double busy = 0;
            List<String> longCompiles = new ArrayList<>();
            for (Compile c : compiles) {
                double overlap = Math.min(to, c.end()) - Math.max(from, c.start());
                if (overlap > 0) {
                    busy += overlap;
                    if (c.end() - c.start() > 0.05) {
                        longCompiles.add(String.format(Locale.ROOT, "%s %.0f ms", c.method(), (c.end() - c.start()) * 1000));
                    }
                }
            }
            List<Trap> inWindow = traps.stream().filter(t -> t.at() >= from - 0.5 && t.at() < to).toList();
            System.out.printf(Locale.ROOT, "[capture-bench]   %s, JIT in window %.1f-%.1f s (%s, %d rows): C2 %.0f ms, %d traps%s%n", label, from, to,
                    w.side(), w.rows(), busy * 1000, inWindow.size(), longCompiles.isEmpty() ? "" : "; compiles over 50 ms: " + String.join(", ", longCompiles));
            inWindow.stream().map(t -> t.reason() + " " + t.site()).distinct().limit(5)
                    .forEach(site -> System.out.printf("[capture-bench]       trap %s%n", site));
        }
    }

    /** "org.hibernate.engine.spi.ActionQueue executeActions (...)V" -> "ActionQueue.executeActions". */
    private static String shortName(String method) {
        String[] parts = method.split(" ");
        String type = parts[0].substring(parts[0].lastIndexOf('.') + 1);
        return parts.length > 1 ? type + "." + parts[1] : type;
    }
}
