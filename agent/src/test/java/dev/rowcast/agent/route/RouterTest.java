package dev.rowcast.agent.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.ConfigLoader;
import dev.rowcast.config.Operation;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static CollectionConfig rule(String yaml) throws Exception {
        return ConfigLoader.load("rowcast.yml", yaml, Map.of()).collections().values().iterator().next();
    }

    private static Map<String, Object> row() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", 5L);
        data.put("user", 9L);
        data.put("secret", "x");
        data.put("at", LocalDateTime.of(2024, 1, 2, 3, 4, 5));
        return data;
    }

    @Test
    void updateBecomesThePluginEnvelopeWithChangesInKeyOrder() throws Exception {
        CollectionConfig rule = rule("collections:\n  notifications:\n    entity: N\n    room: \"user:{user}\"\n    fields: { exclude: [secret] }\n");
        Delivery d = new Router().route(new CapturedRow(rule, Operation.UPDATE, 5L, row(), List.of("user"), "hibernate"), 42L);
        assertThat(d.event()).isEqualTo("realtime:notifications");
        assertThat(d.rooms()).containsExactly("user:9");
        assertThat(JsonText.of(d.payload())).isEqualTo("{\"operation\":\"update\",\"collection\":\"notifications\","
                + "\"data\":{\"id\":5,\"user\":9,\"at\":\"2024-01-02T03:04:05\"},\"id\":5,\"changes\":[\"user\"],\"ts\":42}");
    }

    @Test
    void oneRouterNamesEachCollectionsEventsAfterItsOwnSlugRowAfterRow() throws Exception {
        Map<String, CollectionConfig> rules = ConfigLoader.load("rowcast.yml", """
                collections:
                  posts:
                    table: posts
                    room: "user:{user}"
                  messages:
                    table: messages
                    room: "user:{user}"
                """, Map.of()).collections();
        Router router = new Router();
        for (int pass = 0; pass < 2; pass++) {
            for (String slug : List.of("posts", "messages")) {
                Delivery d = router.route(new CapturedRow(rules.get(slug), Operation.CREATE, 5L, row(), List.of(), "jdbc"), 42L);
                assertThat(d.event()).isEqualTo("realtime:" + slug);
                assertThat(d.rooms()).containsExactly("user:9");
                assertThat(JsonText.of(d.payload())).startsWith("{\"operation\":\"create\",\"collection\":\"" + slug + "\"");
            }
        }
    }

    /** An event for rooms nobody is in is never built: the payload is made on the first ask, and once. */
    @Test
    void aPayloadIsMadeOnlyWhenAskedForAndThenOnce() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Delivery emit = new Delivery("hello", List.of("user:7"), false, () -> Map.of("n", made.incrementAndGet()));
        assertThat(made).hasValue(0);
        assertThat(emit.payload()).isEqualTo(Map.of("n", 1));
        assertThat(emit.payload()).isEqualTo(Map.of("n", 1));
        assertThat(made).hasValue(1);

        CollectionConfig rule = rule("collections:\n  n:\n    entity: N\n    room: \"user:{user}\"\n");
        Delivery row = new Router().route(new CapturedRow(rule, Operation.CREATE, 5L, row(), List.of(), "jdbc"), 42L);
        assertThat(row.payload()).isSameAs(row.payload());
    }

    /** The same moment reads the same in a browser whatever the JVM's zone: a Timestamp as a Date, in UTC. */
    @Test
    void instantsAreWrittenInUtcAndAZonedTimeWithItsOffsetOnly() throws Exception {
        CollectionConfig rule = rule("collections:\n  n:\n    entity: N\n    broadcast: true\n");
        TimeZone zone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Paris"));
        try {
            Instant moment = Instant.parse("2024-01-02T03:04:05.123Z");
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("date", Date.from(moment));
            data.put("timestamp", Timestamp.from(moment));
            data.put("zoned", ZonedDateTime.ofInstant(moment, ZoneId.of("Europe/Paris")));
            data.put("day", java.sql.Date.valueOf("2024-01-02"));
            Delivery d = new Router().route(new CapturedRow(rule, Operation.CREATE, 1L, data, List.of(), "jdbc"), 42L);
            assertThat(JsonText.of(d.payload())).contains("\"data\":{\"date\":\"2024-01-02T03:04:05.123Z\","
                    + "\"timestamp\":\"2024-01-02T03:04:05.123Z\",\"zoned\":\"2024-01-02T04:04:05.123+01:00\",\"day\":\"2024-01-02\"}");
        } finally {
            TimeZone.setDefault(zone);
        }
    }

    @Test
    void rowWithoutARoomIsNotBroadcastUnlessConfigured() throws Exception {
        Map<String, Object> data = row();
        data.put("user", null);
        Delivery closed = new Router().route(new CapturedRow(
                rule("collections:\n  n:\n    entity: N\n    room: \"user:{user}\"\n"), Operation.CREATE, 5L, data, List.of(), "jdbc"), 1L);
        assertThat(closed.deliverable()).isFalse();
        Delivery open = new Router().route(new CapturedRow(
                rule("collections:\n  n:\n    entity: N\n    room: \"user:{user}\"\n    broadcast: true\n"), Operation.CREATE, 5L, data, List.of(), "jdbc"), 1L);
        assertThat(open.broadcast()).isTrue();
    }

    @Test
    void changesOfAnExcludedFieldAreNotSent() throws Exception {
        CollectionConfig rule = rule("collections:\n  users:\n    entity: U\n    broadcast: true\n    fields: { exclude: [secret] }\n");
        Delivery d = new Router().route(new CapturedRow(rule, Operation.UPDATE, 5L, row(), List.of("secret"), "hibernate"), 42L);
        assertThat(JsonText.of(d.payload())).contains("\"changes\":[],").doesNotContain("secret");

        Delivery both = new Router().route(new CapturedRow(rule, Operation.UPDATE, 5L, row(), List.of("user", "secret"), "jdbc"), 42L);
        assertThat(JsonText.of(both.payload())).contains("\"changes\":[\"user\"],");
    }

    @Test
    void changesKeepOnlyTheIncludedFields() throws Exception {
        CollectionConfig rule = rule("collections:\n  users:\n    entity: U\n    broadcast: true\n    fields: { include: [id, at] }\n");
        Delivery d = new Router().route(new CapturedRow(rule, Operation.UPDATE, 5L, row(), List.of("user", "at", "secret"), "hibernate"), 42L);
        assertThat(JsonText.of(d.payload())).isEqualTo("{\"operation\":\"update\",\"collection\":\"users\","
                + "\"data\":{\"id\":5,\"at\":\"2024-01-02T03:04:05\"},\"id\":5,\"changes\":[\"at\"],\"ts\":42}");
    }

    /** An app's emit payload may hold an array with nulls in it: it is a JSON array with nulls, not a dropped event. */
    @Test
    void anArrayWithNullsIsAListWithNulls() {
        assertThat(PlainValues.of(Map.of("seats", new Object[] {"a1", null}))).isEqualTo(Map.of("seats", Arrays.asList("a1", null)));
    }
}
