package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code java -jar rowcast-agent.jar ...}: the checks a user runs before attaching the agent. */
class CommandLineIT {

    private static Path dir;

    record Run(int exitCode, String output) {}

    @BeforeAll
    static void workDir() throws Exception {
        dir = TestApps.workDir("command-line");
    }

    /** Runs the built jar as a program in {@link #dir}, stdout and stderr together. */
    static Run agentJar(Path workingDir, String... args) throws Exception {
        return agentJar(workingDir, List.of(), args);
    }

    /** As {@link #agentJar(Path, String...)}, with options for the JVM before {@code -jar}. */
    static Run agentJar(Path workingDir, List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(ChildJvm.javaHome(), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", ChildJvm.AGENT_JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true);
        // the test's own environment must not choose the config, nor add a JVM's "Picked up ..." line
        builder.environment().remove("ROWCAST_CONFIG");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        Path log = Files.createTempFile(workingDir, "command-", ".log");
        Process process = builder.redirectOutput(log.toFile()).start();
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("still running after 60 s: " + command + "\n" + output).isTrue();
        return new Run(process.exitValue(), output);
    }

    @Test
    void checkAcceptsAGoodFileAndSaysWhatItWouldServe() throws Exception {
        Files.writeString(dir.resolve("rowcast.yml"), """
                server: { host: 127.0.0.1, port: 3101 }
                auth: { required: true, token: { secret: "0123456789abcdef0123456789abcdef" } }
                collections:
                  notes: { table: notes, room: "board:{board}" }
                  posts: { entity: Post }
                """);
        Run run = agentJar(dir, "check"); // no file named: ./rowcast.yml, as the agent would find it
        assertThat(run.exitCode()).as(run.output()).isZero();
        // valid, with what it still gets wrong: rooms anyone may join, rows that reach nobody
        assertThat(run.output().strip().split("\n")).containsExactly(
                "rowcast.yml is valid: 2 collection(s) (notes, posts); Socket.IO on 127.0.0.1:3101/socket.io, token required",
                "rowcast.yml: warning: collection notes (board:{board}) sends each row to a room read from the row, but auth.rooms is not set, so any"
                        + " client may join any such room and receive its rows; set auth.rooms (e.g. [\"user:{sub}\"]) to let each socket"
                        + " into its own rooms only",
                "rowcast.yml: warning: collection posts names no room (room: or rooms:) and has broadcast: false, so every row it"
                        + " captures is dropped and counted in EventsDropped; give it a room template, or set broadcast: true to send"
                        + " its rows to every client");
    }

    @Test
    void checkListsEveryProblemWithItsLineAndFails() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yml"), "server: { prot: 3001 }\ncollections:\n  notes:\n    events: [create, explode]\n");
        Run run = agentJar(dir, "check", bad.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains(bad + ":1:").contains("unknown key 'prot' (did you mean 'port'?)")
                .contains(bad + ":4:").contains("'explode' is not one of create, update, delete");
    }

    /** The validator's own wording, from its message bundle, which moved with it under dev/rowcast/shaded. */
    @Test
    void checkNamesAMissingRequiredKey() throws Exception {
        Path config = Files.writeString(dir.resolve("cluster.yml"), "cluster: { keyPrefix: shop }\n");
        assertThat(failedCheck(config)).contains(config + ":1:10: cluster: required property 'redis' not found");
    }

    @Test
    void checkPointsAtAKeyFileThatHoldsNoKey() throws Exception {
        Files.writeString(dir.resolve("not-a-key.pem"), "not a key\n");
        Path config = Files.writeString(dir.resolve("pem.yml"), "auth:\n  required: true\n  token:\n    publicKey: not-a-key.pem\n");
        assertThat(failedCheck(config)).startsWith(config + ":4:16: auth.token.publicKey holds no PEM block");
    }

    @Test
    void checkSaysWhichKeyTooShortAClusterStreamComesFrom() throws Exception {
        Path config = Files.writeString(dir.resolve("stream.yml"), """
                server: { recovery: { maxEvents: 50 } }
                cluster: { redis: "redis://localhost:6379" }
                """);
        assertThat(failedCheck(config)).startsWith(config + ":1:34: server.recovery.maxEvents is the length of the cluster's Redis"
                + " stream, and must be at least 100 with cluster:, got 50");
    }

    /** The output of {@code check config}, which must fail with exit code 1. */
    private static String failedCheck(Path config) throws Exception {
        Run run = agentJar(dir, "check", config.toString());
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        return run.output();
    }

    @Test
    void checkRefusesAShortSecretWithoutPrintingIt() throws Exception {
        Path config = Files.writeString(dir.resolve("short.yml"), "auth: { required: true, token: { secret: too-short } }\n");
        Run run = agentJar(dir, "check", config.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("auth.token.secret").contains("at least 32 bytes").doesNotContain("too-short");
    }

    @Test
    void checkNamesAMissingFile() throws Exception {
        Run run = agentJar(dir, "check", "nowhere.yml");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).startsWith("nowhere.yml: no such file");
    }

    @Test
    void withoutACommandItPrintsItsUsage() throws Exception {
        Run run = agentJar(dir);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.output()).contains("Usage: java -jar rowcast-agent.jar <command>").contains("check").contains("attach <pid>");
        Run unknown = agentJar(dir, "start");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.output()).startsWith("rowcast: unknown command 'start'");
    }

    @Test
    void attachToAProcessThatIsNotThereSaysSo() throws Exception {
        long gone = Integer.MAX_VALUE; // above Linux's largest pid_max (2^22) and any other system's pids
        Run run = agentJar(dir, "attach", String.valueOf(gone));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).startsWith("rowcast: cannot attach to process " + gone);
    }

    @Test
    void attachChecksTheConfigHereFirstAndDoesNotAttachWithABadOne() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad-attach.yml"), "collections:\n  notes:\n    events: [explode]\n");
        // a process that exists: this test's own JVM; a bad config never gets as far as attaching to it
        Run run = agentJar(dir, "attach", String.valueOf(ProcessHandle.current().pid()), "config=bad-attach.yml");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains(bad + ":3:").contains("'explode' is not one of create, update, delete")
                .contains("not attached").contains("--no-check").doesNotContain("Rowcast loaded");
    }

    @Test
    void attachRefusesWhatIsNotAProcessIdOrAConfigArgument() throws Exception {
        for (String[] args : new String[][] {{"attach", "abc"}, {"attach", "-1"}, {"attach", "99999999999"}, {"attach", "\u0663\u0664"},
                {"attach", "123", "rowcast.yml"}, {"attach"}}) {
            Run run = agentJar(dir, args);
            assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.output()).isEqualTo(2);
            assertThat(run.output()).startsWith("rowcast: ").contains("Usage: java -jar rowcast-agent.jar");
        }
    }

    @Test
    void attachFromAJavaWithoutTheAttachApiSaysToUseAJdk() throws Exception {
        Run run = agentJar(dir, List.of("--limit-modules", "java.base"), "attach", "1");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output().strip()).isEqualTo("rowcast: this java has no attach API (module jdk.attach): run the command with a JDK's java");
    }

    @Test
    void versionIsTheBuiltOne() throws Exception {
        Run run = agentJar(dir, "version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.output().strip()).matches("Rowcast agent \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }
}
