package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * JDBC through layers that each run the hooks: DBCP 2's delegating wrappers (unwrap() answers with
 * the wrapper itself; their innermost delegate tells them from the driver's objects) and a driver method calling
 * its own (MySQL's executeUpdate()). Each committed row is reported once; a batch's entries meet
 * their own update counts; SQL after a comment is captured; execute()'s update count is read, so
 * an UPDATE of no row is no event; an INSERT without a column list is said, not silently lost; a
 * trigger's JDBC write inside the app's own does not hide it.
 */
class PoolsAndDriversIT {

    @Test
    void eachLayerOfAPooledOrSelfCallingDriverReportsEachRowOnce() throws Exception {
        String libraries = System.getProperty("rowcast.dbcpJars") + File.pathSeparator + System.getProperty("rowcast.h2Jar");
        String classpath = TestApps.compile("pools", libraries, "pools", UnaryOperator.identity());
        Path dir = TestApps.workDir("pools-and-drivers");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), """
                server: { host: 127.0.0.1, port: 0 }
                collections:
                  messages: { table: messages, events: [create, update, delete], room: "chat:{chat}" }
                  audits: { table: audit, broadcast: true }
                """);
        Path captureLog = dir.resolve("capture.jsonl");
        ChildJvm.Result result = ChildJvm.run(ChildJvm.javaHome(), "config=" + config,
                List.of("-Drowcast.debug.captureLog=" + captureLog), classpath, "app.PoolsApp");
        assertThat(result.exitCode()).as(result.output()).isZero();
        List<String> events = CaptureLog.read(captureLog).stream()
                .filter(l -> l.event().equals("realtime:messages"))
                .map(l -> l.operation() + " " + l.payload().get("data").path("content").asText(l.payload().path("id").asText()))
                .toList();
        assertThat(events).containsExactly(
                "create dbcp commit",
                "create dbcp kept",
                "create dbcp pooled statement",
                "create pooled batch 20",
                "create pooled batch 21",
                "create pooled batch 22",
                "create dbcp plain",
                "create batch after a no-op",
                "create after a comment",
                "update updated through execute()",
                "create self-delegating driver",
                "create under a trigger");
        List<String> audits = CaptureLog.read(captureLog).stream()
                .filter(l -> l.event().equals("realtime:audits"))
                .map(l -> l.payload().get("data").get("id").asText())
                .toList();
        // the batch's audit row; the trigger's own write went through H2's inner connection, which never commits itself
        assertThat(audits).containsExactly("1");
        assertThat(result.output()).contains("INSERT into messages names no columns");
    }
}
