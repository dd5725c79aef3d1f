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
 * second time by the JDBC layer, while plain JDBC on the same table still is. The tables whose rows
 * Hibernate does not report (an element collection's, an entity's that no entity: names) reach
 * their table: collections from Hibernate's flush too.
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
              tags:
                table: line_tags
                broadcast: true
              notes:
                table: note
                events: [create, delete]
                broadcast: true
              badges: { entity: Badge, broadcast: true }
              badgedetails: { table: badge_detail, broadcast: true }
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
        assertThat(jdbc).extracting(l -> l.operation() + ":" + l.payload().get("data").get("name").asText())
                .containsExactly("create:jdbc row", "update:bulk", "update:native");
        assertThat(jdbc.get(0).rooms()).containsExactly("owner:1");
        // a bulk write (HQL, native) reaches the table: collection from its SQL, which names no owner_id to route by
        assertThat(jdbc.get(1).payload().get("data").toString()).isEqualTo("{\"id\":1,\"name\":\"bulk\"}");
        assertThat(jdbc.get(1).rooms()).isEmpty();
        // the entity's collection, which names no table, says nothing of them: the table: collection is another
        assertThat(result.output()).doesNotContain("a bulk write through Hibernate");

        // an element collection's row, written by Hibernate's flush, which reports only the entity
        List<CaptureLog.Line> tags = lines.stream().filter(l -> l.event().equals("realtime:tags")).toList();
        assertThat(tags).as(result.output()).hasSize(1);
        assertThat(tags.get(0).payload().get("data").get("tags").asText()).isEqualTo("gift");
        assertThat(tags.get(0).payload().get("data").toString()).contains(":7");
        // an entity no entity: collection names: its two committed inserts and its delete, not the rolled-back insert
        List<CaptureLog.Line> notes = lines.stream().filter(l -> l.event().equals("realtime:notes")).toList();
        assertThat(notes).as(result.output()).extracting(CaptureLog.Line::operation)
                .containsExactly("create", "create", "delete");
        assertThat(notes).extracting(l -> l.payload().get("data").path("text").asText())
                // the delete by id carries the row as the agent saw it inserted
                .containsExactly("not configured", "deleted unloaded", "deleted unloaded");
        assertThat(notes.get(2).payload().get("data").get("id")).isEqualTo(notes.get(1).payload().get("data").get("id"));
        // an entity's secondary table is Hibernate's too: the entity's one event, nothing from its table
        assertThat(lines).filteredOn(l -> l.event().equals("realtime:badges"))
                .extracting(l -> l.payload().get("data").get("detail").asText()).containsExactly("shiny");
        assertThat(lines).noneMatch(l -> l.event().equals("realtime:badgedetails"));
    }
}
