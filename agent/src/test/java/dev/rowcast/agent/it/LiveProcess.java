package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process the test talks to while it runs (an app with the agent, or the Node
 * socket.io-client of src/test/node/receive.mjs): its output lines as they come, its stdin a line at a time.
 */
final class LiveProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LiveProcess(String name, List<String> command, Path dir) throws IOException {
        this.name = name;
        this.process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code java -javaagent:rowcast-agent.jar=config=...} followed by {@code args} (JVM options, then -cp/-jar and the app). */
    static LiveProcess javaWithAgent(String name, Path dir, Path config, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(ChildJvm.javaHome(), "bin", "java").toString(),
                "-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath() + "=config=" + config,
                "-Xmx256m", "-XX:TieredStopAtLevel=1"));
        command.addAll(args);
        return new LiveProcess(name, command, dir);
    }

    /** The official socket.io-client connected to {@code port} without a token, joined to {@code rooms}; prints {"ready":true} once joined. */
    static LiveProcess socketIoClient(String name, int port, String... rooms) throws IOException {
        Path node = Path.of(System.getProperty("rowcast.nodeDir", "src/test/node")).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of("node", node.resolve("receive.mjs").toString(),
                "http://127.0.0.1:" + port, "120000", "-"));
        command.addAll(List.of(rooms));
        return new LiveProcess(name, command, node);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    String output() {
        return String.join("\n", lines);
    }

    /** Waits until a line matches; fails with everything the process printed. */
    void awaitLine(Duration timeout, Predicate<String> line) {
        await().atMost(timeout)
                .failFast(() -> assertThat(process.isAlive() || lines.stream().anyMatch(line))
                        .as("%s ended early:%n%s", name, output()).isTrue())
                .untilAsserted(() -> assertThat(lines).as("%s printed:%n%s", name, output()).anyMatch(line));
    }

    void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(name + " no longer reads its stdin:\n" + output(), e);
        }
    }

    /** The events received by a {@link #socketIoClient}, in arrival order: {"event":..., "args":[...]}. */
    List<JsonNode> events() throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("{\"event\"")) {
                events.add(JSON.readTree(line));
            }
        }
        return events;
    }

    int waitForExit(Duration timeout) throws InterruptedException {
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("%s did not exit:%n%s", name, output()).isTrue();
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
