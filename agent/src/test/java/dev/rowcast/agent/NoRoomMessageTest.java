package dev.rowcast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.ConfigLoader;
import dev.rowcast.config.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the log says of a row that resolved no room, so that the fix is plain from the line. */
class NoRoomMessageTest {

    @Test
    void aPathIntoAnAssociationSaysThatTheAssociationIsItsIdentifier() throws Exception {
        CollectionConfig rule = ConfigLoader.load("rowcast.yml", """
                collections:
                  animals: { entity: Animal, rooms: ["owner:{owner.name}", "vet:{vet}", "pair:{owner.id}"] }
                """, Map.of()).collections().get("animals");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", 1);
        data.put("owner", 5L);
        data.put("vet", null);
        String line = AgentRuntime.noRoom(new CapturedRow(rule, Operation.CREATE, 1, data, List.of(), "hibernate"));
        assertThat(line).startsWith("a row of collection animals (hibernate, create) resolved none of its rooms"
                + " (owner:{owner.name}, vet:{vet}, pair:{owner.id}): it has no value for vet; {owner.name} reads into owner,"
                + " which is a Long (an association is published as its identifier: {owner} reads that);");
    }

    /** An upsert's row keeps only what holds whether it inserted or updated: the line says how to keep the room's columns. */
    @Test
    void aJdbcUpdateWithoutItsRoomColumnSaysWhatTheMemoryKeepsOfAnUpsertsRow() throws Exception {
        CollectionConfig rule = ConfigLoader.load("rowcast.yml", """
                collections:
                  orders: { table: orders, room: "user:{user_id}", events: [create, update] }
                """, Map.of()).collections().get("orders");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", 700);
        data.put("status", "C");
        String line = AgentRuntime.noRoom(new CapturedRow(rule, Operation.UPDATE, 700, data, List.of("status"), "jdbc"));
        assertThat(line).contains("it has no value for user_id")
                .contains("of a row an upsert wrote, only its id and the columns its SET names, such as user_id = EXCLUDED.user_id");
    }

    /** A delete of rows not named by id (DELETE FROM message, an id list of which fewer were found): the memory cannot help. */
    @Test
    void aJdbcWriteOfUnnamedRowsSaysThatOnlyItsOwnColumnsGiveItsRoom() throws Exception {
        CollectionConfig rule = ConfigLoader.load("rowcast.yml", """
                collections:
                  messages: { table: message, room: "chat:{chat_id}", events: [create, update, delete] }
                """, Map.of()).collections().get("messages");
        String line = AgentRuntime.noRoom(new CapturedRow(rule, Operation.DELETE, null, new LinkedHashMap<>(), List.of(), "jdbc"));
        assertThat(line).contains("it has no value for chat_id")
                .contains("This delete names no single row by its id")
                .contains("only the columns its SQL names can give its room (chat_id in its WHERE)")
                .doesNotContain("those Rowcast remembers");
    }
}
