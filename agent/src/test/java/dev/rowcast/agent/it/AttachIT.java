package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Agent-Class: the agent attached to an app that is already running captures its later commits. */
class AttachIT {

    private Process app;

    @AfterEach
    void stopApp() {
        if (app != null) {
            app.destroyForcibly();
        }
    }

    @Test
    void agentAttachedToARunningAppCapturesLaterCommits() throws Exception {
        String classpath = TestApps.compile("serve", System.getProperty("rowcast.h2Jar"), "h2", UnaryOperator.identity());
        Path dir = Files.createTempDirectory("rowcast-it-");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), """
                server: { host: 127.0.0.1, port: 0 }
                collections:
                  notices: { table: notices, broadcast: true }
                """);
        Path captureLog = dir.resolve("capture.jsonl");
        app = new ProcessBuilder(Path.of(ChildJvm.javaHome(), "bin", "java").toString(),
                "-Drowcast.debug.captureLog=" + captureLog, "-cp", classpath, "app.ServeApp")
                .redirectErrorStream(true).start();
        List<String> out = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    out.add(line);
                }
            } catch (Exception ignored) {
                // the app ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        Writer stdin = new OutputStreamWriter(app.getOutputStream(), StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(60)).until(() -> out.contains("ready"));
        stdin.write("write\n");
        stdin.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> out.contains("written"));

        VirtualMachine vm = VirtualMachine.attach(String.valueOf(app.pid()));
        try {
            vm.loadAgent(ChildJvm.AGENT_JAR.toAbsolutePath().toString(), "config=" + config);
        } finally {
            vm.detach();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> out.stream().anyMatch(l -> l.contains("(attached to a running JVM)")));
        stdin.write("write\n");
        stdin.write("exit\n");
        stdin.flush();
        assertThat(app.waitFor(60, TimeUnit.SECONDS)).as(String.join("\n", out)).isTrue();
        // only the write after the attach: ids start at 1, so the second write is id 2
        List<CaptureLog.Line> lines = CaptureLog.read(captureLog);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).payload().get("id").asInt()).isEqualTo(2);
    }
}
