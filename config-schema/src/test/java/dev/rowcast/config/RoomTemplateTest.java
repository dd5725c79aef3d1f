package dev.rowcast.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RoomTemplateTest {

    public record Author(long id, String name) {}

    public static final class Account {
        private final Object id;

        Account(Object id) {
            this.id = id;
        }

        public Object getId() {
            return id;
        }
    }

    @Test
    void integralNumbersLoseTheirFraction() {
        RoomTemplate template = RoomTemplate.compile("user:{user}");

        assertThat(template.evaluate(Map.of("user", 7L))).isEqualTo("user:7");
        assertThat(template.evaluate(Map.of("user", 7))).isEqualTo("user:7");
        assertThat(template.evaluate(Map.of("user", 7.0))).isEqualTo("user:7");
        assertThat(template.evaluate(Map.of("user", new BigDecimal("7.00")))).isEqualTo("user:7");
        assertThat(template.evaluate(Map.of("user", 7.5))).isEqualTo("user:7.5");
    }

    @Test
    void manyValuesThroughOneTemplateEachGetTheirOwnRoomAgainAndAgain() {
        RoomTemplate template = RoomTemplate.compile("user:{user}");
        for (int pass = 0; pass < 3; pass++) {
            for (int user = 0; user < 5_000; user++) {
                Object value = switch (user % 4) {
                    case 0 -> user;
                    case 1 -> (long) user;
                    case 2 -> String.valueOf(user);
                    default -> new UUID(0, user);
                };
                String expected = user % 4 == 3 ? "user:" + new UUID(0, user) : "user:" + user;
                assertThat(template.evaluate(Map.of("user", value))).isEqualTo(expected);
                assertThat(template.roomList(Map.of("user", value))).containsExactly(expected);
            }
        }
        assertThat(template.evaluate(Map.of("user", ""))).isNull();
        assertThat(template.evaluate(Map.of("user", 7.0))).isEqualTo("user:7");
        assertThat(template.evaluate(Map.of("user", 7))).isEqualTo("user:7");
    }

    @Test
    void aRoomListHoldsTheOneRoomOrNoneWhateverTheTemplatesShape() {
        RoomTemplate user = RoomTemplate.compile("user:{user}");
        List<String> seven = user.roomList(Map.of("user", 7L));
        assertThat(seven).containsExactly("user:7");
        assertThat(user.roomList(Map.of("user", 7L))).isSameAs(seven);
        assertThat(user.roomList(Map.of("user", 7.0))).containsExactly("user:7");
        assertThat(user.roomList(Map.of("user", ""))).isEmpty();
        assertThat(user.roomList(Map.of("other", 7L))).isEmpty();
        assertThat(RoomTemplate.compile("org:{org}:user:{user}").roomList(Map.of("org", "acme", "user", 3))).containsExactly("org:acme:user:3");
        assertThat(RoomTemplate.compile("org:{org}:user:{user}").roomList(Map.of("org", "acme"))).isEmpty();
        assertThat(RoomTemplate.compile("lobby").roomList(Map.of())).containsExactly("lobby");
    }

    @Test
    void missingNullOrEmptyPartYieldsNoRoom() {
        RoomTemplate template = RoomTemplate.compile("org:{org}:user:{user}");
        Map<String, Object> row = new HashMap<>();
        row.put("org", "acme");
        row.put("user", null);

        assertThat(template.evaluate(row)).isNull();
        assertThat(template.evaluate(Map.of("org", "acme"))).isNull();
        assertThat(template.evaluate(Map.of("org", "", "user", 1))).isNull();
        assertThat(template.evaluate(Map.of("org", Double.NaN, "user", 1))).isNull();
    }

    @Test
    void associationResolvesToItsIdentifier() {
        RoomTemplate user = RoomTemplate.compile("user:{user}");
        RoomTemplate userId = RoomTemplate.compile("user:{user.id}");

        assertThat(user.evaluate(Map.of("user", Map.of("id", 5, "email", "a@b")))).isEqualTo("user:5");
        assertThat(userId.evaluate(Map.of("user", Map.of("id", 5)))).isEqualTo("user:5");
        // the agent already reduced the association to its id: {user.id} is that id
        assertThat(userId.evaluate(Map.of("user", 9L))).isEqualTo("user:9");
        assertThat(user.evaluate(Map.of("user", new Author(3, "ann")))).isEqualTo("user:3");
        assertThat(user.evaluate(Map.of("user", new Account(UUID.fromString("00000000-0000-0000-0000-00000000002a")))))
                .isEqualTo("user:00000000-0000-0000-0000-00000000002a");
        assertThat(user.evaluate(Map.of("user", new Account(null)))).isNull();
        assertThat(user.evaluate(Map.of("user", List.of(1, 2)))).isNull();
    }

    @Test
    void nestedPropertyOfAnObjectIsReadThroughItsAccessor() {
        RoomTemplate template = RoomTemplate.compile("author:{author.name}");

        assertThat(template.evaluate(Map.of("author", new Author(3, "ann")))).isEqualTo("author:ann");
        assertThat(template.evaluate(Map.of("author", Map.of("name", "bob")))).isEqualTo("author:bob");
        assertThat(template.evaluate(Map.of("author", 3L))).isNull();
    }

    @Test
    void threePartTemplateJoinsInOrder() {
        RoomTemplate template = RoomTemplate.compile("org:{org}:user:{user}:{kind}");
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kind", "mention");
        row.put("user", 42L);
        row.put("org", "acme");

        assertThat(template.evaluate(row)).isEqualTo("org:acme:user:42:mention");
        assertThat(template.properties()).containsExactly("org", "user", "kind");
    }

    @Test
    void columnsAreTheRowsOwnPropertiesEachOnce() {
        RoomTemplate template = RoomTemplate.compile("team:{author.org}:{author}:{chat}");
        assertThat(template.properties()).containsExactly("author.org", "author", "chat");
        assertThat(template.columns()).containsExactly("author", "chat");
    }

    @Test
    void templateWithoutPartsIsAFixedRoom() {
        assertThat(RoomTemplate.compile("lobby").evaluate(Map.of())).isEqualTo("lobby");
    }

    @Test
    void spacesInsideBracesAreIgnored() {
        assertThat(RoomTemplate.compile("user:{ user }").evaluate(Map.of("user", 1))).isEqualTo("user:1");
    }

    @Test
    void malformedTemplatesAreRefusedWithTheFix() {
        assertThatThrownBy(() -> RoomTemplate.compile("user:{user")).hasMessageContaining("'user:{user}'");
        assertThatThrownBy(() -> RoomTemplate.compile("user:{a{b}}")).hasMessageContaining("unbalanced '{'");
        assertThatThrownBy(() -> RoomTemplate.compile("user}")).hasMessageContaining("'}' without its '{'");
        assertThatThrownBy(() -> RoomTemplate.compile("u:{a..b}")).hasMessageContaining("empty part");
        assertThatThrownBy(() -> RoomTemplate.compile("")).hasMessageContaining("empty");
    }

    @Test
    void collectionWithSeveralRoomsSkipsUnresolvedAndRepeatedOnes() {
        CollectionConfig messages = new CollectionConfig("messages", java.util.Optional.empty(),
                java.util.Optional.of("messages"), CollectionConfig.DEFAULT_EVENTS,
                List.of(RoomTemplate.compile("chat:{chat}"), RoomTemplate.compile("user:{author}"),
                        RoomTemplate.compile("chat:{chat}"), RoomTemplate.compile("user:{recipient}")),
                false, FieldFilter.ALL);

        assertThat(messages.roomsFor(Map.of("chat", 1, "author", 2))).containsExactly("chat:1", "user:2");
        assertThat(messages.roomsFor(Map.of())).isEmpty();
    }
}
