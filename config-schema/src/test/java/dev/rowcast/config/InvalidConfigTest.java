package dev.rowcast.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each file under invalid/ is wrong in a way a user writes; its {@code # expect:} comments give every
 * problem the loader must report, with line, column and text, in file order.
 */
class InvalidConfigTest {

    private static final String EXPECT = "# expect: ";

    @TestFactory
    Stream<DynamicTest> eachWrongFileIsReportedExactlyAsExpected() throws Exception {
        List<Path> files = invalidFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(30);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String yaml = Files.readString(file);
            List<String> expected = yaml.lines().filter(l -> l.startsWith(EXPECT))
                    .map(l -> l.substring(EXPECT.length())).toList();
            assertThat(expected).as("expectations in " + file.getFileName()).isNotEmpty();

            ConfigException thrown = catchThrowableOfType(ConfigException.class,
                    () -> ConfigLoader.load(file.getFileName().toString(), yaml, ExamplesLoadTest.ENV));

            assertThat(thrown).as(file.getFileName() + " must be rejected").isNotNull();
            assertThat(thrown.problems()).map(p -> p.line() + ":" + p.column() + ": " + p.message())
                    .containsExactlyElementsOf(expected);
        }));
    }

    @Test
    void messageListsEveryProblemAsFileLineColumnOnePerLine() {
        String yaml = "server:\n  prot: 3001\ncollections:\n  notifications:\n    rooom: x\n";

        ConfigException thrown = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load("rowcast.yml", yaml, ExamplesLoadTest.ENV));

        assertThat(thrown.getMessage()).isEqualTo(String.join("\n",
                "rowcast.yml:2:3: server: unknown key 'prot' (did you mean 'port'?)",
                "rowcast.yml:4:3: collections: 'notifications' does not say where its rows come from:"
                        + " add entity: <a Hibernate entity> or table: <a table written through JDBC>",
                "rowcast.yml:5:5: collections.notifications: unknown key 'rooom' (did you mean 'room'?)"));
    }

    @Test
    void missingFileIsOneProblemNamingTheFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("rowcast.yml");

        ConfigException thrown = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(missing));

        assertThat(thrown.problems()).hasSize(1);
        assertThat(thrown.getMessage()).startsWith(missing + ": no such file");
    }

    private static List<Path> invalidFiles() throws URISyntaxException, java.io.IOException {
        Path dir = Path.of(InvalidConfigTest.class.getResource("/invalid").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
        }
    }

    /** A problem found after loading (a key file that does not parse) is said at its key's value, as the loader's own are. */
    @Test
    void aLaterProblemIsLocatedAtTheKeyItsMessageNames(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("rowcast.yml"), "auth:\n  required: true\n  token:\n    publicKey: key.pem\n");
        assertThat(ConfigLoader.locate(file, "auth.token.publicKey holds no PEM block"))
                .isEqualTo(file + ":4:16: auth.token.publicKey holds no PEM block");
        // a key the file lacks: its nearest ancestor
        assertThat(ConfigLoader.locate(file, "auth.token.jwks: not reachable")).isEqualTo(file + ":4:5: auth.token.jwks: not reachable");
        assertThat(ConfigLoader.locate(file, "no key named here")).isEqualTo(file + ": no key named here");
        assertThat(ConfigLoader.locate(file, "rowcast.yml is not a key")).isEqualTo(file + ": rowcast.yml is not a key");
        assertThat(ConfigLoader.locate(dir.resolve("gone.yml"), "auth.token.publicKey holds no PEM block"))
                .isEqualTo(dir.resolve("gone.yml") + ": auth.token.publicKey holds no PEM block");
    }
}
