package dev.rowcast.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/** The short path for 3001 and true must build exactly what SnakeYAML's constructor builds, and leave it every other spelling. */
class PlainScalarsTest {

    private final Resolver resolver = new Resolver();
    private final SourceTree.Scalars constructor = new SourceTree.Scalars();

    @Test
    void agreesWithTheConstructorOnEverySpellingItTakes() {
        List<String> spellings = new ArrayList<>(List.of("0", "7", "3001", "65535", "123456789", "1234567890", "00", "017", "0x1F",
                "0b101", "1_000", "+5", "-5", "1:30", "true", "false", "True", "TRUE", "yes", "no", "on", "off", "1.5", ".inf", "-.5"));
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            spellings.add(Long.toString(random.nextLong() >>> random.nextInt(64), 10));
        }
        int taken = 0;
        for (String spelling : spellings) {
            Tag tag = resolver.resolve(org.yaml.snakeyaml.nodes.NodeId.scalar, spelling, true);
            Object plain = SourceTree.Scalars.plain(tag, spelling);
            if (plain != null) {
                taken++;
                Object built = constructor.construct(new ScalarNode(tag, spelling, null, null, org.yaml.snakeyaml.DumperOptions.ScalarStyle.PLAIN));
                assertThat(plain).as(spelling).isEqualTo(built).hasSameClassAs(built);
            }
        }
        assertThat(taken).as("spellings the short path took").isGreaterThan(1_000);
        for (String other : List.of("00", "017", "0x1F", "1_000", "+5", "-5", "1234567890", "True", "yes", "off", "1.5")) {
            Tag tag = resolver.resolve(org.yaml.snakeyaml.nodes.NodeId.scalar, other, true);
            assertThat(SourceTree.Scalars.plain(tag, other)).as(other).isNull();
        }
    }
}
