package dev.rowcast.server.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.engine.EngineMessage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * An event of plain JDK values (maps with string keys, collections, strings, numbers, booleans,
 * null) and binary-free JSON trees, written straight to its WebSocket frame bytes
 * ({@code 42["event",...]}) with a streaming generator: no Jackson tree, no String in between.
 *
 * <p>The bytes are those of the tree path ({@link PacketJson#toNode} then {@link PacketEncoder}),
 * including its number forms: {@code valueToTree} under {@code USE_BIG_DECIMAL_FOR_FLOATS} turns
 * doubles, floats and BigDecimals into BigDecimals without trailing zeros (12.50 is {@code 12.5},
 * 100.00 is {@code 1E+2}, 1.0 is {@code 1}), which clients have always received.
 */
public final class EventFrames {
    /** Supplementary characters as 4-byte UTF-8, as {@code String.getBytes(UTF_8)} writes them (not as CESU-8 pairs). */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    /** One growing buffer per emitting thread (the agent's pipeline, event loops): a frame then costs one array. */
    private static final ThreadLocal<ByteArrayBuilder> BUFFER = ThreadLocal.withInitial(() -> new ByteArrayBuilder(512));

    private EventFrames() {
    }

    /**
     * The event as one Engine.IO text message, the recovery {@code offset} (when not null) as its
     * last argument; null when an argument needs the tree path (a byte[], an app object, a map
     * with non-string keys, a tree holding binary, text the generator refuses).
     */
    public static EngineMessage plainEvent(String namespace, String event, Object[] args, String offset) {
        ByteArrayBuilder out = BUFFER.get();
        out.reset();
        try {
            out.write('4');
            out.write('2');
            if (!"/".equals(namespace)) {
                out.write(namespace.getBytes(StandardCharsets.UTF_8));
                out.write(',');
            }
            try (JsonGenerator g = JSON.createGenerator(out)) {
                if (!wellFormed(event)) return null;
                g.writeStartArray();
                g.writeString(event);
                for (Object arg : args) {
                    if (!write(g, arg)) return null;
                }
                if (offset != null) g.writeString(offset);
                g.writeEndArray();
            }
            return EngineMessage.textFrame(out.toByteArray());
        } catch (IOException e) {
            return null; // e.g. nesting past the generator's limit: the tree path does what it always did, or names the fault
        }
    }

    /** Writes one value; false (leaving the output unusable) when it is not plain. */
    private static boolean write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            if (!wellFormed(s)) return false;
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).intValue());
        } else if (value instanceof Long l) {
            g.writeNumber(l);
        } else if (value instanceof BigInteger i) {
            g.writeNumber(i);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                g.writeNumber(d); // "NaN", "Infinity": quoted, as the tree path writes them
            } else {
                g.writeNumber(asTreeDecimal(BigDecimal.valueOf(d)));
            }
        } else if (value instanceof BigDecimal d) {
            g.writeNumber(asTreeDecimal(d));
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key) || !wellFormed(key)) return false;
                g.writeFieldName(key);
                if (!write(g, e.getValue())) return false;
            }
            g.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            g.writeStartArray();
            for (Object item : items) {
                if (!write(g, item)) return false;
            }
            g.writeEndArray();
        } else if (value instanceof JsonNode node) {
            if (hasBinary(node)) return false;
            PacketJson.MAPPER.writeTree(g, node);
        } else {
            return false;
        }
        return true;
    }

    /** What a JSON tree keeps of a BigDecimal (Jackson's STRIP_TRAILING_BIGDECIMAL_ZEROES, on by default). */
    private static BigDecimal asTreeDecimal(BigDecimal d) {
        return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }

    /**
     * False for a lone surrogate, which the generator would write as an invalid 3-byte sequence
     * where {@code String.getBytes(UTF_8)} writes '?'.
     */
    private static boolean wellFormed(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
                if (!Character.isHighSurrogate(c) || i + 1 == n || !Character.isLowSurrogate(s.charAt(i + 1))) return false;
                i++;
            }
        }
        return true;
    }

    private static boolean hasBinary(JsonNode node) {
        if (node.isBinary()) return true;
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (hasBinary(child)) return true;
            }
        }
        return false;
    }
}
