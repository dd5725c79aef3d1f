package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hibernate's entity table also named as a JDBC table: Hibernate's own SQL must not be reported a
 * second time by the JDBC layer, while plain JDBC on the same table still is.
 */
class HibernateWithJdbcIT {

    private static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            collections:
              items:
                entity: Item
                events: [create, update, delete]
                room: "owner:{owner}"
              itemrows:
                table: item
                events: [create, update, delete]
                room: "owner:{owner_id}"
            """;

    @ParameterizedTest(name = "Hibernate {0}")
    @ValueSource(strings = {"5.6", "6.6", "7.4"})
    void rowHibernateReportedIsNotReportedAgainByJdbc(String version) throws Exception {
        UnaryOperator<String> imports = TestApps.persistenceImports(version);
        String classpath = TestApps.compile("hibernate", TestApps.libraries("hibernate-" + version), version, imports);
        Path dir = TestApps.workDir("hibernate-with-jdbc");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), CONFIG);
        Path captureLog = dir.resolve("capture.jsonl");
        ChildJvm.Result result = ChildJvm.run(ChildJvm.javaHome(), "config=" + config,
                List.of("-Drowcast.debug.captureLog=" + captureLog), classpath, "app.HibernateApp");
        List<CaptureLog.Line> lines = CaptureLog.read(captureLog);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(lines.stream().filter(l -> l.event().equals("realtime:items")).count()).as(result.output()).isEqualTo(5);
        List<CaptureLog.Line> jdbc = lines.stream().filter(l -> l.event().equals("realtime:itemrows")).toList();
        assertThat(jdbc).hasSize(1);
        assertThat(jdbc.get(0).payload().get("data").get("name").asText()).isEqualTo("jdbc row");
        assertThat(jdbc.get(0).rooms()).containsExactly("owner:1");
    }
}
