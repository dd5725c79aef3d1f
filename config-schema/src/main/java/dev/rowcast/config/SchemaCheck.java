package dev.rowcast.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates the tree against rowcast.schema.json and says each violation the way a person fixes it:
 * at the key or value, with the closest valid key or value.
 */
final class SchemaCheck {

    /** The schema inside this jar; editors read the same file. */
    static final String SCHEMA_RESOURCE = "rowcast.schema.json";

    private static final String ENV_ONLY = "^\\$\\{";

    /** Keys of the plugin's config that have a different home here. */
    private static final Map<String, String> PLUGIN_KEYS = Map.of(
            "disabled", "Rowcast says 'enabled: false' for the plugin's 'disabled: true'",
            "requireAuth", "Rowcast says 'auth: { required: true }' for the plugin's 'requireAuth: true'",
            "serverOptions", "Rowcast says 'server:' (port, cors) for the plugin's 'serverOptions:'");

    /** Fixed wording for pattern checks whose regex says nothing to a reader. */
    private static final Map<String, String> PATTERN_MESSAGES = Map.of(
            "/properties/server/properties/path/pattern", "'%s' must start with '/', as in /socket.io",
            "/properties/server/properties/cors/properties/methods/pattern",
            "'%s' is not an HTTP method: use GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS",
            "/properties/auth/properties/token/properties/jwks/pattern",
            "'%s' is not a JWKS location: write an https:, http: or file: URL",
            "/properties/cluster/properties/redis/pattern",
            "'%s' is not a Redis URI: write redis://host:6379, or rediss://host:6380 for TLS");

    private static final JsonNode SCHEMA_NODE;
    private static final Schema SCHEMA;

    static {
        try (InputStream in = SchemaCheck.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("[rowcast] " + SCHEMA_RESOURCE + " is missing from the jar");
            }
            SCHEMA_NODE = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(SCHEMA_NODE);
    }

    private SchemaCheck() {}

    static void check(SourceTree tree, Problems problems) {
        for (Error error : SCHEMA.validate(tree.json())) {
            report(error, tree, problems);
        }
    }

    private static void report(Error error, SourceTree tree, Problems problems) {
        KeyPath path = path(error.getInstanceLocation());
        SourceTree.Spot spot = tree.spot(path);
        JsonNode value = error.getInstanceNode();
        String fileText = tree.fileText(path);
        // a value from the environment may be a secret: the messages quote what the file says instead
        JsonNode shown = fileText != null && value != null && value.isValueNode() ? TextNode.valueOf(fileText) : value;
        String found = shown == value ? describe(value) : "'" + fileText + "' (" + kind(value) + " once replaced)";
        NodePath fragment = error.getSchemaLocation().getFragment();
        String where = fragment.toString();
        JsonNode subschema = subschema(fragment);
        switch (error.getKeyword()) {
            case "additionalProperties" -> unknownKey(path, error.getProperty(), subschema, tree, problems);
            case "type" -> problems.at(spot, path, wrongType(where, subschema, value, found));
            case "pattern" -> problems.at(spot, path, badPattern(where, subschema, shown, found));
            case "enum" -> problems.at(spot, path, notInEnum(subschema.path("enum"), shown));
            case "minimum", "maximum" -> problems.at(spot, path, outOfRange(subschema, shown));
            case "minLength" -> problems.at(spot, path, "must not be empty");
            case "minItems" -> problems.at(spot, path, "must not be an empty list");
            case "uniqueItems" -> duplicateItem(path, value, tree, problems);
            default -> problems.at(spot, path, error.getMessage());
        }
    }

    private static void unknownKey(KeyPath parent, String key, JsonNode subschema, SourceTree tree, Problems problems) {
        KeyPath path = parent.key(key);
        SourceTree.Spot spot = tree.spot(path);
        List<String> valid = new ArrayList<>();
        subschema.path("properties").fieldNames().forEachRemaining(valid::add);
        String plugin = parent.isRoot() ? PLUGIN_KEYS.get(key) : null;
        String message;
        if (plugin != null) {
            message = "unknown key '" + key + "': " + plugin;
        } else {
            String closest = Suggestions.closest(key, valid);
            message = closest != null
                    ? "unknown key '" + key + "' (did you mean '" + closest + "'?)"
                    : "unknown key '" + key + "' (valid keys: " + String.join(", ", valid) + ")";
        }
        problems.atKey(spot, parent, message);
    }

    /** {@code found}: the value as the message shows it; for a value from the environment, the file's text and its kind. */
    private static String wrongType(String where, JsonNode subschema, JsonNode value, String found) {
        String message = "expected " + expectation(where, subschema) + ", found " + found;
        if ((value == null || value.isNull()) && subschema.path("type").asText().equals("object")) {
            return message + ": indent its keys under it, or remove it";
        }
        if (value != null && value.isObject() && (where.contains("roomTemplate") || where.contains("roomPattern"))) {
            // room: {user} is a YAML mapping; the template needs quotes
            message += " (YAML reads a value that starts with '{' as a mapping: quote it, as in \"{user}\")";
        }
        return message;
    }

    private static String badPattern(String where, JsonNode subschema, JsonNode value, String found) {
        String text = value == null ? "" : value.asText();
        if (where.startsWith("/$defs/duration")) {
            return "'" + text + "' is not a duration: " + Units.DURATION_HINT;
        }
        if (where.startsWith("/$defs/size")) {
            return "'" + text + "' is not a size: " + Units.SIZE_HINT;
        }
        String fixed = PATTERN_MESSAGES.get(where);
        if (fixed != null) {
            return String.format(fixed, text);
        }
        if (subschema.path("pattern").asText().startsWith(ENV_ONLY)) {
            // text is allowed only as ${NAME} for editors; after substitution it is the wrong type
            return "expected " + expectation(where, subschema) + ", found " + found;
        }
        return "'" + text + "' does not match " + subschema.path("pattern").asText();
    }

    private static String notInEnum(JsonNode allowed, JsonNode value) {
        List<String> names = new ArrayList<>();
        allowed.forEach(n -> names.add(n.asText()));
        String text = value == null ? "" : value.asText();
        String closest = Suggestions.closest(text, names);
        return "'" + text + "' is not one of " + String.join(", ", names)
                + (closest != null ? " (did you mean '" + closest + "'?)" : "");
    }

    private static String outOfRange(JsonNode subschema, JsonNode value) {
        JsonNode min = subschema.get("minimum");
        JsonNode max = subschema.get("maximum");
        String text = value == null ? "" : value.asText();
        if (min != null && max != null) {
            return text + " is out of range: use " + min.asText() + " to " + max.asText();
        }
        return min != null ? text + " is too small: use at least " + min.asText()
                : text + " is too large: use at most " + max.asText();
    }

    private static void duplicateItem(KeyPath path, JsonNode list, SourceTree tree, Problems problems) {
        Set<JsonNode> seen = new HashSet<>();
        for (int i = 0; list != null && i < list.size(); i++) {
            if (!seen.add(list.get(i))) {
                KeyPath item = path.index(i);
                problems.at(tree.spot(item), item, "'" + list.get(i).asText() + "' is listed twice: keep one");
            }
        }
    }

    /** What a reader should write there, from the schema: "a duration", "true or false", "a list". */
    private static String expectation(String where, JsonNode subschema) {
        if (where.startsWith("/$defs/duration")) {
            return "a duration such as 500ms, 30s or 2m";
        }
        if (where.startsWith("/$defs/size")) {
            return "a size such as 64KB or 1MB";
        }
        if (where.startsWith("/$defs/flag")) {
            return "true or false";
        }
        List<String> types = new ArrayList<>();
        JsonNode type = subschema.path("type");
        if (type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        } else {
            types.add(type.asText());
        }
        if (subschema.path("pattern").asText().startsWith(ENV_ONLY)) {
            types.remove("string");
        }
        List<String> words = new ArrayList<>();
        for (String t : types) {
            words.add(switch (t) {
                case "integer" -> "a whole number";
                case "number" -> "a number";
                case "boolean" -> "true or false";
                case "string" -> "text";
                case "array" -> "a list";
                case "object" -> "a mapping of keys";
                default -> t;
            });
        }
        return String.join(" or ", words);
    }

    /** The tree as Jackson's for the validator: the node types SourceTree made before it read into ConfigNode. */
    static JsonNode json(ConfigNode node) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return switch (node.kind()) {
            case OBJECT -> {
                ObjectNode object = json.objectNode();
                node.properties().forEach(field -> object.set(field.getKey(), json(field.getValue())));
                yield object;
            }
            case ARRAY -> {
                ArrayNode array = json.arrayNode();
                node.forEach(item -> array.add(json(item)));
                yield array;
            }
            case STRING -> json.textNode(node.textValue());
            case BOOLEAN -> json.booleanNode(node.booleanValue());
            case NUMBER -> node.value() instanceof Integer i ? json.numberNode(i)
                    : node.value() instanceof Long l ? json.numberNode(l)
                    : node.value() instanceof BigInteger big ? json.numberNode(big)
                    : json.numberNode((Double) node.value());
            case NULL -> json.nullNode();
            case MISSING -> json.missingNode();
        };
    }

    /** What kind of value it is, without the value: for one from the environment. */
    private static String kind(JsonNode value) {
        return value.isTextual() ? "text" : value.isNumber() ? "a number" : value.isBoolean() ? "true or false" : describe(value);
    }

    static String describe(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "an empty value";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isTextual()) {
            return "'" + value.asText() + "'";
        }
        return value.toString();
    }

    private static KeyPath path(NodePath location) {
        List<Object> segments = new ArrayList<>();
        for (int i = 0; i < location.getNameCount(); i++) {
            segments.add(location.getElement(i));
        }
        return KeyPath.of(segments);
    }

    /** The schema object holding the failed keyword. */
    private static JsonNode subschema(NodePath keywordLocation) {
        JsonNode node = SCHEMA_NODE;
        for (int i = 0; i < keywordLocation.getNameCount() - 1; i++) {
            Object element = keywordLocation.getElement(i);
            node = element instanceof Integer index ? node.path(index) : node.path(element.toString());
        }
        return node;
    }
}
