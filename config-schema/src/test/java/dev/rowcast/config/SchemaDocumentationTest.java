package dev.rowcast.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What an editor shows for each key (description, type, default, example) is there and true. */
class SchemaDocumentationTest {

    /** Keys whose absence is their default: an unset secret, no audience check, any room. */
    private static final Set<String> NO_DEFAULT = Set.of("auth.token.secret", "auth.token.publicKey",
            "auth.token.jwks", "auth.token.issuer", "auth.token.audience", "auth.rooms", "collection.entity",
            "collection.table", "collection.room", "collection.rooms", "collection.fields.include",
            "collection.fields.exclude", "cluster", "cluster.redis");

    private static JsonNode schema;

    @BeforeAll
    static void readSchema() throws Exception {
        try (InputStream in = ConfigLoader.schema()) {
            schema = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void everyKeyHasDescriptionTypeExampleAndDefault() {
        List<String> missing = new ArrayList<>();
        walk(schema, "", missing);
        walk(schema.path("$defs").path("collection"), "collection", missing);

        assertThat(missing).isEmpty();
    }

    private static void walk(JsonNode object, String path, List<String> missing) {
        object.path("properties").properties().forEach(entry -> {
            String key = entry.getKey();
            JsonNode property = entry.getValue();
            String at = path.isEmpty() ? key : path + "." + key;
            JsonNode resolved = property.has("$ref") ? ref(property.get("$ref").asText()) : property;
            if (!property.has("description")) {
                missing.add(at + ": description");
            }
            if (!property.has("type") && !resolved.has("type")) {
                missing.add(at + ": type");
            }
            if (!property.has("examples") && !resolved.has("examples")) {
                missing.add(at + ": examples");
            }
            if (!property.has("default") && !NO_DEFAULT.contains(at)) {
                missing.add(at + ": default");
            }
            walk(property, at, missing);
        });
    }

    private static JsonNode ref(String pointer) {
        return schema.at(pointer.substring(1));
    }

    @Test
    void schemaDefaultsAreTheModelsDefaults() throws Exception {
        ObjectNode file = defaultsOf(schema);
        file.remove("collections");
        file.remove("cluster"); // absent by default: an instance runs alone

        RowcastConfig loaded = ConfigLoader.load("defaults.yml", file.toPrettyString(), Map.of());

        assertThat(loaded).isEqualTo(RowcastConfig.defaults());
        assertThat(file.path("server").path("maxPayload").asText()).isEqualTo("1MB");
    }

    @Test
    void collectionDefaultsAreTheModelsDefaults() throws Exception {
        ObjectNode collection = defaultsOf(schema.path("$defs").path("collection"));
        collection.put("table", "notifications");
        ObjectNode file = new ObjectMapper().createObjectNode();
        file.putObject("collections").set("notifications", collection);

        CollectionConfig loaded = ConfigLoader.load("defaults.yml", file.toPrettyString(), Map.of())
                .collections().get("notifications");

        assertThat(loaded.events()).isEqualTo(CollectionConfig.DEFAULT_EVENTS);
        assertThat(loaded.broadcast()).isFalse();
        assertThat(loaded.fields()).isEqualTo(FieldFilter.ALL);
    }

    /** An object with every property at its schema default, nested objects built the same way. */
    private static ObjectNode defaultsOf(JsonNode object) {
        ObjectNode values = new ObjectMapper().createObjectNode();
        object.path("properties").properties().forEach(entry -> {
            JsonNode property = entry.getValue();
            if (property.path("properties").size() > 0) {
                values.set(entry.getKey(), defaultsOf(property));
            } else if (property.has("default")) {
                values.set(entry.getKey(), property.get("default"));
            }
        });
        return values;
    }
}
