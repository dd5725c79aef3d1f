package dev.rowcast.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever valid configuration the writer is given, loading what it wrote gives the same model. */
class ConfigRoundTripTest {

    @Property(tries = 300)
    void randomValidConfigSurvivesLoadWriteLoad(@ForAll("configs") RowcastConfig config) throws Exception {
        String yaml = ConfigWriter.write(config);

        RowcastConfig loaded = ConfigLoader.load("written.yml", yaml, Map.of());

        assertThat(loaded).as(yaml).isEqualTo(config);
        assertThat(ConfigWriter.write(loaded)).isEqualTo(yaml);
    }

    @Provide
    Arbitrary<RowcastConfig> configs() {
        return Combinators.combine(Arbitraries.of(true, false), servers(), auths(), relays(), collections(), clusters())
                .as(RowcastConfig::new);
    }

    private static Arbitrary<ClusterConfig> clusters() {
        return Combinators.combine(Arbitraries.of("redis://", "rediss://:p%40ss@"), words(), Arbitraries.integers().between(1, 65535),
                awkwardText(1, 12)).as((scheme, host, port, prefix) -> new ClusterConfig(scheme + host + ":" + port, prefix))
                .injectNull(0.5);
    }

    private static Arbitrary<String> words() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8);
    }

    /** Text that YAML and ${...} could misread: quotes, colons, hashes, dollars, braces, numbers. */
    private static Arbitrary<String> awkwardText(int min, int max) {
        return Arbitraries.strings().withChars("abcXYZ019 :#'\"${}-_.,é\\").ofMinLength(min).ofMaxLength(max)
                .filter(s -> !s.isBlank() && s.equals(s.strip()));
    }

    private static Arbitrary<Duration> durations(long min) {
        return Combinators.combine(Arbitraries.longs().between(min, 100_000),
                Arbitraries.of(1L, 1_000L, 60_000L, 3_600_000L)).as((n, unit) -> Duration.ofMillis(n * unit));
    }

    private static Arbitrary<ServerConfig> servers() {
        Arbitrary<ServerConfig.Cors> cors = Arbitraries.oneOf(
                Arbitraries.subsetOf("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS").ofMinSize(1)
                        .map(m -> new ServerConfig.Cors(List.of("*"), new ArrayList<>(m), false)),
                Combinators.combine(words().map(w -> "https://" + w + ".example").list().uniqueElements()
                                .ofMinSize(1).ofMaxSize(3),
                        Arbitraries.subsetOf("GET", "POST", "OPTIONS").ofMinSize(1), Arbitraries.of(true, false))
                        .as((o, m, c) -> new ServerConfig.Cors(o, new ArrayList<>(m), c)));
        Arbitrary<ServerConfig.Recovery> recovery = Combinators.combine(Arbitraries.of(true, false), durations(1),
                        Arbitraries.integers().between(1, 1_000_000), Arbitraries.longs().between(1, Integer.MAX_VALUE))
                .as(ServerConfig.Recovery::new);
        return Combinators.combine(Arbitraries.of("0.0.0.0", "127.0.0.1", "::", "localhost"),
                        Arbitraries.integers().between(0, 65535), words().map(w -> "/" + w), cors, durations(1),
                        durations(1), Arbitraries.longs().between(1, Integer.MAX_VALUE), recovery)
                .as(ServerConfig::new);
    }

    private static Arbitrary<AuthConfig> auths() {
        Arbitrary<AuthConfig.Token> tokens = Combinators.combine(
                awkwardText(32, 48).optional(),
                words().map(w -> "/etc/" + w + ".pem").optional(),
                Arbitraries.oneOf(words().map(w -> "https://" + w + ".example/jwks.json"),
                        words().map(w -> "file:/etc/" + w + ".json")).optional(),
                awkwardText(1, 12).optional(),
                awkwardText(1, 6).list().uniqueElements().ofMaxSize(3),
                durations(0),
                words()).as(AuthConfig.Token::new);
        return tokens.flatMap(token -> {
            Arbitrary<String> claimPart = token.hasKeyMaterial()
                    ? Arbitraries.of("", "{sub}", "{org.id}", "{" + token.userClaim() + "}")
                    : Arbitraries.just("");
            Arbitrary<RoomPattern> pattern = Combinators.combine(words(), claimPart, Arbitraries.of("", "*"))
                    .as((w, c, s) -> RoomPattern.compile(w + ":" + c + s));
            return Combinators.combine(Arbitraries.of(true, false).map(r -> r && token.hasKeyMaterial()),
                            pattern.list().ofMaxSize(3).optional())
                    .as((required, rooms) -> new AuthConfig(required, token, rooms));
        });
    }

    private static Arbitrary<RelayConfig> relays() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(1, 10_000)).as(RelayConfig::new);
    }

    private static Arbitrary<Map<String, CollectionConfig>> collections() {
        Arbitrary<String> slugs = Arbitraries.strings().withChars("abcdefxyz-_:").ofMinLength(1).ofMaxLength(10)
                .filter(s -> Character.isLetter(s.charAt(0)));
        return slugs.list().uniqueElements().ofMaxSize(4).flatMap(names -> {
            List<Arbitrary<CollectionConfig>> each = names.stream().map(ConfigRoundTripTest::collection).toList();
            return Combinators.combine(each).as(list -> {
                Map<String, CollectionConfig> map = new LinkedHashMap<>();
                list.forEach(c -> map.put(c.slug(), c));
                return map;
            });
        });
    }

    private static Arbitrary<CollectionConfig> collection(String slug) {
        // names derived from the slug keep entities and tables unique across collections
        Arbitrary<Optional<String>> entity = Arbitraries.of(Optional.of("com.example." + slug.replace(':', '.')),
                Optional.of("E" + slug), Optional.empty());
        Arbitrary<RoomTemplate> template = Combinators.combine(words(),
                        Arbitraries.of("{user}", "{user.id}", "{author_id}", "{a}:{b}:{c}", ""))
                .as((w, p) -> RoomTemplate.compile(w + ":" + p));
        Arbitrary<FieldFilter> fields = Arbitraries.oneOf(Arbitraries.just(FieldFilter.ALL),
                words().list().uniqueElements().ofMaxSize(4).map(FieldFilter::include),
                words().list().uniqueElements().ofMinSize(1).ofMaxSize(4).map(FieldFilter::exclude));
        return Combinators.combine(entity, Arbitraries.of(true, false),
                        Arbitraries.subsetOf(Operation.values()), template.list().ofMaxSize(3),
                        Arbitraries.of(true, false), fields)
                .as((e, withTable, events, rooms, broadcast, f) -> {
                    Optional<String> table = withTable || e.isEmpty() ? Optional.of("t_" + slug) : Optional.empty();
                    return new CollectionConfig(slug, e, table, Set.copyOf(events), rooms, broadcast, f);
                });
    }
}
