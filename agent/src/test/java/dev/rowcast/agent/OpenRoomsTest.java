package dev.rowcast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start (and check) says so when rows go to rooms built from them and any client may join any room, or reach nobody. */
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

    /** Every such collection is named, not only the first: each is as open as the others. */
    @Test
    void eachCollectionWithRoomsBuiltFromItsRowsIsNamed() throws Exception {
        assertThat(RowcastAgent.openRooms(ConfigLoader.load("rowcast.yml", """
                collections:
                  messages: { entity: Message, room: "chat:{chat}" }
                  posts: { entity: Post, room: everyone }
                  accounts: { entity: Account, rooms: [admins, "team:{team}"] }
                  notes: { table: note, room: "chat:{chat_id}" }
                """, Map.of()))).hasValue("collections messages (chat:{chat}), accounts (team:{team}) and notes (chat:{chat_id})"
                + " send each row to a room read from the row, but auth.rooms is not set, so any client may join any such room"
                + " and receive its rows; set auth.rooms (e.g. [\"user:{sub}\"]) to let each socket into its own rooms only");
    }

    @Test
    void collectionsWhoseRowsReachNobodyAreWarnedOfAndTheOthersAreNot() throws Exception {
        assertThat(RowcastAgent.warnings(ConfigLoader.load("rowcast.yml", """
                collections:
                  orders: { table: orders }
                  audit: { table: audit, events: [] }
                  posts: { entity: Post, broadcast: true }
                  notes: { table: notes, room: everyone }
                """, Map.of()))).containsExactly(
                "collection orders names no room (room: or rooms:) and has broadcast: false, so every row it captures is dropped and"
                        + " counted in EventsDropped; give it a room template, or set broadcast: true to send its rows to every client",
                "collection audit publishes no event (events: []), so it captures nothing; list the ones it should,"
                        + " e.g. events: [create, update, delete]");
    }

    @Test
    void aConfigWithoutCollectionsIsWarnedOf() throws Exception {
        assertThat(RowcastAgent.warnings(ConfigLoader.load("rowcast.yml", "", Map.of()))).singleElement().asString()
                .startsWith("no collections: Rowcast captures no row");
    }
}
