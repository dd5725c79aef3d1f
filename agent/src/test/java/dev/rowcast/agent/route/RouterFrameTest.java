package dev.rowcast.agent.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.ConfigLoader;
import dev.rowcast.config.Operation;
import dev.rowcast.server.engine.EngineMessage;
import dev.rowcast.server.protocol.EventFrames;
import dev.rowcast.server.protocol.Packet;
import dev.rowcast.server.protocol.PacketEncoder;
import dev.rowcast.server.protocol.PacketJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The envelope of a captured row holding every value type JDBC and Hibernate hand over, through
 * the server's streaming frame writer: always written without a tree, and byte for byte what the
 * tree path ({@code valueToTree}, then the packet encoder) sent before.
 */
class RouterFrameTest {

    enum Status { ACTIVE }

    private static Map<String, Object> everyType() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 5L);
        row.put("owner", 3);
        row.put("title", "say \"hi\" \\ \n\t\u0001 é 中 \uD83D\uDE00 \u2028");
        row.put("amount", new BigDecimal("12.50"));
        row.put("round", new BigDecimal("100.00"));
        row.put("ratio", 0.25d);
        row.put("weight", 1.5f);
        row.put("big", new BigInteger("98765432109876543210"));
        row.put("small", (short) 2);
        row.put("tiny", (byte) -1);
        row.put("done", Boolean.TRUE);
        row.put("nothing", null);
        row.put("created_at", Timestamp.valueOf("2026-11-26 01:02:03.456"));
        row.put("day", java.sql.Date.valueOf("2026-11-26"));
        row.put("time", Time.valueOf("01:02:03"));
        row.put("utilDate", Date.from(Instant.parse("2026-11-26T01:02:03Z")));
        row.put("local", LocalDateTime.of(2026, 11, 26, 1, 2, 3, 4_000_000));
        row.put("localDate", LocalDate.of(2026, 11, 26));
        row.put("localTime", LocalTime.of(23, 59));
        row.put("offset", OffsetDateTime.of(2026, 11, 26, 1, 2, 3, 0, ZoneOffset.ofHours(2)));
        row.put("instant", Instant.parse("2026-11-26T01:02:03.5Z"));
        row.put("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        row.put("bytes", new byte[] {1, 2, 3, -1});
        row.put("status", Status.ACTIVE);
        row.put("letter", 'x');
        row.put("author", Map.of("id", 7L)); // an association as its id
        row.put("tags", List.of("a", "b"));
        row.put("array", new Object[] {1, "two"});
        return row;
    }

    private static byte[] treePath(String event, Object payload) {
        ArrayNode data = PacketJson.NODES.arrayNode();
        data.add(event);
        data.add(PacketJson.toNode(payload));
        List<EngineMessage> encoded = PacketEncoder.encode(Packet.event("/", data, null));
        assertThat(encoded).hasSize(1);
        return encoded.get(0).textFrameUtf8();
    }

    @Test
    void everyCapturedValueTypeIsStreamedAsTheTreePathWroteIt() throws Exception {
        CollectionConfig rule = ConfigLoader.load("rowcast.yml", "collections:\n  items:\n    table: item\n    room: \"owner:{owner}\"\n",
                Map.of()).collections().values().iterator().next();
        for (Operation operation : Operation.values()) {
            List<String> changes = operation == Operation.UPDATE ? List.of("title", "amount") : List.of();
            Delivery delivery = new Router().route(new CapturedRow(rule, operation, 5L, everyType(), changes, "jdbc"), 1_764_118_800_000L);
            EngineMessage frame = EventFrames.plainEvent("/", delivery.event(), new Object[] {delivery.payload()}, null);
            assertThat(frame).as("the agent's envelope is plain, so it never takes the tree path").isNotNull();
            byte[] expected = treePath(delivery.event(), delivery.payload());
            assertThat(new String(frame.textFrameUtf8(), StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
            assertThat(frame.textFrameUtf8()).isEqualTo(expected);
            assertThat(new String(expected, StandardCharsets.UTF_8))
                    .startsWith("42[\"realtime:items\",{\"operation\":\"" + operation.wireName() + "\",\"collection\":\"items\",\"data\":{\"id\":5,");
        }
    }
}
