package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How the agent starts (SPEC §2): config lookup, inert without a file, a bad file never kills the app unless asked to. */
class AgentStartupIT {

    private static String classpath;
    private static Path dir;

    @BeforeAll
    static void compile() throws Exception {
        classpath = TestApps.compile("hello", "", "plain", UnaryOperator.identity());
        dir = TestApps.workDir("agent-startup");
    }

    private static ChildJvm.Result run(String agentArgs, String... jvmArgs) throws Exception {
        return ChildJvm.run(ChildJvm.javaHome(), agentArgs, List.of(jvmArgs), classpath, "app.Hello");
    }

    private static long rowcastLines(String output) {
        return output.lines().filter(l -> l.contains("[rowcast]")).count();
    }

    @Test
    void withoutAConfigFileTheAgentLogsOneLineAndStaysInert() throws Exception {
        ChildJvm.Result result = run("", "-Duser.dir=" + dir);
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("hello from the app").contains("[rowcast] no rowcast.yml found");
        assertThat(rowcastLines(result.output())).isEqualTo(1);
    }

    @Test
    void configNamedBySystemPropertyIsUsed() throws Exception {
        Path config = Files.writeString(dir.resolve("by-property.yml"), "server: { host: 127.0.0.1, port: 0 }\ncollections:\n  a: { table: a }\n");
        ChildJvm.Result result = run("", "-Drowcast.config=" + config);
        assertThat(result.exitCode()).isZero();
        // an app that ends before the hooks are in gets the verdict alone: it does not wait for them
        assertThat(result.output()).contains("hello from the app").containsAnyOf("[rowcast] capturing 1 collection(s) from " + config,
                "[rowcast] " + config + " is valid (1 collection(s)); the app ended");
        assertThat(rowcastLines(result.output())).isEqualTo(1);
    }

    @Test
    void invalidConfigIsOneClearLineAndTheAppRunsOn() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.yml"), "collections:\n  notes:\n    events: [create, explode]\n");
        ChildJvm.Result result = run("config=" + config);
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("hello from the app").contains("[rowcast] config error").contains(config + ":3:");
        assertThat(rowcastLines(result.output())).isEqualTo(1);
    }

    @Test
    void missingNamedConfigFileIsNamedInTheLog() throws Exception {
        ChildJvm.Result result = run("config=" + dir.resolve("nowhere.yml"));
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("hello from the app").contains("nowhere.yml").contains("no such file");
    }

    @Test
    void aMisspelledAgentArgumentIsSaidAndTheAppRunsOn() throws Exception {
        Path config = Files.writeString(dir.resolve("misspelled-argument.yml"), "server: { host: 127.0.0.1, port: 0 }\n");
        ChildJvm.Result result = run("conifg=" + config);
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("hello from the app")
                .contains("[rowcast] unknown agent argument 'conifg=" + config + "', ignored: the agent takes config=<path> alone"
                        + " (-javaagent:rowcast-agent.jar=config=" + config + ")");
    }

    @Test
    void failFastStopsTheAppOnAConfigError() throws Exception {
        Path config = Files.writeString(dir.resolve("bad-fail-fast.yml"), "collections: [1, 2]\n");
        ChildJvm.Result result = run("config=" + config, "-Drowcast.failFast=true");
        // exit code 1 and the problem said once: no JVM abort report, no stack trace repeating it
        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output()).doesNotContain("hello from the app").contains("[rowcast] config error")
                .doesNotContain("FATAL ERROR").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(result.output().split("collections", -1)).as(result.output()).hasSize(2);
    }

    @Test
    void shortSecretIsOneClearLineAndTheAppRunsOn() throws Exception {
        Path config = Files.writeString(dir.resolve("short-secret.yml"),
                "server: { host: 127.0.0.1, port: 0 }\nauth: { required: true, token: { secret: too-short } }\n");
        ChildJvm.Result result = run("config=" + config);
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("hello from the app").contains("[rowcast] config error")
                .contains(config + ":2:").contains("auth.token.secret").doesNotContain("too-short");
        assertThat(rowcastLines(result.output())).isEqualTo(1);
    }

    @Test
    void unreadablePublicKeyIsOneClearLineAndTheAppRunsOn() throws Exception {
        Path config = Files.writeString(dir.resolve("missing-key.yml"), "server: { host: 127.0.0.1, port: 0 }\n"
                + "auth: { required: true, token: { publicKey: " + dir.resolve("no-such-key.pem") + " } }\n");
        ChildJvm.Result result = run("config=" + config);
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("hello from the app")
                .contains("[rowcast] " + config + ":2:45: auth.token.publicKey: cannot read the PEM file")
                .contains("Rowcast stays inert and the app runs on")
                .doesNotContain("Socket.IO server listening");
        assertThat(rowcastLines(result.output())).isEqualTo(1);
    }

    @Test
    void failFastStopsTheAppOnAnUnreadablePublicKey() throws Exception {
        Path config = Files.writeString(dir.resolve("missing-key-fail-fast.yml"),
                "auth: { token: { publicKey: " + dir.resolve("no-such-key.pem") + " } }\n");
        ChildJvm.Result result = run("config=" + config, "-Drowcast.failFast=true");
        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output()).doesNotContain("hello from the app").contains("auth.token.publicKey: cannot read the PEM file")
                .doesNotContain("FATAL ERROR");
    }

    @Test
    void disabledConfigCapturesNothing() throws Exception {
        Path config = Files.writeString(dir.resolve("disabled.yml"), "enabled: false\ncollections:\n  a: { table: a }\n");
        ChildJvm.Result result = run("config=" + config);
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("hello from the app").contains("enabled: false");
    }
}
