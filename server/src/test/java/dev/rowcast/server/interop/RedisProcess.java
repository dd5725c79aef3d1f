package dev.rowcast.server.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's package) on a free port, installed with apt-get when missing, as
 * the browser tests install chromium. Nothing is saved to disk; {@link #stop()} kills it.
 */
final class RedisProcess implements AutoCloseable {
    private final int port;
    private Process process;

    private RedisProcess(int port) {
        this.port = port;
    }

    static RedisProcess start() throws Exception {
        RedisProcess redis = new RedisProcess(freePort());
        redis.launch();
        return redis;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** Starts it again on the same port, empty (as a Redis restarted without persistence). */
    synchronized void launch() throws Exception {
        if (process != null && process.isAlive()) return;
        String binary = binary();
        process = new ProcessBuilder(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "no"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!ping()) {
            if (!process.isAlive()) throw new IllegalStateException(binary + " exited with " + process.exitValue() + " on port " + port);
            if (System.nanoTime() > deadline) throw new IllegalStateException(binary + " did not answer PING on port " + port + " within 10 s");
            Thread.sleep(20);
        }
    }

    synchronized void stop() throws InterruptedException {
        if (process == null) return;
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private boolean ping() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(1_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[7];
            int n = in.read(reply);
            return n > 0 && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private static String binary() throws Exception {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) return candidate;
        }
        // as the browser tests do with chromium: refresh the package lists (a fresh machine may have none), then install
        List<String> sudo = "root".equals(System.getProperty("user.name")) ? List.of() : List.of("sudo", "-n");
        List<String> install = concat(sudo, List.of("apt-get", "install", "-y", "-qq", "redis-server"));
        run(concat(sudo, List.of("apt-get", "update", "-qq"))); // a failed refresh may still leave the package installable
        if (!run(install) || !Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
            throw new IllegalStateException("redis-server is missing and '" + String.join(" ", install)
                    + "' failed; install Debian's redis-server package to run the cluster tests");
        }
        return "/usr/bin/redis-server";
    }

    private static boolean run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process process = builder.start();
        return process.waitFor(5, TimeUnit.MINUTES) && process.exitValue() == 0;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
