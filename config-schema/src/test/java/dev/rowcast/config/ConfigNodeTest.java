package dev.rowcast.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ModelBuilder and CompiledSchema ask a {@link ConfigNode} what they asked Jackson's tree before:
 * each answer must be Jackson's, or a message or a verdict would change.
 */
class ConfigNodeTest {

    private static final List<ConfigNode> SCALARS = List.of(ConfigNode.number(3001), ConfigNode.number(-7),
            ConfigNode.number(5_000_000_000L), ConfigNode.number(BigInteger.TWO.pow(70)), ConfigNode.number(1.5),
            ConfigNode.number(-2.0), ConfigNode.number(1e20), ConfigNode.number(3e9), ConfigNode.bool(true),
            ConfigNode.bool(false), ConfigNode.text("10s"), ConfigNode.text(""), ConfigNode.NULL, ConfigNode.MISSING);

    @Test
    void scalarsAnswerAsJacksonsNodesDo() {
        for (ConfigNode node : SCALARS) {
            JsonNode json = SchemaCheck.json(node);
            String what = node.kind() + " " + node.value();
            assertThat(node.isNumber()).as(what).isEqualTo(json.isNumber());
            assertThat(node.isIntegralNumber()).as(what).isEqualTo(json.isIntegralNumber());
            assertThat(node.isTextual()).as(what).isEqualTo(json.isTextual());
            assertThat(node.isBoolean()).as(what).isEqualTo(json.isBoolean());
            assertThat(node.isNull()).as(what).isEqualTo(json.isNull());
            assertThat(node.isMissingNode()).as(what).isEqualTo(json.isMissingNode());
            assertThat(node.isContainerNode()).as(what).isEqualTo(json.isContainerNode());
            assertThat(node.asText()).as(what).isEqualTo(json.asText());
            assertThat(node.textValue()).as(what).isEqualTo(json.textValue());
            assertThat(node.booleanValue()).as(what).isEqualTo(json.booleanValue());
            assertThat(node.canConvertToInt()).as(what).isEqualTo(json.canConvertToInt());
            assertThat(node.canConvertToLong()).as(what).isEqualTo(json.canConvertToLong());
            assertThat(node.intValue()).as(what).isEqualTo(json.intValue());
            assertThat(node.longValue()).as(what).isEqualTo(json.longValue());
            if (node.isNumber()) {
                assertThat(node.decimalValue()).as(what).isEqualTo(json.decimalValue());
            }
        }
    }

    @Test
    void mappingsAndListsKeepTheFilesOrderAndAnswerAsJacksonsDo() {
        Map<String, ConfigNode> fields = ConfigNode.newFields();
        fields.put("port", ConfigNode.number(3001));
        fields.put("events", ConfigNode.array(List.of(ConfigNode.text("create"), ConfigNode.text("delete"))));
        fields.put("cors", ConfigNode.object(Map.of()));
        ConfigNode object = ConfigNode.object(fields);
        JsonNode json = SchemaCheck.json(object);

        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("port", "events", "cors");
        assertThat(json.toString()).isEqualTo("{\"port\":3001,\"events\":[\"create\",\"delete\"],\"cors\":{}}");
        assertThat(object.size()).isEqualTo(json.size());
        assertThat(object.path("events").size()).isEqualTo(json.path("events").size());
        assertThat(object.path("events").get(1).asText()).isEqualTo(json.path("events").get(1).asText());
        assertThat(object.path("nothing").isMissingNode()).isEqualTo(json.path("nothing").isMissingNode());
        assertThat(object.get("nothing")).isNull();
        assertThat(object.has("cors")).isEqualTo(json.has("cors"));
        assertThat(object.asText()).isEqualTo(json.asText());
        assertThat(object.path("events").isEmpty()).isEqualTo(json.path("events").isEmpty());
        assertThat(object.path("cors").isEmpty()).isEqualTo(json.path("cors").isEmpty());
    }
}
