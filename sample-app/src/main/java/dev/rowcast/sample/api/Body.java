package dev.rowcast.sample.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/** A request's JSON object, read field by field with a 400 naming any bad field. */
public final class Body {

    /** Fields Payload documents carry that a client may send back unchanged; never written. */
    private static final Set<String> READ_ONLY = Set.of("id", "createdAt", "updatedAt");

    private final String slug;
    private final ObjectNode json;

    private Body(String slug, ObjectNode json) {
        this.slug = slug;
        this.json = json;
    }

    public static Body parse(ObjectMapper mapper, String slug, byte[] bytes) {
        JsonNode node;
        try {
            node = bytes.length == 0 ? null : mapper.readTree(bytes);
        } catch (JacksonException e) {
            throw ApiException.badRequest("The request body is not valid JSON: "
                    + e.getOriginalMessage() + ".");
        } catch (IOException e) {
            throw new UncheckedIOException("reading an in-memory body failed", e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.badRequest("The request body must be a JSON object with the fields of "
                    + slug + ".");
        }
        return new Body(slug, object);
    }

    /** Refuses keys that are not fields of this collection, so typos do not pass silently. */
    public Body allowOnly(Set<String> fields) {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name) && !READ_ONLY.contains(name)) {
                throw ApiException.badRequest("Unknown field '" + name + "' in " + slug
                        + ": the fields are " + String.join(", ", fields.stream().sorted().toList()) + ".");
            }
        }
        return this;
    }

    public Optional<String> text(String name, int maxLength) {
        JsonNode node = json.get(name);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw invalid(name, "a non-empty string");
        }
        if (node.asText().length() > maxLength) {
            throw invalid(name, "at most " + maxLength + " characters");
        }
        return Optional.of(node.asText());
    }

    public Optional<Boolean> bool(String name) {
        JsonNode node = json.get(name);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw invalid(name, "true or false");
        }
        return Optional.of(node.asBoolean());
    }

    /** A relationship to a user: its id as a number or a numeric string, as Payload accepts. */
    public Optional<Long> id(String name) {
        JsonNode node = json.get(name);
        if (node == null) {
            return Optional.empty();
        }
        if (node.canConvertToExactIntegral() && node.canConvertToLong()) {
            return Optional.of(node.asLong());
        }
        if (node.isTextual() && node.asText().matches("\\d{1,18}")) {
            return Optional.of(Long.parseLong(node.asText()));
        }
        throw invalid(name, "a user id");
    }

    public static <T> T required(Optional<T> value, String slug, String name) {
        return value.orElseThrow(() -> ApiException.badRequest(
                "The following field is invalid: " + name + " (required in " + slug + ")."));
    }

    public <T> T required(Optional<T> value, String name) {
        return required(value, slug, name);
    }

    private ApiException invalid(String name, String expected) {
        return ApiException.badRequest("The following field is invalid: " + name
                + " (must be " + expected + " in " + slug + ").");
    }
}
