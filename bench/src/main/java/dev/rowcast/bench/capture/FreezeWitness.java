package dev.rowcast.bench.capture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * A process that only sleeps 1 ms at a time, pinned by the latency harness to one CPU, and notes
 * each sleep that ended 3 ms late or more: a moment when that CPU did not run it. The host holding
 * the virtual core back does that (the steal read beside it says when), as would anything else the
 * machine ran there first; whatever the app or its clients had on that core waited too. It prints
 * {@code READY}, then, once its stdin ends or says {@code quit}, {@code GAPS <start>:<end> ...}
 * (System.nanoTime, the clock the app and the clients stamp their events with), each gap from
 * when the sleep should have ended to when it did.
 */
public final class FreezeWitness {

    static final long SLEEP_NANOS = 1_000_000;
    static final long LATE_NANOS = 3_000_000;

    private static volatile boolean done;

    private FreezeWitness() {}

    public static void main(String[] args) {
        Thread stdin = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
                    // nothing else to read
                }
            } catch (IOException ignored) {
                // the harness went away: end as if told to
            }
            done = true;
        }, "witness-stdin");
        stdin.setDaemon(true);
        stdin.start();
        StringBuilder gaps = new StringBuilder("GAPS");
        System.out.println("READY");
        long before = System.nanoTime();
        while (!done) {
            LockSupport.parkNanos(SLEEP_NANOS);
            long now = System.nanoTime();
            if (now - before >= SLEEP_NANOS + LATE_NANOS) {
                // from when it should have woken to when it did
                gaps.append(' ').append(before + SLEEP_NANOS).append(':').append(now);
            }
            before = now;
        }
        System.out.println(gaps);
    }
}
