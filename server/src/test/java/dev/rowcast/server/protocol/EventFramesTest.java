package dev.rowcast.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rowcast.server.engine.EngineMessage;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The streaming frame writer against the tree path it replaces: the same bytes on the wire. */
class EventFramesTest {

    /** What a client got before: every argument as a Jackson tree, then the packet encoder. */
    private static byte[] treePath(String namespace, String event, Object[] args, String offset) {
        ArrayNode data = PacketJson.NODES.arrayNode();
        data.add(event);
        for (Object arg : args) data.add(PacketJson.toNode(arg));
        if (offset != null) data.add(offset);
        List<EngineMessage> encoded = PacketEncoder.encode(Packet.event(namespace, data, null));
        assertThat(encoded).hasSize(1);
        return encoded.get(0).textFrameUtf8();
    }

    private static void assertSameFrame(String namespace, String event, String offset, Object... args) {
        EngineMessage frame = EventFrames.plainEvent(namespace, event, args, offset);
        assertThat(frame).as("written without a tree").isNotNull();
        byte[] expected = treePath(namespace, event, args, offset);
        assertThat(new String(frame.textFrameUtf8(), StandardCharsets.UTF_8)).isEqualTo(new String(expected, StandardCharsets.UTF_8));
        assertThat(frame.textFrameUtf8()).isEqualTo(expected);
        assertThat(frame.text()).isEqualTo(new String(expected, 1, expected.length - 1, StandardCharsets.UTF_8));
    }

    /** A captured row's envelope holding every value type the agent hands over, strings that need escaping included. */
    private static Map<String, Object> envelopeWithEveryType() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", 5L);
        data.put("int", 42);
        data.put("short", (short) -7);
        data.put("byte", (byte) 3);
        data.put("long", Long.MIN_VALUE);
        data.put("bigInteger", new BigInteger("123456789012345678901234567890"));
        data.put("amount", new BigDecimal("12.50"));
        data.put("round", new BigDecimal("100.00"));
        data.put("zero", new BigDecimal("0.000"));
        data.put("tiny", new BigDecimal("-1.2345678901234567890123E-30"));
        data.put("double", 0.1);
        data.put("wholeDouble", 1.0);
        data.put("hugeDouble", 1e300);
        data.put("negativeZero", -0.0);
        data.put("nan", Double.NaN);
        data.put("infinity", Double.NEGATIVE_INFINITY);
        data.put("float", 0.1f);
        data.put("floatMax", Float.MAX_VALUE);
        data.put("floatNaN", Float.NaN);
        data.put("done", true);
        data.put("missing", null);
        data.put("escaped", "quote \" backslash \\ slash / tab \t newline \n nul \u0000 unit \u001f del \u007f");
        data.put("unicode", "é ß 中文 \u2028 \u2029 \uFEFF");
        data.put("nonBmp", "emoji \uD83D\uDE00 and \uD834\uDD1E clef");
        data.put("created_at", "2026-11-26T01:00:00.123");
        data.put("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000").toString());
        data.put("bytes", "AQID/w=="); // the agent sends byte[] as base64 text
        data.put("weird key \" \n \uD83D\uDE00", "v");
        data.put("tags", List.of("a", 1, 2.5, false));
        data.put("set", new LinkedHashSet<>(List.of("x", "y")));
        data.put("nested", Map.of("inner", List.of(Map.of("deep", new BigDecimal("1E+3")))));
        data.put("empty", Map.of());
        data.put("emptyList", List.of());
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("operation", "update");
        envelope.put("collection", "items");
        envelope.put("data", data);
        envelope.put("id", 5L);
        envelope.put("changes", List.of("amount", "done"));
        envelope.put("ts", 1_764_118_800_000L);
        return envelope;
    }

    @Test
    void aRowWithEveryValueTypeIsWrittenAsTheTreePathWroteIt() {
        Map<String, Object> envelope = envelopeWithEveryType();
        assertSameFrame("/", "realtime:items", null, envelope);
        assertSameFrame("/", "realtime:items", "Ab_-x9f3", envelope);
        assertSameFrame("/admin", "é \"vent\" \uD83D\uDE00", "off", envelope, "second", 3, null, List.of(envelope));
        assertSameFrame("/", "no-args", null);
        assertSameFrame("/", "surrogates", null, "pair at the end \uD83D\uDE00", "\uD83D\uDE00 at the start", "\uDBFF\uDFFF");
    }

    @Test
    void theEnvelopeStartsWithThePluginsThreeKeys() {
        byte[] frame = EventFrames.plainEvent("/", "realtime:items", new Object[] {envelopeWithEveryType()}, null).textFrameUtf8();
        assertThat(new String(frame, StandardCharsets.UTF_8))
                .startsWith("42[\"realtime:items\",{\"operation\":\"update\",\"collection\":\"items\",\"data\":{\"id\":5,");
    }

    @Test
    void randomNumbersAreWrittenAsTheTreePathWroteThem() {
        Random random = new Random(20261126);
        List<Object> numbers = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            long bits = random.nextLong();
            double d = Double.longBitsToDouble(bits);
            numbers.add(d);
            numbers.add(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            numbers.add(Float.intBitsToFloat(random.nextInt()));
            numbers.add((float) (random.nextGaussian() * 1000));
            numbers.add(BigDecimal.valueOf(random.nextLong(), random.nextInt(40) - 20));
            numbers.add(BigDecimal.valueOf(random.nextInt(100_000), 2));
            numbers.add(BigDecimal.valueOf((long) random.nextInt(1000) * 1000, random.nextInt(6)));
            numbers.add(random.nextLong());
            numbers.add(random.nextInt());
        }
        for (int from = 0; from < numbers.size(); from += 100) {
            assertSameFrame("/", "n", null, numbers.subList(from, Math.min(numbers.size(), from + 100)));
        }
    }

    @Test
    void jsonTreesWithoutBinaryAreWrittenAsIs() {
        ObjectNode node = PacketJson.NODES.objectNode().put("a", 1).put("b", new BigDecimal("2.50")).put("c", "\uD83D\uDE00");
        node.putArray("d").add(1.5).addNull();
        assertSameFrame("/", "tree", "o1", node, PacketJson.NODES.textNode("t"));
    }

    @Test
    void valuesThatNeedTheTreePathAreLeftToIt() {
        Object[][] notPlain = {
            {new byte[] {1, 2}},                                     // an attachment
            {Map.of("bin", new byte[] {1})},
            {PacketJson.NODES.objectNode().put("bin", new byte[] {1})},
            {Map.of(1, "integer key")},
            {UUID.randomUUID()},                                     // an app object: Jackson decides its form
            {new Object[] {"array"}},
            {List.of(new StringBuilder("x"))},
            {"lone surrogate \uD83D"},                            // the tree path writes '?' for it
            {Map.of("key \uDE00", 1)},
        };
        for (Object[] args : notPlain) {
            assertThat(EventFrames.plainEvent("/", "e", args, null)).as(Arrays.deepToString(args)).isNull();
        }
        // and a lone surrogate still goes out as it always did
        byte[] tree = treePath("/", "e", new Object[] {"x\uD83Dy"}, null);
        assertThat(new String(tree, StandardCharsets.UTF_8)).isEqualTo("42[\"e\",\"x?y\"]");
    }
}
