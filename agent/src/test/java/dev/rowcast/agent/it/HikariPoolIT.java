package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** JDBC through HikariCP: each committed row once (the pool's proxies are not counted as well), pool rollbacks honoured. */
class HikariPoolIT {

    @Test
    void pooledConnectionsReportEachCommittedRowOnce() throws Exception {
        String libraries = System.getProperty("rowcast.hikariJars") + File.pathSeparator + System.getProperty("rowcast.h2Jar");
        String classpath = TestApps.compile("hikari", libraries, "hikari", UnaryOperator.identity());
        Path dir = TestApps.workDir("hikari-pool");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), """
                server: { host: 127.0.0.1, port: 0 }
                collections:
                  messages: { table: messages, room: "chat:{chat}" }
                """);
        Path captureLog = dir.resolve("capture.jsonl");
        ChildJvm.Result result = ChildJvm.run(ChildJvm.javaHome(), "config=" + config,
                List.of("-Drowcast.debug.captureLog=" + captureLog), classpath, "app.HikariApp");
        assertThat(result.exitCode()).as(result.output()).isZero();
        List<String> contents = CaptureLog.read(captureLog).stream()
                .map(l -> l.payload().get("data").get("content").asText())
                .toList();
        assertThat(contents).containsExactly("pooled commit", "kept", "pooled batch 6", "pooled batch 7");
    }
}
