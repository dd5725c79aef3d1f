package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * End to end: a JDBC app with the built agent, and the official socket.io-client (Node) connected
 * to the agent's server. A committed row reaches the client; a row for a room it is not in does not;
 * with {@code auth.required} only a valid token connects, and it joins only the rooms it may.
 */
class SocketIoClientIT {

    private final List<Process> processes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopProcesses() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process start(List<String> command, Path dir, List<String> lines) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        processes.add(process);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The serving app with the agent and {@code collections}, and one client connected to it (no token, no rooms). */
    private record Served(Process app, List<String> appOut, List<String> clientOut, Writer stdin) {}

    private Served serveWithAClient(String workDir, String collections) throws Exception {
        String classpath = TestApps.compile("serve", System.getProperty("rowcast.h2Jar"), "h2", UnaryOperator.identity());
        int port = freePort();
        Path dir = TestApps.workDir(workDir);
        Path config = Files.writeString(dir.resolve("rowcast.yml"), "server: { host: 127.0.0.1, port: " + port + " }\n" + collections);
        List<String> appOut = new CopyOnWriteArrayList<>();
        Process app = start(List.of(Path.of(ChildJvm.javaHome(), "bin", "java").toString(),
                "-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath() + "=config=" + config,
                "-cp", classpath, "app.ServeApp"), dir, appOut);
        await().atMost(Duration.ofSeconds(60)).until(() -> appOut.stream().anyMatch(l -> l.contains("Socket.IO server listening"))
                && appOut.contains("ready"));
        List<String> clientOut = new CopyOnWriteArrayList<>();
        Path node = Path.of(System.getProperty("rowcast.nodeDir", "src/test/node"));
        start(List.of("node", node.resolve("receive.mjs").toAbsolutePath().toString(), "http://127.0.0.1:" + port, "30000"),
                node, clientOut);
        await().atMost(Duration.ofSeconds(30)).until(() -> clientOut.stream().anyMatch(l -> l.startsWith("{\"connected\"")));
        return new Served(app, appOut, clientOut, new java.io.OutputStreamWriter(app.getOutputStream(), StandardCharsets.UTF_8));
    }

    @Test
    void committedRowReachesTheClientAndARoomRowDoesNotLeak() throws Exception {
        Served served = serveWithAClient("socket-io-client", """
                collections:
                  messages: { table: messages, room: "chat:{chat}" }
                  notices: { table: notices, broadcast: true }
                """);
        Process app = served.app();
        List<String> clientOut = served.clientOut();
        Writer stdin = served.stdin();
        stdin.write("write\n");
        stdin.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> clientOut.stream().anyMatch(l -> l.contains("realtime:notices")));
        // the message row was committed before the notice in the same transaction, so had it been
        // sent to this client it would have arrived first
        List<String> events = clientOut.stream().filter(l -> l.startsWith("{\"event\"")).toList();
        assertThat(events).hasSize(1);
        assertThat(events.get(0)).startsWith("{\"event\":\"realtime:notices\",\"args\":[{\"operation\":\"create\",\"collection\":\"notices\","
                + "\"data\":{\"id\":1,\"title\":\"for everyone\",\"at\":\"2024-05-06T07:08:09Z\"},\"id\":1,\"ts\":");
        stdin.write("exit\n");
        stdin.flush();
        assertThat(app.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(app.exitValue()).isZero();
    }

    @Test
    void aRowCommittedAsTheAppEndsStillReachesTheClientAndTheAppExits() throws Exception {
        Served served = serveWithAClient("socket-io-client-exit", """
                collections:
                  notices: { table: notices, broadcast: true }
                """);
        Process app = served.app();
        Writer stdin = served.stdin();

        // main() returns right after the commit: the agent's threads must neither keep the JVM alive nor lose the row
        stdin.write("write\nexit\n");
        stdin.flush();
        assertThat(app.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as(String.join("\n", served.appOut())).isTrue();
        assertThat(app.exitValue()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(served.clientOut()).anyMatch(l -> l.contains("realtime:notices")));
    }

    private static final String SECRET = "an-it-secret-that-is-long-enough-for-hs256";

    private static String token(String secret, String subject) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .subject(subject).expirationTime(new Date(System.currentTimeMillis() + 600_000)).build());
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    private List<String> client(int port, String token, String... rooms) throws Exception {
        List<String> out = new CopyOnWriteArrayList<>();
        Path node = Path.of(System.getProperty("rowcast.nodeDir", "src/test/node"));
        List<String> command = new java.util.ArrayList<>(List.of("node", node.resolve("receive.mjs").toAbsolutePath().toString(),
                "http://127.0.0.1:" + port, "30000", token));
        command.addAll(List.of(rooms));
        start(command, node, out);
        return out;
    }

    @Test
    void withRequiredAuthATokenHolderGetsItsUserRoomOnlyAndABadTokenIsRefused() throws Exception {
        String classpath = TestApps.compile("serve", System.getProperty("rowcast.h2Jar"), "h2", UnaryOperator.identity());
        int port = freePort();
        Path dir = TestApps.workDir("socket-io-client");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), """
                server: { host: 127.0.0.1, port: %d }
                auth:
                  required: true
                  token: { secret: %s }
                  rooms: ["user:{sub}"]
                collections:
                  notifications: { table: notifications, room: "user:{user_id}" }
                """.formatted(port, SECRET));
        List<String> appOut = new CopyOnWriteArrayList<>();
        Process app = start(List.of(Path.of(ChildJvm.javaHome(), "bin", "java").toString(),
                "-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath() + "=config=" + config,
                "-cp", classpath, "app.ServeApp"), dir, appOut);
        await().atMost(Duration.ofSeconds(60)).until(() -> appOut.stream().anyMatch(l -> l.contains("Socket.IO server listening"))
                && appOut.contains("ready"));

        List<String> user1 = client(port, token(SECRET, "1"), "user:1", "user:2");
        List<String> forged = client(port, token("a-different-secret-of-the-same-good-length", "1"), "user:1");
        List<String> anonymous = client(port, "-", "user:1");
        await().atMost(Duration.ofSeconds(30)).until(() -> user1.contains("{\"ready\":true}")
                && !forged.isEmpty() && !anonymous.isEmpty());
        assertThat(user1).contains("{\"join\":\"user:1\",\"ack\":{\"ok\":true}}");
        assertThat(user1).anyMatch(l -> l.startsWith("{\"join\":\"user:2\",\"ack\":{\"ok\":false"));
        assertThat(forged).containsExactly("{\"connect_error\":\"Invalid token\"}");
        assertThat(anonymous).containsExactly("{\"connect_error\":\"Missing token\"}");

        Writer stdin = new java.io.OutputStreamWriter(app.getOutputStream(), StandardCharsets.UTF_8);
        stdin.write("notify 2\nnotify 1\n");
        stdin.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> user1.stream().anyMatch(l -> l.contains("realtime:notifications")));
        // user 2's row was committed first, so had it been sent to user 1 it would have arrived first
        List<String> events = user1.stream().filter(l -> l.startsWith("{\"event\"")).toList();
        assertThat(events).hasSize(1);
        assertThat(events.get(0)).startsWith("{\"event\":\"realtime:notifications\",\"args\":[{\"operation\":\"create\","
                + "\"collection\":\"notifications\",\"data\":{\"id\":2,\"user_id\":1,\"message\":\"for user 1\"}");
        stdin.write("exit\n");
        stdin.flush();
        assertThat(app.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
}
