package dev.rowcast.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One value of rowcast.yml as read: a mapping, list, text, number, boolean or null. It answers the
 * questions {@link ModelBuilder} and {@link CompiledSchema} ask, the way Jackson's {@code JsonNode}
 * would, with JDK classes alone: Jackson's tree is some 30 classes of the agent's jar and its
 * factory's start, which the app's start-up would wait for. {@link SchemaCheck#json} makes the
 * Jackson tree when the full validator must word a problem (not here: verifying this class would
 * then load Jackson's node classes).
 */
final class ConfigNode implements Iterable<ConfigNode> {

    enum Kind { OBJECT, ARRAY, STRING, BOOLEAN, NUMBER, NULL, MISSING }

    static final ConfigNode NULL = new ConfigNode(Kind.NULL, null);
    static final ConfigNode MISSING = new ConfigNode(Kind.MISSING, null);
    private static final ConfigNode TRUE = new ConfigNode(Kind.BOOLEAN, Boolean.TRUE);
    private static final ConfigNode FALSE = new ConfigNode(Kind.BOOLEAN, Boolean.FALSE);

    private final Kind kind;
    /** Map (insertion order), List, String, Boolean, or Integer / Long / BigInteger / Double as SnakeYAML built them. */
    private final Object value;

    private ConfigNode(Kind kind, Object value) {
        this.kind = kind;
        this.value = value;
    }

    static ConfigNode object(Map<String, ConfigNode> fields) {
        return new ConfigNode(Kind.OBJECT, fields);
    }

    static ConfigNode array(List<ConfigNode> items) {
        return new ConfigNode(Kind.ARRAY, items);
    }

    static ConfigNode text(String text) {
        return new ConfigNode(Kind.STRING, text);
    }

    static ConfigNode bool(boolean b) {
        return b ? TRUE : FALSE;
    }

    /** An Integer, Long, BigInteger or Double. */
    static ConfigNode number(Number n) {
        return new ConfigNode(Kind.NUMBER, n);
    }

    /** The value as SnakeYAML built it: a Map, List, String, Boolean, Integer, Long, BigInteger or Double; null for NULL. */
    Object value() {
        return value;
    }

    Kind kind() {
        return kind;
    }

    boolean isObject() {
        return kind == Kind.OBJECT;
    }

    boolean isArray() {
        return kind == Kind.ARRAY;
    }

    boolean isContainerNode() {
        return isObject() || isArray();
    }

    boolean isTextual() {
        return kind == Kind.STRING;
    }

    boolean isBoolean() {
        return kind == Kind.BOOLEAN;
    }

    boolean isNumber() {
        return kind == Kind.NUMBER;
    }

    boolean isIntegralNumber() {
        return kind == Kind.NUMBER && !(value instanceof Double);
    }

    boolean isNull() {
        return kind == Kind.NULL;
    }

    boolean isMissingNode() {
        return kind == Kind.MISSING;
    }

    @SuppressWarnings("unchecked")
    private Map<String, ConfigNode> fields() {
        return kind == Kind.OBJECT ? (Map<String, ConfigNode>) value : Map.of();
    }

    @SuppressWarnings("unchecked")
    private List<ConfigNode> items() {
        return kind == Kind.ARRAY ? (List<ConfigNode>) value : List.of();
    }

    /** The field's value, or {@link #MISSING} (never null), as JsonNode.path. */
    ConfigNode path(String field) {
        ConfigNode found = fields().get(field);
        return found == null ? MISSING : found;
    }

    /** The field's value, or null. */
    ConfigNode get(String field) {
        return fields().get(field);
    }

    /** The item, or null. */
    ConfigNode get(int index) {
        List<ConfigNode> items = items();
        return index >= 0 && index < items.size() ? items.get(index) : null;
    }

    boolean has(String field) {
        return fields().containsKey(field);
    }

    int size() {
        return isObject() ? fields().size() : items().size();
    }

    boolean isEmpty() {
        return size() == 0;
    }

    Set<Map.Entry<String, ConfigNode>> properties() {
        return Collections.unmodifiableMap(fields()).entrySet();
    }

    Iterator<String> fieldNames() {
        return fields().keySet().iterator();
    }

    /** A list's items, a mapping's values, nothing for a scalar: as JsonNode's. */
    @Override
    public Iterator<ConfigNode> iterator() {
        return isObject() ? fields().values().iterator() : items().iterator();
    }

    /** The text of a text value, else null. */
    String textValue() {
        return kind == Kind.STRING ? (String) value : null;
    }

    boolean booleanValue() {
        return kind == Kind.BOOLEAN && (Boolean) value;
    }

    /** As JsonNode.asText: a scalar's text ("3001", "true", "null"), "" for a mapping, list or nothing. */
    String asText() {
        return switch (kind) {
            case STRING -> (String) value;
            case BOOLEAN, NUMBER -> value.toString(); // Double.toString is what Jackson writes for a DoubleNode
            case NULL -> "null";
            default -> "";
        };
    }

    boolean canConvertToInt() {
        return canConvert(Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    boolean canConvertToLong() {
        return canConvert(Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private boolean canConvert(long min, long max) {
        if (value instanceof Integer || value instanceof Long) {
            long n = ((Number) value).longValue();
            return n >= min && n <= max;
        }
        if (value instanceof BigInteger big) {
            return big.compareTo(BigInteger.valueOf(min)) >= 0 && big.compareTo(BigInteger.valueOf(max)) <= 0;
        }
        if (value instanceof Double d) {
            return !Double.isNaN(d) && d >= min && d <= max;
        }
        return false;
    }

    int intValue() {
        return value instanceof Number n ? n.intValue() : 0;
    }

    long longValue() {
        return value instanceof Number n ? n.longValue() : 0;
    }

    /** The exact value of a number (as JsonNode.decimalValue), zero for anything else. */
    BigDecimal decimalValue() {
        if (value instanceof Integer || value instanceof Long) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger big) {
            return new BigDecimal(big);
        }
        if (value instanceof Double d) {
            return BigDecimal.valueOf(d);
        }
        return BigDecimal.ZERO;
    }

    /** A mapping under construction, in the file's order. */
    static Map<String, ConfigNode> newFields() {
        return new LinkedHashMap<>();
    }
}
