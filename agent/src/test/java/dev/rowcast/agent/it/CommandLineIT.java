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
        List<String> command = new ArrayList<>(List.of(Path.of(ChildJvm.javaHome(), "bin", "java").toString(),
                "-jar", ChildJvm.AGENT_JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
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
        assertThat(run.output().strip())
                .isEqualTo("rowcast.yml is valid: 2 collection(s) (notes, posts); Socket.IO on 127.0.0.1:3101/socket.io, token required");
    }

    @Test
    void checkListsEveryProblemWithItsLineAndFails() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yml"), "server: { prot: 3001 }\ncollections:\n  notes:\n    events: [create, explode]\n");
        Run run = agentJar(dir, "check", bad.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains(bad + ":1:").contains("unknown key 'prot' (did you mean 'port'?)")
                .contains(bad + ":4:").contains("'explode' is not one of create, update, delete");
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
    void versionIsTheBuiltOne() throws Exception {
        Run run = agentJar(dir, "version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.output().strip()).matches("Rowcast agent \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }
}
