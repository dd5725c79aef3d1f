package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A plain JPA app (src/it/apps/jpa) that bootstraps Hibernate through META-INF/persistence.xml and
 * {@code Persistence.createEntityManagerFactory}, never through Hibernate's own API: the agent still
 * reports what it commits, and nothing of what it rolls back.
 */
class JpaPersistenceXmlIT {

    private static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            collections:
              tickets:
                entity: app.Ticket
                events: [create, update]
                room: "queue:{queue}"
            """;

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6"})
    void committedWorkEmitsAndRolledBackWorkDoesNot(String version) throws Exception {
        UnaryOperator<String> imports = TestApps.persistenceImports(version);
        // the app's directory itself carries META-INF/persistence.xml onto the class path
        String classpath = TestApps.compile("jpa", TestApps.libraries("hibernate-" + version), version, imports)
                + File.pathSeparator + TestApps.SOURCES.resolve("jpa").toAbsolutePath();
        Path dir = TestApps.workDir("jpa-persistence-xml");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), CONFIG);
        Path captureLog = dir.resolve("capture.jsonl");
        ChildJvm.Result result = ChildJvm.run(ChildJvm.javaHome(), "config=" + config,
                List.of("-Drowcast.debug.captureLog=" + captureLog), classpath, "app.JpaApp");
        List<CaptureLog.Line> lines = CaptureLog.read(captureLog);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("committed insert", "rolled back", "committed update", "done")
                .contains("[rowcast] Hibernate post-commit listeners added", "(generated listener org.hibernate.event.spi.RowcastPostCommitListener)");
        assertThat(lines).as(result.output()).extracting(l -> l.event() + " " + l.operation() + " " + l.payload().get("data").get("status").asText())
                .containsExactly("realtime:tickets create open", "realtime:tickets update closed");
        assertThat(lines).noneMatch(l -> l.raw().contains("rolled back"));
        assertThat(lines.get(0).payload().get("data").get("subject").asText()).isEqualTo("printer on fire");
        assertThat(lines.get(0).rooms()).containsExactly("queue:3");
        assertThat(lines.get(1).payload().get("changes").toString()).isEqualTo("[\"status\"]");
    }
}
