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
import java.util.regex.PatternSyntaxException;

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
 *
 * <p>Each schema object becomes one {@link Check} holding its keywords as fields, not a tree of
 * lambdas: in a cold JVM every lambda costs a class spun at its first use, and this runs while the
 * host app starts.
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
        for (Map.Entry<String, Object> def : defs.entrySet()) {
            compiled.compiledDefs.put(def.getKey(), compiled.node(def.getValue()));
        }
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

    @SuppressWarnings("unchecked")
    private Check node(Object schema) {
        Check check = new Check();
        if (schema instanceof Boolean allowed) {
            check.never = !allowed;
            return check;
        }
        if (!(schema instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("a schema must be an object or a boolean, found " + schema);
        }
        for (Map.Entry<String, Object> keyword : ((Map<String, Object>) schema).entrySet()) {
            Object value = keyword.getValue();
            switch (keyword.getKey()) {
                case "type" -> check.types = types(value instanceof List<?> list ? (List<String>) list : List.of((String) value));
                case "properties" -> {
                    check.properties = new HashMap<>();
                    for (Map.Entry<String, Object> property : ((Map<String, Object>) value).entrySet()) {
                        check.properties.put(property.getKey(), node(property.getValue()));
                    }
                }
                case "additionalProperties" -> check.additional = node(value);
                case "required" -> check.required = ((List<String>) value).toArray(new String[0]);
                case "items" -> {
                    if (value instanceof List<?>) {
                        throw new IllegalArgumentException("items as a list (draft 4 tuples)");
                    }
                    check.items = node(value);
                }
                case "enum" -> check.allowed = (List<Object>) value;
                case "pattern" -> check.patternText = (String) value;
                case "minLength" -> check.minLength = ((Number) value).intValue();
                case "minItems" -> check.minItems = ((Number) value).intValue();
                case "uniqueItems" -> check.uniqueItems = Boolean.TRUE.equals(value);
                case "minimum" -> check.minimum = new BigDecimal(value.toString());
                case "maximum" -> check.maximum = new BigDecimal(value.toString());
                case "$ref" -> {
                    check.ref = ref((String) value);
                    check.defs = compiledDefs;
                }
                default -> {
                    if (!ANNOTATIONS.contains(keyword.getKey())) {
                        throw new IllegalArgumentException("keyword '" + keyword.getKey() + "' is not compiled here");
                    }
                }
            }
        }
        return check;
    }

    /** The definition's name; looked up when used, so a definition may refer to itself. */
    private String ref(String target) {
        if (!target.startsWith(DEFS) || target.indexOf('/', DEFS.length()) >= 0 || !defs.containsKey(target.substring(DEFS.length()))) {
            throw new IllegalArgumentException("$ref '" + target + "' is not a local #/$defs/ name");
        }
        return target.substring(DEFS.length());
    }

    private static int types(List<String> names) {
        int types = 0;
        for (String name : names) {
            types |= switch (name) {
                case "object" -> Check.OBJECT;
                case "array" -> Check.ARRAY;
                case "string" -> Check.STRING;
                case "boolean" -> Check.BOOLEAN;
                case "null" -> Check.NULL;
                case "integer" -> Check.INTEGER; // 1.0 is one too for the full validator: it decides that
                case "number" -> Check.NUMBER;
                default -> throw new IllegalArgumentException("type '" + name + "'");
            };
        }
        return types;
    }

    /**
     * One schema object compiled: a node conforms when it passes every keyword the object holds. A
     * field left at its initial value stands for a keyword the object does not have.
     */
    static final class Check {
        static final int OBJECT = 1;
        static final int ARRAY = 1 << 1;
        static final int STRING = 1 << 2;
        static final int BOOLEAN = 1 << 3;
        static final int NULL = 1 << 4;
        static final int INTEGER = 1 << 5;
        static final int NUMBER = 1 << 6;
        private static final int ANY = -1;

        /** The schema {@code false}. */
        private boolean never;
        private int types = ANY;
        private String[] required;
        private Map<String, Check> properties;
        private Check additional;
        private Check items;
        private List<Object> allowed;
        private String patternText;
        /** Compiled at first use: a file reaches few of the schema's patterns, and each costs a cold JVM some 0.5 ms. */
        private volatile Pattern pattern;
        private int minLength;
        private int minItems;
        private boolean uniqueItems;
        private BigDecimal minimum;
        private BigDecimal maximum;
        private String ref;
        private Map<String, Check> defs;

        boolean test(ConfigNode node) {
            if (never || (types != ANY && (types & typeOf(node)) == 0)) {
                return false;
            }
            if (node.isObject() && !object(node)) {
                return false;
            }
            if (node.isArray() && !array(node)) {
                return false;
            }
            if (node.isTextual() && !text(node.textValue())) {
                return false;
            }
            if (node.isNumber() && (minimum != null || maximum != null) && !number(node.decimalValue())) {
                return false;
            }
            if (allowed != null && !oneOf(node, allowed)) {
                return false;
            }
            // every definition is compiled before any use
            return ref == null || defs.get(ref).test(node);
        }

        private boolean object(ConfigNode object) {
            if (required != null) {
                for (String name : required) {
                    if (!object.has(name)) {
                        return false;
                    }
                }
            }
            if (properties == null && additional == null) {
                return true;
            }
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                Check check = properties == null ? null : properties.get(name);
                if (check == null) {
                    check = additional;
                }
                if (check != null && !check.test(object.get(name))) {
                    return false;
                }
            }
            return true;
        }

        private boolean array(ConfigNode array) {
            if (array.size() < minItems || (uniqueItems && !unique(array))) {
                return false;
            }
            if (items != null) {
                for (ConfigNode item : array) {
                    if (!items.test(item)) {
                        return false;
                    }
                }
            }
            return true;
        }

        private boolean text(String text) {
            return (minLength <= 0 || text.codePointCount(0, text.length()) >= minLength)
                    && (patternText == null || matchesPattern(text));
        }

        private boolean matchesPattern(String text) {
            Pattern compiled = pattern;
            if (compiled == null) {
                try {
                    compiled = Pattern.compile(patternText);
                } catch (PatternSyntaxException e) {
                    return false; // the full validator says what is wrong with it
                }
                pattern = compiled;
            }
            return compiled.matcher(text).find();
        }

        private boolean number(BigDecimal value) {
            return (minimum == null || value.compareTo(minimum) >= 0) && (maximum == null || value.compareTo(maximum) <= 0);
        }

        private static int typeOf(ConfigNode node) {
            if (node.isNumber()) {
                return node.isIntegralNumber() ? NUMBER | INTEGER : NUMBER;
            }
            return node.isObject() ? OBJECT : node.isArray() ? ARRAY : node.isTextual() ? STRING
                    : node.isBoolean() ? BOOLEAN : node.isNull() ? NULL : 0;
        }
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

    private static boolean oneOf(ConfigNode node, List<Object> allowed) {
        for (Object candidate : allowed) {
            if (same(node, candidate)) {
                return true;
            }
        }
        return false;
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
            int close = text.indexOf('"', ++at);
            if (close >= 0) {
                String plain = text.substring(at, close);
                if (plain.indexOf('\\') < 0) {
                    at = close + 1;
                    return plain; // no escape, as in most of the schema's text: no char-by-char copy
                }
            }
            StringBuilder out = new StringBuilder();
            for (; at < text.length(); at++) {
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
            while (at < text.length() && !isSpace(text.charAt(at)) && "{}[],:".indexOf(text.charAt(at)) < 0) {
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
                        return number.scale() <= 0 && isDigits(word) ? (Object) number.longValueExact() : number;
                    } catch (NumberFormatException | ArithmeticException e) {
                        throw error("'" + word + "' is no JSON value");
                    }
                }
            }
        }

        /** -?[0-9]+, without a regular expression: compiling one is a cost this reader avoids. */
        private static boolean isDigits(String word) {
            int start = word.startsWith("-") ? 1 : 0;
            if (word.length() == start) {
                return false;
            }
            for (int i = start; i < word.length(); i++) {
                if (word.charAt(i) < '0' || word.charAt(i) > '9') {
                    return false;
                }
            }
            return true;
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
            while (at < text.length() && isSpace(text.charAt(at))) {
                at++;
            }
        }

        private static boolean isSpace(char c) {
            return c == ' ' || c == '\n' || c == '\r' || c == '\t';
        }

        private IllegalArgumentException error(String expected) {
            return new IllegalArgumentException(SchemaCheck.SCHEMA_RESOURCE + ": expected " + expected + " at character " + at);
        }
    }
}
