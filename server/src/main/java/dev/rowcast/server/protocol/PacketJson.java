package dev.rowcast.server.protocol;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** The one Jackson configuration used for packet payloads. */
public final class PacketJson {
    /** Nesting the decoder accepts; deeper payloads are refused rather than risk the stack. */
    public static final int MAX_DEPTH = 200;

    /**
     * Floats stay BigDecimal so that huge exponents (1e400) re-encode as valid JSON instead of
     * "Infinity"; trailing tokens fail so {@code 42[1]x} is refused as the reference does.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .build());
    }

    public static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

    private PacketJson() {
    }

    /** Any Java value as a JSON node: byte[] becomes a binary node (an attachment). */
    public static JsonNode toNode(Object value) {
        if (value instanceof JsonNode node) return node;
        if (value == null) return NODES.nullNode();
        if (value instanceof byte[] bytes) return NODES.binaryNode(bytes);
        if (value instanceof String s) return NODES.textNode(s);
        return MAPPER.valueToTree(value);
    }
}
