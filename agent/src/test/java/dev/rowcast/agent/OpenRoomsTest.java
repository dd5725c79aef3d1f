package dev.rowcast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start says so when rows go to rooms built from them and any client may join any room. */
class OpenRoomsTest {

    @Test
    void roomsBuiltFromRowsWithoutAuthRoomsAreWarnedOf() throws Exception {
        String collections = """
                collections:
                  posts: { entity: Post, broadcast: true, room: everyone }
                  notifications: { entity: Notification, room: "user:{user}" }
                """;
        assertThat(RowcastAgent.openRooms(ConfigLoader.load("rowcast.yml", collections, Map.of())))
                .hasValueSatisfying(line -> assertThat(line).contains("notifications", "user:{user}", "auth.rooms"));
        assertThat(RowcastAgent.openRooms(ConfigLoader.load("rowcast.yml", "auth: { token: { secret: \"0123456789abcdef0123456789abcdef\" }, rooms: [\"user:{sub}\"] }\n" + collections, Map.of())))
                .isEmpty();
        assertThat(RowcastAgent.openRooms(ConfigLoader.load("rowcast.yml", """
                collections:
                  posts: { entity: Post, room: everyone }
                """, Map.of()))).isEmpty();
    }
}
