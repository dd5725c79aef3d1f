package dev.rowcast.bench.startup;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * The measured app's first code: prints when main() was reached, then runs the real main class
 * named by the first argument (none: the hello-world app, which only prints a line).
 *
 * <p>{@code System.nanoTime()} is CLOCK_MONOTONIC on Linux, the same clock in every process, so
 * the harness subtracts its own reading taken just before the launch. The figure since process
 * start ({@code ProcessHandle}) is only as fine as the kernel's 10 ms clock ticks; it is printed
 * for runs without the harness.
 */
public final class TimedMain {

    static final String MARK = "[startup] main-reached-nanos=";

    private TimedMain() {}

    public static void main(String[] args) throws Throwable {
        long reached = System.nanoTime();
        Instant now = Instant.now();
        String sinceStart = ProcessHandle.current().info().startInstant()
                .map(start -> Duration.between(start, now).toMillis() + " ms since process start (10 ms ticks)")
                .orElse("process start unknown");
        System.out.println(MARK + reached + " (" + sinceStart + ")");
        if (args.length == 0) {
            System.out.println("hello from the app");
            return;
        }
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }
}
