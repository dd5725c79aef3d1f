package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Agent-Class: the agent attached to an app that is already running captures its later commits. */
class AttachIT {

    private Process app;

    @AfterEach
    void stopApp() {
        if (app != null) {
            app.destroyForcibly();
        }
    }

    /** Attached with the jar's own command, the config named relative to the command's directory, not the app's. */
    @Test
    void agentAttachedToARunningAppCapturesLaterCommits() throws Exception {
        String classpath = TestApps.compile("serve", System.getProperty("rowcast.h2Jar"), "h2", UnaryOperator.identity());
        List<CaptureLog.Line> lines = writeAttachWrite(classpath, "app.ServeApp", """
                collections:
                  notices: { table: notices, broadcast: true }
                """, (pid, config) -> {
                    if (Files.isReadable(Path.of("/proc/self/environ"))) { // how the command sees what the app's JVM would find
                        // without config= the app's JVM would look in its own directory, which has no rowcast.yml: said here, not attached
                        CommandLineIT.Run unnamed = CommandLineIT.agentJar(config.getParent(), "attach", String.valueOf(pid));
                        assertThat(unnamed.exitCode()).as(unnamed.output()).isEqualTo(1);
                        assertThat(unnamed.output()).startsWith("rowcast: process " + pid + " would find no rowcast.yml")
                                .contains("attach " + pid + " config=<file>").doesNotContain("Rowcast loaded");
                    }

                    CommandLineIT.Run run = CommandLineIT.agentJar(config.getParent(), "attach", String.valueOf(pid),
                            "config=" + config.getFileName());
                    assertThat(run.exitCode()).as(run.output()).isZero();
                    // the command checks the file first, as check would, then attaches
                    assertThat(run.output()).startsWith(config + " is valid: 1 collection(s) (notices)")
                            .contains("Rowcast loaded into process " + pid + " with config=" + config)
                            .contains("Rowcast in process " + pid + " is capturing 1 collection(s)");

                    // a JVM takes the agent once: a second attach is refused, not ignored in the app's log
                    CommandLineIT.Run again = CommandLineIT.agentJar(config.getParent(), "attach", String.valueOf(pid),
                            "config=" + config.getFileName());
                    assertThat(again.exitCode()).as(again.output()).isEqualTo(1);
                    assertThat(again.output()).contains("rowcast: Rowcast already runs in process " + pid + " (with " + config + ")")
                            .doesNotContain("Rowcast loaded");
                });
        // only the write after the attach: ids start at 1, so the second write is id 2
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).payload().get("id").asInt()).isEqualTo(2);
    }

    /**
     * The file reads a variable the app has and this shell lacks: the check before attaching reads the app's
     * environment (through /proc). An agent that stays inert in the app is said by the command, which fails.
     */
    @Test
    void attachChecksWithTheAppsEnvironmentAndSaysWhenTheAgentStaysInert() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/environ")), "the app's environment is read through /proc");
        String classpath = TestApps.compile("serve", System.getProperty("rowcast.h2Jar"), "h2", UnaryOperator.identity());
        Path dir = TestApps.workDir("attach-environment");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), """
                server: { host: 127.0.0.1, port: 0 }
                auth: { required: true, token: { secret: "${ATTACH_IT_SECRET}" } }
                collections:
                  notices: { table: notices, broadcast: true }
                """);
        for (boolean appHasIt : new boolean[] {true, false}) {
            ProcessBuilder builder = new ProcessBuilder(Path.of(ChildJvm.javaHome(), "bin", "java").toString(), "-cp", classpath, "app.ServeApp")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("app-" + appHasIt + ".log").toFile());
            builder.environment().remove("ATTACH_IT_SECRET");
            if (appHasIt) {
                builder.environment().put("ATTACH_IT_SECRET", "0123456789abcdef0123456789abcdef");
            }
            app = builder.start();
            Path log = dir.resolve("app-" + appHasIt + ".log");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("ready"));
            String pid = String.valueOf(app.pid());
            CommandLineIT.Run run = appHasIt
                    ? CommandLineIT.agentJar(dir, "attach", pid, "config=" + config)
                    : CommandLineIT.agentJar(dir, "attach", pid, "config=" + config, "--no-check");
            if (appHasIt) {
                assertThat(run.exitCode()).as(run.output()).isZero();
                assertThat(run.output()).contains("Rowcast in process " + pid + " is capturing 1 collection(s)");
            } else {
                assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
                assertThat(run.output()).contains("rowcast: Rowcast in process " + pid + " stays inert: config error")
                        .contains("ATTACH_IT_SECRET");
            }
            app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The factory was built before the agent came: it is found in Hibernate's registry. */
    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void agentAttachedToARunningHibernateAppCapturesTheLaterCommitsOfItsFactory(String version) throws Exception {
        UnaryOperator<String> imports = TestApps.persistenceImports(version);
        String classpath = TestApps.compile("hibernate", TestApps.libraries("hibernate-" + version), version, imports);
        List<CaptureLog.Line> lines = writeAttachWrite(classpath, "app.HibernateServeApp", """
                collections:
                  items: { entity: Item, room: "owner:{owner}" }
                """, AttachIT::attachWithTheApi);
        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(line.event()).isEqualTo("realtime:items");
            assertThat(line.operation()).isEqualTo("create");
            assertThat(line.payload().get("data").get("name").asText()).isEqualTo("item 2");
            assertThat(line.rooms()).containsExactly("owner:1");
        });
    }

    /**
     * A factory that never entered Hibernate's registry (Quarkus builds its own SessionFactoryImpl),
     * built before the agent came: found by its next session, whose commit is captured.
     */
    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void aFactoryOutsideHibernatesRegistryIsFoundByItsNextSession(String version) throws Exception {
        UnaryOperator<String> imports = TestApps.persistenceImports(version);
        String classpath = TestApps.compile("hibernate", TestApps.libraries("hibernate-" + version), version, imports);
        List<CaptureLog.Line> lines = writeAttachWrite(classpath, List.of("-Dapp.unregistered=true"), "app.HibernateServeApp", """
                collections:
                  items: { entity: Item, room: "owner:{owner}" }
                """, AttachIT::attachWithTheApi);
        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(line.event()).isEqualTo("realtime:items");
            assertThat(line.payload().get("data").get("name").asText()).isEqualTo("item 2");
            assertThat(line.rooms()).containsExactly("owner:1");
        });
    }

    /**
     * Statements the app prepared before the agent came and kept (as Ebean's pool keeps
     * statements): their later writes are captured, with their values, and the key one asked the
     * database to generate.
     */
    @Test
    void aStatementKeptFromBeforeTheAgentCameIsCaptured() throws Exception {
        String classpath = TestApps.compile("serve", System.getProperty("rowcast.h2Jar"), "h2", UnaryOperator.identity());
        Path dir = TestApps.workDir("attach-kept");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), """
                server: { host: 127.0.0.1, port: 0 }
                collections:
                  messages: { table: messages, room: "chat:{chat}" }
                  posts: { table: posts, room: "post:{id}" }
                """);
        Path captureLog = dir.resolve("capture.jsonl");
        Running running = start(classpath, "app.ServeApp", captureLog);
        await().atMost(Duration.ofSeconds(60)).until(() -> running.out().contains("ready"));
        running.send("kept");
        running.send("keyed");
        await().atMost(Duration.ofSeconds(30)).until(() -> running.out().contains("wrote keyed 1"));

        attachWithTheApi(app.pid(), config);
        await().atMost(Duration.ofSeconds(30)).until(() -> running.saw("(attached to a running JVM)"));
        running.send("kept");
        running.send("keyed");
        running.send("exit");
        assertThat(app.waitFor(60, TimeUnit.SECONDS)).as(String.join("\n", running.out())).isTrue();

        List<CaptureLog.Line> lines = CaptureLog.read(captureLog);
        assertThat(lines).extracting(line -> line.payload().get("data").toString())
                .containsExactly("{\"id\":2,\"chat\":7,\"content\":\"kept 2\"}", "{\"id\":2,\"chat\":7,\"title\":\"keyed 2\"}");
        assertThat(lines).extracting(CaptureLog.Line::rooms).containsExactly(List.of("chat:7"), List.of("post:2"));
    }

    /** How a test attaches the agent to the app's process with the config file. */
    private interface Attacher {
        void attach(long pid, Path config) throws Exception;
    }

    private static void attachWithTheApi(long pid, Path config) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
        try {
            vm.loadAgent(ChildJvm.AGENT_JAR.toAbsolutePath().toString(), "config=" + config);
        } finally {
            vm.detach();
        }
    }

    /** A factory halfway through its constructor as the agent came is hooked once it is built. */
    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void aFactoryBeingBuiltWhenTheAgentComesIsHookedOnceBuilt(String version) throws Exception {
        String classpath = TestApps.compile("hibernate", TestApps.libraries("hibernate-" + version), version,
                TestApps.persistenceImports(version));
        Path dir = TestApps.workDir("attach");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), """
                server: { host: 127.0.0.1, port: 0 }
                collections:
                  items: { entity: Item, room: "owner:{owner}" }
                """);
        Path captureLog = dir.resolve("capture.jsonl");
        Running running = start(classpath, "app.SlowFactoryApp", captureLog);
        await().atMost(Duration.ofSeconds(60)).until(() -> running.out().contains("building"));

        attachWithTheApi(app.pid(), config);
        await().atMost(Duration.ofSeconds(30)).until(() -> running.saw("(attached to a running JVM)"));
        running.send("go");
        await().atMost(Duration.ofSeconds(30)).until(() -> running.out().contains("ready"));
        await().atMost(Duration.ofSeconds(10)).until(() -> running.saw("Hibernate post-commit listeners added"));
        running.send("write");
        await().atMost(Duration.ofSeconds(30)).until(() -> running.out().contains("written"));
        running.send("exit");
        assertThat(app.waitFor(60, TimeUnit.SECONDS)).as(String.join("\n", running.out())).isTrue();

        assertThat(CaptureLog.read(captureLog)).singleElement().satisfies(line -> {
            assertThat(line.operation()).isEqualTo("create");
            assertThat(line.payload().get("data").get("name").asText()).isEqualTo("item 1");
            assertThat(line.rooms()).containsExactly("owner:1");
        });
    }

    /**
     * Starts {@code mainClass}, has it write once, attaches the agent with {@code collections},
     * has it write again and exit; returns what the agent captured.
     */
    private List<CaptureLog.Line> writeAttachWrite(String classpath, String mainClass, String collections, Attacher attacher)
            throws Exception {
        return writeAttachWrite(classpath, List.of(), mainClass, collections, attacher);
    }

    private List<CaptureLog.Line> writeAttachWrite(String classpath, List<String> jvmOptions, String mainClass, String collections,
                                                   Attacher attacher) throws Exception {
        Path dir = TestApps.workDir("attach");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), "server: { host: 127.0.0.1, port: 0 }\n" + collections);
        Path captureLog = dir.resolve("capture.jsonl");
        Running running = start(classpath, jvmOptions, mainClass, captureLog);
        await().atMost(Duration.ofSeconds(60)).until(() -> running.out().contains("ready"));
        running.send("write");
        await().atMost(Duration.ofSeconds(30)).until(() -> running.out().contains("written"));

        attacher.attach(app.pid(), config);
        await().atMost(Duration.ofSeconds(30)).until(() -> running.saw("(attached to a running JVM)"));
        running.send("write");
        running.send("exit");
        assertThat(app.waitFor(60, TimeUnit.SECONDS)).as(String.join("\n", running.out())).isTrue();
        return CaptureLog.read(captureLog);
    }

    /** The app's output lines so far, and its stdin. */
    private record Running(List<String> out, Writer stdin) {
        boolean saw(String text) {
            return out.stream().anyMatch(line -> line.contains(text));
        }

        void send(String line) throws Exception {
            stdin.write(line + "\n");
            stdin.flush();
        }
    }

    /** Starts {@code mainClass} as {@link #app}, without the agent, its capture log (once attached) at {@code captureLog}. */
    private Running start(String classpath, String mainClass, Path captureLog) throws Exception {
        return start(classpath, List.of(), mainClass, captureLog);
    }

    private Running start(String classpath, List<String> jvmOptions, String mainClass, Path captureLog) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(ChildJvm.javaHome(), "bin", "java").toString(),
                "-Drowcast.debug.captureLog=" + captureLog));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, mainClass));
        app = new ProcessBuilder(command).redirectErrorStream(true).start();
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
        return new Running(out, new OutputStreamWriter(app.getOutputStream(), StandardCharsets.UTF_8));
    }
}
