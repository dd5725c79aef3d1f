package dev.rowcast.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The compiled schema lets a file skip the full validator only when the full validator would find
 * nothing: held to it on every shipped example and wrong file, and on random edits of valid files.
 */
class CompiledSchemaTest {

    @Test
    void theShippedSchemaCompiles() {
        assertThat(CompiledSchema.available()).as("a keyword of rowcast.schema.json that CompiledSchema does not know").isTrue();
    }

    @Test
    void everyPatternOfTheShippedSchemaCompiles() throws Exception {
        // patterns are compiled at first use, where a bad one would only make every file take the full validator
        String schema = new String(ConfigLoader.schema().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        List<String> patterns = new ArrayList<>();
        collectPatterns(new CompiledSchema.JsonReader(schema).document(), patterns);

        assertThat(patterns).hasSizeGreaterThan(3);
        for (String pattern : patterns) {
            assertThat(java.util.regex.Pattern.compile(pattern)).as(pattern).isNotNull();
        }
    }

    @Test
    void aPatternThatDoesNotCompileSendsTheFileToTheFullValidator() {
        CompiledSchema.Check check = CompiledSchema.compile(Map.of("type", "string", "pattern", "^(unclosed"));

        assertThat(check.test(ConfigNode.text("unclosed"))).isFalse();
        assertThat(check.test(ConfigNode.number(1))).isFalse();
        assertThat(CompiledSchema.compile(Map.of("type", "string", "pattern", "^a")).test(ConfigNode.text("ab"))).isTrue();
    }

    private static void collectPatterns(Object schema, List<String> patterns) {
        if (schema instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if ("pattern".equals(key) && value instanceof String pattern) {
                    patterns.add(pattern);
                } else {
                    collectPatterns(value, patterns);
                }
            });
        } else if (schema instanceof List<?> list) {
            list.forEach(item -> collectPatterns(item, patterns));
        }
    }

    @Test
    void agreesWithTheFullValidatorOnEveryExampleAndWrongFile() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of("/examples", "/invalid")) {
            try (Stream<Path> listed = Files.list(Path.of(CompiledSchemaTest.class.getResource(dir).toURI()))) {
                listed.filter(f -> f.toString().endsWith(".yml")).sorted().forEach(files::add);
            }
        }
        assertThat(files).hasSizeGreaterThan(40);
        int conforming = 0;
        for (Path file : files) {
            SourceTree tree = SourceTree.read(Files.readString(file), ExamplesLoadTest.ENV, new Problems(file.toString()));
            if (tree == null) {
                continue; // not YAML: no schema question
            }
            boolean fullVerdict = fullValidatorFindsNothing(tree);
            assertThat(CompiledSchema.conforms(tree.root())).as(file.getFileName().toString()).isEqualTo(fullVerdict);
            conforming += fullVerdict ? 1 : 0;
        }
        assertThat(conforming).as("files that conform, so the fast path is exercised").isGreaterThan(5);
    }

    @Property(tries = 400)
    void neverLetsThroughWhatTheFullValidatorRejects(@ForAll("edited") String yaml) {
        SourceTree tree = SourceTree.read(yaml, ExamplesLoadTest.ENV, new Problems("edited.yml"));
        if (tree == null) {
            return;
        }
        if (CompiledSchema.conforms(tree.root())) {
            assertThat(fullValidatorFindsNothing(tree)).as("the full validator accepts too:\n" + yaml).isTrue();
        }
    }

    @Test
    void itsJsonReaderReadsTheSchemaAsJacksonDoes() throws Exception {
        String schema = new String(ConfigLoader.schema().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        ObjectMapper json = new ObjectMapper();

        Object read = new CompiledSchema.JsonReader(schema).document();

        assertThat(json.readTree(json.writeValueAsString(read))).isEqualTo(json.readTree(schema));
        assertThat(new CompiledSchema.JsonReader("{\"a\": [\"\\u00e9\\n\\\"\", -2, 1.5, true, null]}").document())
                .isEqualTo(Map.of("a", java.util.Arrays.asList("\u00e9\n\"", -2L, new java.math.BigDecimal("1.5"), true, null)));
    }

    @Test
    void refusesASchemaWithAKeywordItDoesNotKnow() {
        assertThatThrownBy(() -> CompiledSchema.compile(Map.of("oneOf", List.of(Map.of("type", "string")))))
                .hasMessageContaining("oneOf");
        assertThatThrownBy(() -> CompiledSchema.compile(Map.of("$ref", "https://example.com/other.json")))
                .hasMessageContaining("$ref");
    }

    private static boolean fullValidatorFindsNothing(SourceTree tree) {
        Problems problems = new Problems("x.yml");
        SchemaCheck.check(tree, problems);
        return problems.isEmpty();
    }

    /** A valid file with one line's value or key replaced by something often wrong. */
    @Provide
    Arbitrary<String> edited() {
        Arbitrary<String> values = Arbitraries.of("", "-1", "0", "70000", "1.0", "2.5", "x", "true", "[]", "{}", "null", "5q",
                "10s", "1MB", "[a, a]", "[1, 1.0]", "GET", "FETCH", "/p", "p", "redis://h:1", "http://x", "create", "explode",
                "\"${MISSING:-3}\"", "{ enabled: true }", "[create, create]");
        Arbitrary<String> keys = Arbitraries.of("port", "prot", "enabled", "events", "room", "host", "cors", "fields", "zzz");
        return Combinators.combine(new ConfigRoundTripTest().configs(), Arbitraries.integers().between(0, 200), values, keys,
                Arbitraries.of(true, false)).as((config, lineIndex, value, key, replaceValue) -> {
                    List<String> lines = new ArrayList<>(ConfigWriter.write(config).lines().toList());
                    List<Integer> editable = new ArrayList<>();
                    for (int i = 0; i < lines.size(); i++) {
                        if (lines.get(i).contains(":") && !lines.get(i).trim().startsWith("#")) {
                            editable.add(i);
                        }
                    }
                    if (editable.isEmpty()) {
                        return String.join("\n", lines);
                    }
                    int at = editable.get(lineIndex % editable.size());
                    String line = lines.get(at);
                    int colon = line.indexOf(':');
                    String indent = line.substring(0, line.length() - line.stripLeading().length());
                    lines.set(at, replaceValue ? line.substring(0, colon + 1) + " " + value : indent + key + line.substring(colon));
                    return String.join("\n", lines) + "\n";
                });
    }
}
