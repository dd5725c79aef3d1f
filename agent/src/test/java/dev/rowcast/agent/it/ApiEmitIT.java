package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** dev.rowcast.api.Rowcast from app code: reaches the agent when attached, a no-op otherwise. */
class ApiEmitIT {

    private static String classpath;

    @BeforeAll
    static void compile() throws Exception {
        classpath = TestApps.compile("api", System.getProperty("rowcast.apiJar"), "api", UnaryOperator.identity());
    }

    @Test
    void emitReachesTheAgentWhenItRuns() throws Exception {
        Path dir = TestApps.workDir("api-emit");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), "server: { host: 127.0.0.1, port: 0 }\ncollections: {}\n");
        Path captureLog = dir.resolve("capture.jsonl");
        ChildJvm.Result result = ChildJvm.run(ChildJvm.javaHome(), "config=" + config,
                List.of("-Drowcast.debug.captureLog=" + captureLog), classpath, "app.ApiApp");
        assertThat(result.output()).contains("active=true accepted=true");
        List<CaptureLog.Line> lines = CaptureLog.read(captureLog);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).event()).isEqualTo("typing");
        assertThat(lines.get(0).rooms()).containsExactly("chat:42");
        assertThat(lines.get(0).payload().get("user").asInt()).isEqualTo(7);
        assertThat(lines.get(0).payload().get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
    }

    @Test
    void emitWithoutTheAgentIsANoOp() throws Exception {
        ChildJvm.Result result = ChildJvm.run(ChildJvm.javaHome(), null, List.of(), classpath, "app.ApiApp");
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("active=false accepted=false");
    }
}
