package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The agent (built for Java 17) on an app running on Java 25, found next to the build's JDK. */
class NewerJavaIT {

    private static Optional<Path> jdk(String feature) throws IOException {
        Path jvms = Path.of(System.getProperty("java.home")).toRealPath().getParent();
        try (Stream<Path> candidates = Files.list(jvms)) {
            return candidates.filter(home -> {
                try {
                    Path release = home.resolve("release");
                    return Files.isRegularFile(home.resolve("bin/java")) && Files.isRegularFile(release)
                            && Files.readString(release).contains("JAVA_VERSION=\"" + feature);
                } catch (IOException e) {
                    return false;
                }
            }).findFirst();
        }
    }

    @Test
    void jdbcCaptureWorksOnJava25WithoutWarningsOnTheAppsOutput() throws Exception {
        Optional<Path> java25 = jdk("25");
        assumeTrue(java25.isPresent(), "no JDK 25 next to the build's JDK");
        String classpath = TestApps.compile("jdbc", System.getProperty("rowcast.h2Jar"), "h2", UnaryOperator.identity());
        Path dir = TestApps.workDir("newer-java");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), """
                server: { host: 127.0.0.1, port: 0 }
                collections:
                  messages: { table: messages, events: [create, update, delete], room: "chat:{chat}" }
                """);
        Path captureLog = dir.resolve("capture.jsonl");
        ChildJvm.Result result = ChildJvm.run(java25.get().toString(), "config=" + config,
                List.of("-Drowcast.debug.captureLog=" + captureLog), classpath, "app.JdbcApp");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("done").doesNotContain("sun.misc.Unsafe");
        // the same committed rows as on Java 17 (JdbcCaptureIT): 23 creates and updates, 1 delete
        List<CaptureLog.Line> lines = CaptureLog.read(captureLog);
        assertThat(lines).hasSize(24);
        assertThat(lines.get(lines.size() - 1).payload().get("data").get("content").asText()).isEqualTo("autocommitted after a prepared ROLLBACK");
    }
}
