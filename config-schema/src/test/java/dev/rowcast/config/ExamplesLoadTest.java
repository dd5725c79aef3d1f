package dev.rowcast.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The YAML a user copies from SPEC §3 and from the README loads as written. */
class ExamplesLoadTest {

    static final Map<String, String> ENV = Map.of("ROWCAST_JWT_SECRET", "an-hs256-secret-of-at-least-32-bytes!!");

    static String resource(String name) throws IOException {
        try (InputStream in = ExamplesLoadTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void specSection3ExampleLoadsWithItsValues() throws Exception {
        RowcastConfig config = ConfigLoader.load("spec.yml", resource("/examples/spec-section-3.yml"), ENV);

        assertThat(config.enabled()).isTrue();
        assertThat(config.server().port()).isEqualTo(3001);
        assertThat(config.server().cors().anyOrigin()).isTrue();
        assertThat(config.server().cors().methods()).containsExactly("GET", "POST");
        assertThat(config.server().pingInterval()).isEqualTo(Duration.ofSeconds(25));
        assertThat(config.server().maxPayload()).isEqualTo(1_000_000);
        assertThat(config.server().recovery().maxDisconnection()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.auth().token().secret()).contains(ENV.get("ROWCAST_JWT_SECRET"));
        assertThat(config.auth().token().audience()).containsExactly("cms");
        assertThat(config.auth().rooms()).map(List::size).contains(2);
        assertThat(config.relay()).isEqualTo(new RelayConfig(true, true));
        CollectionConfig notifications = config.collections().get("notifications");
        assertThat(notifications.entity()).contains("com.example.cms.Notification");
        assertThat(notifications.table()).contains("notifications");
        assertThat(notifications.events()).containsExactlyInAnyOrder(Operation.CREATE, Operation.UPDATE);
        assertThat(notifications.roomsFor(Map.of("user", 7L))).containsExactly("user:7");
        assertThat(notifications.fields().apply(Map.of("id", 1, "passwordHash", "x"))).containsOnlyKeys("id");
    }

    @Test
    void specSection3ExampleEqualsTheDefaultsWhereItSpellsThemOut() throws Exception {
        RowcastConfig config = ConfigLoader.load("spec.yml", resource("/examples/spec-section-3.yml"), ENV);

        assertThat(config.server()).isEqualTo(ServerConfig.DEFAULTS);
        assertThat(config.relay()).isEqualTo(RelayConfig.DEFAULTS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"readme-minimal.yml", "readme-full.yml", "readme-env.yml", "readme-migrating.yml"})
    void readmeExampleLoads(String name) throws Exception {
        RowcastConfig config = ConfigLoader.load(name, resource("/examples/" + name), ENV);

        assertThat(config.collections()).isNotEmpty();
    }

    @Test
    void sampleAppConfigLoads() throws Exception {
        Path sample = Path.of("..", "sample-app", "rowcast.yml");
        assumeTrue(Files.exists(sample), "no sample app in this checkout");

        RowcastConfig config = ConfigLoader.load("sample-app/rowcast.yml", Files.readString(sample), Map.of());

        assertThat(config.collections()).containsKeys("notifications", "posts", "messages");
        assertThat(config.collections().get("messages").roomsFor(Map.of("chat", 3L))).containsExactly("chat:3");
        // run.sh's ROWCAST_PORT moves the realtime port
        assertThat(config.server().port()).isEqualTo(3001);
        assertThat(ConfigLoader.load("sample-app/rowcast.yml", Files.readString(sample), Map.of("ROWCAST_PORT", "4001")).server().port())
                .isEqualTo(4001);
    }

    @Test
    void emptyFileMeansEveryDefault() throws Exception {
        assertThat(ConfigLoader.load("rowcast.yml", "# nothing yet\n", Map.of())).isEqualTo(RowcastConfig.defaults());
    }

    @Test
    void environmentDefaultIsTypedLikeTheLiteral() throws Exception {
        RowcastConfig config = ConfigLoader.load("rowcast.yml", "server:\n  port: ${PORT:-4000}\nenabled: ${ON:-false}\n",
                Map.of());

        assertThat(config.server().port()).isEqualTo(4000);
        assertThat(config.enabled()).isFalse();
        assertThat(ConfigLoader.load("rowcast.yml", "server:\n  port: ${PORT:-4000}\n", Map.of("PORT", "5000"))
                .server().port()).isEqualTo(5000);
    }

    @Test
    void quotedEnvironmentValueStaysText() throws Exception {
        RowcastConfig config = ConfigLoader.load("rowcast.yml",
                "auth:\n  token:\n    issuer: \"${ISS}\"\n    userClaim: '${CLAIM:-123}'\n", Map.of("ISS", "42"));

        assertThat(config.auth().token().issuer()).contains("42");
        assertThat(config.auth().token().userClaim()).isEqualTo("123");
    }

    @Test
    void doubledDollarKeepsALiteralReference() throws Exception {
        RowcastConfig config = ConfigLoader.load("rowcast.yml", "auth:\n  token:\n    issuer: $${NOT_A_VARIABLE}\n",
                Map.of());

        assertThat(config.auth().token().issuer()).contains("${NOT_A_VARIABLE}");
    }

    @Test
    void mergeKeysShareSettingsBetweenCollections() throws Exception {
        String yaml = """
                collections:
                  posts: &public
                    entity: Post
                    broadcast: true
                    events: [create, update, delete]
                  pages:
                    <<: *public
                    entity: Page
                """;
        RowcastConfig config = ConfigLoader.load("rowcast.yml", yaml, Map.of());

        CollectionConfig pages = config.collections().get("pages");
        assertThat(pages.entity()).contains("Page");
        assertThat(pages.broadcast()).isTrue();
        assertThat(pages.events()).contains(Operation.DELETE);
    }

    @Test
    void schemaShipsInTheJarAsDraft202012() throws Exception {
        try (InputStream in = ConfigLoader.schema()) {
            String schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(schema).contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\"");
        }
    }

    @Test
    void authRoomsAbsentAllowsAnyRoom() throws Exception {
        RowcastConfig config = ConfigLoader.load("rowcast.yml", "enabled: true\n", Map.of());

        assertThat(config.auth().rooms()).isEqualTo(Optional.empty());
        assertThat(config.auth().allows("anything", null)).isTrue();
    }

    @Test
    void readmeErrorListingIsWhatTheLoaderPrintsForItsFile() throws Exception {
        String yaml = resource("/invalid/many-problems-at-once.yml");
        ConfigException thrown = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load("rowcast.yml", yaml, ENV));

        assertThat(thrown.getMessage().lines().toList())
                .containsAll(resource("/examples/readme-errors.txt").lines().toList());
    }

    /** Once the README is assembled at the repository root, its YAML blocks must load too. */
    @Test
    void everyYamlBlockOfTheRepositoryReadmeLoads() throws Exception {
        Path readme = Path.of("..", "README.md");
        assumeTrue(Files.exists(readme), "no README.md yet");
        Matcher blocks = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(readme));
        Pattern rowcastYaml = Pattern.compile("^(enabled|server|auth|relay|collections):", Pattern.MULTILINE);
        int loaded = 0;
        while (blocks.find()) {
            // a block of some other YAML (a CI file, say) is not ours to check
            if (rowcastYaml.matcher(blocks.group(1)).find()) {
                ConfigLoader.load("README.md block " + (loaded + 1), blocks.group(1), ENV);
                loaded++;
            }
        }
        assertThat(loaded).isGreaterThan(0);
    }
}
