package dev.rowcast.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process of a benchmark harness speaking a line protocol: commands on stdin,
 * "WORD args..." answers on stdout. Every child still running when the harness exits is killed.
 */
public final class LineChild implements AutoCloseable {

    private static final List<LineChild> LIVE = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(LineChild::kill)));
    }

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final Predicate<String> echo;
    private final Duration quitWait;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** The last lines that were not answers, for the error when an answer never comes. */
    private final Deque<String> tail = new ArrayDeque<>();

    /**
     * @param mergeStderr true: stderr joins stdout (and {@code echo} decides what is shown); false: it goes to ours
     * @param echo which of the lines that are not answers to print, prefixed with the child's name
     * @param quitWait how long {@link #close()} waits after "quit" before it kills the child
     */
    public LineChild(String name, Path dir, List<String> command, boolean mergeStderr, Predicate<String> echo, Duration quitWait)
            throws IOException {
        this.name = name;
        this.echo = echo;
        this.quitWait = quitWait;
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        if (mergeStderr) builder.redirectErrorStream(true);
        else builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        this.process = builder.start();
        LIVE.add(this);
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) lines.add(line);
            } catch (IOException ignored) {
                // the process ended; await() reports it
            }
        }, "bench-" + name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    public long pid() {
        return process.pid();
    }

    public void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(name + " (pid " + process.pid() + ") no longer reads its commands", e);
        }
    }

    public void closeStdin() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** The next line starting with {@code word}, split on spaces. */
    public String[] await(String word, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String line = lines.poll(Math.max(1, Math.min(200_000_000L, deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
                if (line != null) {
                    if (line.startsWith(word + " ") || line.equals(word)) return line.split(" ");
                    if (echo.test(line)) System.out.println("[" + name + "] " + line);
                    tail.add(line);
                    if (tail.size() > 40) tail.removeFirst();
                } else if (System.nanoTime() >= deadline) {
                    throw new IllegalStateException(name + ": no '" + word + "' within " + timeout.toSeconds() + " s" + lastLines());
                } else if (!process.isAlive() && lines.isEmpty()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + " before answering '" + word + "'"
                            + lastLines());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": interrupted waiting for '" + word + "'", e);
        }
    }

    private String lastLines() {
        return tail.isEmpty() ? "" : "; its last lines:\n  " + String.join("\n  ", tail);
    }

    @Override
    public void close() {
        try {
            send("quit");
            if (!process.waitFor(quitWait.toMillis(), TimeUnit.MILLISECONDS)) kill();
        } catch (RuntimeException | InterruptedException e) {
            kill();
        } finally {
            LIVE.remove(this);
        }
    }

    /** Waits for the child to end by itself (after {@link #closeStdin()}, say); kills it past the timeout. */
    public void awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        } finally {
            LIVE.remove(this);
        }
    }

    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
