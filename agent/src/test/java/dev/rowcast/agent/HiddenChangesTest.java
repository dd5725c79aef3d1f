package dev.rowcast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.ConfigLoader;
import dev.rowcast.config.Operation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which updates send nothing: those whose every change fields: keeps out, unless a room reads one. */
class HiddenChangesTest {

    private static final Map<String, Object> ROW = Map.of("id", 1, "owner", 2, "secret", "s", "name", "n");

    private static CapturedRow update(CollectionConfig rule, String... changes) {
        return new CapturedRow(rule, Operation.UPDATE, 1, ROW, List.of(changes), "jdbc");
    }

    @Test
    void anUpdateOfHiddenFieldsOnlyIsWithheldUnlessARoomReadsOne() throws Exception {
        CollectionConfig rule = ConfigLoader.load("rowcast.yml", """
                collections:
                  notes: { table: notes, room: "user:{owner}", fields: { exclude: [owner, secret] } }
                """, Map.of()).collections().get("notes");
        assertThat(AgentRuntime.onlyHiddenChanged(update(rule, "secret"))).isTrue();
        // owner moves the row to another user's room, which must hear of it
        assertThat(AgentRuntime.onlyHiddenChanged(update(rule, "secret", "owner"))).isFalse();
        assertThat(AgentRuntime.onlyHiddenChanged(update(rule, "secret", "name"))).isFalse();
        assertThat(AgentRuntime.onlyHiddenChanged(new CapturedRow(rule, Operation.CREATE, 1, ROW, List.of(), "jdbc"))).isFalse();
    }

    /** A Hibernate update of what the row leaves out (a collection of the entity) changed nothing the clients hold. */
    @Test
    void anUpdateThatChangedNothingTheRowHoldsIsWithheld() throws Exception {
        CollectionConfig rule = ConfigLoader.load("rowcast.yml", "collections:\n  notes: { entity: Note, broadcast: true }\n", Map.of())
                .collections().get("notes");
        assertThat(AgentRuntime.onlyHiddenChanged(new CapturedRow(rule, Operation.UPDATE, 1, ROW, List.of(), "hibernate"))).isTrue();
        assertThat(AgentRuntime.onlyHiddenChanged(update(rule, "version"))).isFalse();
    }
}
