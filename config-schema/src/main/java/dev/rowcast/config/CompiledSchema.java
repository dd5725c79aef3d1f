package dev.rowcast.config;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * rowcast.schema.json compiled into plain Java checks that answer one question: does a tree
 * conform? It is the agent's start-up path: the full validator ({@link SchemaCheck}, with Jackson's
 * ObjectMapper some 700 classes) runs only when this says no, and words the problems. So the schema
 * stays the single source of truth, and a conforming file costs a few milliseconds. The schema is
 * read by a small JSON reader of its own: SnakeYAML reads JSON too, but ten times slower before
 * the JIT has compiled it, which at start-up it has not.
 *
 * <p>It knows the keywords the schema uses, and errs only towards "no": a keyword it does not know
 * makes it refuse the whole schema (every file then goes to the full validator), and a value it
 * cannot judge exactly (a number written 1.0 where an integer is asked, say) does not conform
 * here. A test holds it to the full validator's verdict on every example and wrong file.
 */
final class CompiledSchema {

    /** Keywords that say nothing about validity. */
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$comment", "$defs", "title", "description",
            "default", "examples", "deprecated", "readOnly", "writeOnly");

    private static final String DEFS = "#/$defs/";

    /** Null when the shipped schema uses a keyword this class does not know. */
    private static final Check ROOT = compileShipped();

    private final Map<String, Object> defs;
    private final Map<String, Check> compiledDefs = new HashMap<>();

    private CompiledSchema(Map<String, Object> defs) {
        this.defs = defs;
    }

    /** Whether the tree certainly conforms to the shipped schema; false means "ask the full validator". */
    static boolean conforms(ConfigNode root) {
        return ROOT != null && ROOT.test(root);
    }

    /** Whether the shipped schema compiled (false: a keyword unknown here; every file then takes the full validator). */
    static boolean available() {
        return ROOT != null;
    }

    /** @throws IllegalArgumentException naming the keyword this class does not know */
    @SuppressWarnings("unchecked")
    static Check compile(Object schema) {
        Map<String, Object> defs = schema instanceof Map<?, ?> map && map.get("$defs") instanceof Map<?, ?> found
                ? (Map<String, Object>) found : Map.of();
        CompiledSchema compiled = new CompiledSchema(defs);
        defs.forEach((name, def) -> compiled.compiledDefs.put(name, compiled.node(def)));
        return compiled.node(schema);
    }

    private static Check compileShipped() {
        try (InputStream in = CompiledSchema.class.getResourceAsStream(SchemaCheck.SCHEMA_RESOURCE)) {
            if (in == null) {
                return null;
            }
            return compile(new JsonReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)).document());
        } catch (IOException | RuntimeException e) {
            return null; // the full validator reads it again and says what is wrong
        }
    }

    /** One schema object compiled; a node conforms when it passes every keyword. */
    @FunctionalInterface
    interface Check {
        boolean test(ConfigNode node);
    }

    @SuppressWarnings("unchecked")
    private Check node(Object schema) {
        if (schema instanceof Boolean allowed) {
            return node -> allowed;
        }
        if (!(schema instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("a schema must be an object or a boolean, found " + schema);
        }
        Map<String, Object> keywords = (Map<String, Object>) schema;
        List<Check> checks = new ArrayList<>();
        Map<String, Check> properties = new LinkedHashMap<>();
        Check additional = null;
        for (Map.Entry<String, Object> keyword : keywords.entrySet()) {
            Object value = keyword.getValue();
            switch (keyword.getKey()) {
                case "type" -> checks.add(type(value instanceof List<?> list ? (List<String>) list : List.of((String) value)));
                case "properties" -> ((Map<String, Object>) value).forEach((name, sub) -> properties.put(name, node(sub)));
                case "additionalProperties" -> additional = node(value);
                case "required" -> {
                    List<String> names = (List<String>) value;
                    checks.add(node -> !node.isObject() || names.stream().allMatch(node::has));
                }
                case "items" -> {
                    if (value instanceof List<?>) {
                        throw new IllegalArgumentException("items as a list (draft 4 tuples)");
                    }
                    Check items = node(value);
                    checks.add(node -> !node.isArray() || allItems(node, items));
                }
                case "enum" -> {
                    List<Object> allowed = (List<Object>) value;
                    checks.add(node -> allowed.stream().anyMatch(candidate -> same(node, candidate)));
                }
                case "pattern" -> {
                    Pattern pattern = Pattern.compile((String) value);
                    checks.add(node -> !node.isTextual() || pattern.matcher(node.textValue()).find());
                }
                case "minLength" -> {
                    int min = ((Number) value).intValue();
                    checks.add(node -> !node.isTextual() || node.textValue().codePointCount(0, node.textValue().length()) >= min);
                }
                case "minItems" -> {
                    int min = ((Number) value).intValue();
                    checks.add(node -> !node.isArray() || node.size() >= min);
                }
                case "uniqueItems" -> {
                    if (Boolean.TRUE.equals(value)) {
                        checks.add(node -> !node.isArray() || unique(node));
                    }
                }
                case "minimum" -> {
                    BigDecimal min = new BigDecimal(value.toString());
                    checks.add(node -> !node.isNumber() || node.decimalValue().compareTo(min) >= 0);
                }
                case "maximum" -> {
                    BigDecimal max = new BigDecimal(value.toString());
                    checks.add(node -> !node.isNumber() || node.decimalValue().compareTo(max) <= 0);
                }
                case "$ref" -> checks.add(ref((String) value));
                default -> {
                    if (!ANNOTATIONS.contains(keyword.getKey())) {
                        throw new IllegalArgumentException("keyword '" + keyword.getKey() + "' is not compiled here");
                    }
                }
            }
        }
        if (!properties.isEmpty() || additional != null) {
            Check others = additional;
            checks.add(node -> !node.isObject() || fields(node, properties, others));
        }
        return node -> {
            for (Check check : checks) {
                if (!check.test(node)) {
                    return false;
                }
            }
            return true;
        };
    }

    /** Looked up when used, so a definition may refer to itself; every definition is compiled before any use. */
    private Check ref(String target) {
        if (!target.startsWith(DEFS) || target.indexOf('/', DEFS.length()) >= 0 || !defs.containsKey(target.substring(DEFS.length()))) {
            throw new IllegalArgumentException("$ref '" + target + "' is not a local #/$defs/ name");
        }
        String name = target.substring(DEFS.length());
        return node -> compiledDefs.get(name).test(node);
    }

    private static Check type(List<String> names) {
        for (String name : names) {
            if (!Set.of("object", "array", "string", "boolean", "null", "integer", "number").contains(name)) {
                throw new IllegalArgumentException("type '" + name + "'");
            }
        }
        return node -> names.stream().anyMatch(name -> switch (name) {
            case "object" -> node.isObject();
            case "array" -> node.isArray();
            case "string" -> node.isTextual();
            case "boolean" -> node.isBoolean();
            case "null" -> node.isNull();
            case "integer" -> node.isIntegralNumber(); // 1.0 is one too for the full validator: it decides that
            default -> node.isNumber();
        });
    }

    private static boolean fields(ConfigNode object, Map<String, Check> properties, Check additional) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            Check check = properties.get(name);
            if (check == null) {
                check = additional;
            }
            if (check != null && !check.test(object.get(name))) {
                return false;
            }
        }
        return true;
    }

    private static boolean allItems(ConfigNode array, Check items) {
        for (ConfigNode item : array) {
            if (!items.test(item)) {
                return false;
            }
        }
        return true;
    }

    /** Lists and mappings as items count as duplicates of each other: the full validator judges those. */
    private static boolean unique(ConfigNode array) {
        Set<String> seen = new HashSet<>();
        for (ConfigNode item : array) {
            String key = item.isContainerNode() ? "container"
                    : item.isNumber() ? "n" + item.decimalValue().stripTrailingZeros().toPlainString()
                    : item.kind() + item.asText();
            if (!seen.add(key)) {
                return false;
            }
        }
        return true;
    }

    /** JSON equality with a value the schema's YAML reading produced; anything else is "not the same". */
    private static boolean same(ConfigNode node, Object candidate) {
        if (candidate instanceof String text) {
            return node.isTextual() && node.textValue().equals(text);
        }
        if (candidate instanceof Boolean b) {
            return node.isBoolean() && node.booleanValue() == b;
        }
        if (candidate instanceof Number n) {
            return node.isNumber() && node.decimalValue().compareTo(new BigDecimal(n.toString())) == 0;
        }
        return candidate == null && node.isNull();
    }

    /** JSON text to Map, List, String, Long, BigDecimal, Boolean and null: all a schema holds. */
    static final class JsonReader {
        private final String text;
        private int at;

        JsonReader(String text) {
            this.text = text;
        }

        Object document() {
            Object value = value();
            skipSpace();
            if (at != text.length()) {
                throw error("text after the document");
            }
            return value;
        }

        private Object value() {
            skipSpace();
            if (at >= text.length()) {
                throw error("end of text where a value belongs");
            }
            char c = text.charAt(at);
            switch (c) {
                case '{' -> {
                    at++;
                    Map<String, Object> object = new LinkedHashMap<>();
                    if (!consume('}')) {
                        do {
                            skipSpace();
                            String key = string();
                            expect(':');
                            object.put(key, value());
                        } while (consume(','));
                        expect('}');
                    }
                    return object;
                }
                case '[' -> {
                    at++;
                    List<Object> array = new ArrayList<>();
                    if (!consume(']')) {
                        do {
                            array.add(value());
                        } while (consume(','));
                        expect(']');
                    }
                    return array;
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    return literal();
                }
            }
        }

        private String string() {
            if (at >= text.length() || text.charAt(at) != '"') {
                throw error("a string");
            }
            StringBuilder out = new StringBuilder();
            for (at++; at < text.length(); at++) {
                char c = text.charAt(at);
                if (c == '"') {
                    at++;
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escaped = text.charAt(++at);
                switch (escaped) {
                    case '"', '\\', '/' -> out.append(escaped);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(text.substring(at + 1, at + 5), 16));
                        at += 4;
                    }
                    default -> throw error("escape \\" + escaped);
                }
            }
            throw error("an unterminated string");
        }

        private Object literal() {
            int start = at;
            while (at < text.length() && "{}[],: \t\r\n".indexOf(text.charAt(at)) < 0) {
                at++;
            }
            String word = text.substring(start, at);
            switch (word) {
                case "true" -> {
                    return Boolean.TRUE;
                }
                case "false" -> {
                    return Boolean.FALSE;
                }
                case "null" -> {
                    return null;
                }
                default -> {
                    try {
                        BigDecimal number = new BigDecimal(word);
                        return number.scale() <= 0 && word.matches("-?[0-9]+") ? (Object) number.longValueExact() : number;
                    } catch (NumberFormatException | ArithmeticException e) {
                        throw error("'" + word + "' is no JSON value");
                    }
                }
            }
        }

        private boolean consume(char c) {
            skipSpace();
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!consume(c)) {
                throw error("'" + c + "'");
            }
        }

        private void skipSpace() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
        }

        private IllegalArgumentException error(String expected) {
            return new IllegalArgumentException(SchemaCheck.SCHEMA_RESOURCE + ": expected " + expected + " at character " + at);
        }
    }
}
