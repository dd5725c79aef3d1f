package dev.rowcast.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rowcast.server.engine.EngineMessage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacketCodecTest {

    private static JsonNode json(String text) throws Exception {
        return PacketJson.MAPPER.readTree(text);
    }

    private static String encodeText(Packet packet) {
        List<EngineMessage> messages = PacketEncoder.encode(packet);
        assertThat(messages).hasSize(1);
        return messages.get(0).text();
    }

    private static Packet decode(String text) throws ProtocolException {
        return new PacketDecoder().decodeText(text);
    }

    @Test
    void encodesEveryPacketShapeOfTheProtocol() throws Exception {
        assertThat(encodeText(new Packet(PacketType.CONNECT, "/", null, json("{\"sid\":\"abc\"}"))))
                .isEqualTo("0{\"sid\":\"abc\"}");
        assertThat(encodeText(new Packet(PacketType.CONNECT, "/admin", null, json("{\"sid\":\"abc\"}"))))
                .isEqualTo("0/admin,{\"sid\":\"abc\"}");
        assertThat(encodeText(new Packet(PacketType.DISCONNECT, "/", null, null))).isEqualTo("1");
        assertThat(encodeText(new Packet(PacketType.DISCONNECT, "/admin", null, null))).isEqualTo("1/admin,");
        assertThat(encodeText(new Packet(PacketType.EVENT, "/", null, json("[\"message-back\",1,\"2\",{\"3\":[true]}]"))))
                .isEqualTo("2[\"message-back\",1,\"2\",{\"3\":[true]}]");
        assertThat(encodeText(new Packet(PacketType.EVENT, "/admin", 13L, json("[\"ev\"]"))))
                .isEqualTo("2/admin,13[\"ev\"]");
        assertThat(encodeText(new Packet(PacketType.ACK, "/admin", 13L, json("[1,2]")))).isEqualTo("3/admin,13[1,2]");
        assertThat(encodeText(new Packet(PacketType.CONNECT_ERROR, "/random", null, json("{\"message\":\"Invalid namespace\"}"))))
                .isEqualTo("4/random,{\"message\":\"Invalid namespace\"}");
    }

    @Test
    void keepsKeyOrderAndCompactJson() throws Exception {
        String payload = "[\"e\",{\"z\":1,\"a\":{\"y\":[1,2.5,\"x\"],\"b\":null}},false]";
        assertThat(encodeText(new Packet(PacketType.EVENT, "/", null, json(payload)))).isEqualTo("2" + payload);
    }

    @Test
    void hugeNumbersStayValidJson() throws Exception {
        Packet packet = decode("2[\"n\",1e400,123456789012345678901234567890,-0.5]");
        assertThat(encodeText(packet)).isEqualTo("2[\"n\",1E+400,123456789012345678901234567890,-0.5]");
    }

    @Test
    void binaryEventBecomesPlaceholdersAndAttachmentsInEncounterOrder() {
        ArrayNode data = PacketJson.NODES.arrayNode();
        data.add("message-back");
        data.add(new byte[] {1, 2, 3});
        data.addObject().put("k", new byte[] {4});
        List<EngineMessage> messages = PacketEncoder.encode(new Packet(PacketType.EVENT, "/custom", 7L, data));
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).text()).isEqualTo(
                "52-/custom,7[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"k\":{\"_placeholder\":true,\"num\":1}}]");
        assertThat(messages.get(1).binary()).containsExactly(1, 2, 3);
        assertThat(messages.get(2).binary()).containsExactly(4);
        assertThat(data.get(1).isBinary()).as("the caller's packet is left unchanged").isTrue();
    }

    @Test
    void binaryAckUsesTypeSix() {
        ArrayNode data = PacketJson.NODES.arrayNode().add(new byte[] {9});
        List<EngineMessage> messages = PacketEncoder.encode(Packet.ack("/", 789, data));
        assertThat(messages.get(0).text()).isEqualTo("61-789[{\"_placeholder\":true,\"num\":0}]");
    }

    @Test
    void decodesConnectWithAndWithoutAuthAndNamespace() throws Exception {
        assertThat(decode("0")).isEqualTo(new Packet(PacketType.CONNECT, "/", null, null));
        assertThat(decode("0{\"token\":\"123\"}").data()).isEqualTo(json("{\"token\":\"123\"}"));
        Packet admin = decode("0/admin,{\"token\":\"123\"}");
        assertThat(admin.namespace()).isEqualTo("/admin");
        assertThat(admin.data().get("token").asText()).isEqualTo("123");
        assertThat(decode("0/custom").namespace()).isEqualTo("/custom");
        assertThat(decode("1/custom").type()).isEqualTo(PacketType.DISCONNECT);
        assertThat(decode("1/admin,").namespace()).isEqualTo("/admin");
    }

    @Test
    void decodesEventsAndAcksWithIds() throws Exception {
        Packet event = decode("2/admin,13[\"ev\",1]");
        assertThat(event.type()).isEqualTo(PacketType.EVENT);
        assertThat(event.namespace()).isEqualTo("/admin");
        assertThat(event.id()).isEqualTo(13L);
        assertThat(event.data()).isEqualTo(json("[\"ev\",1]"));
        Packet numericName = decode("2[42]");
        assertThat(numericName.data().get(0).asInt()).isEqualTo(42);
        Packet ack = decode("3456[\"a\"]");
        assertThat(ack.type()).isEqualTo(PacketType.ACK);
        assertThat(ack.id()).isEqualTo(456L);
    }

    @Test
    void reconstructsBinaryEventFromItsAttachments() throws Exception {
        PacketDecoder decoder = new PacketDecoder();
        assertThat(decoder.decodeText("52-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"))
                .isNull();
        assertThat(decoder.isReconstructing()).isTrue();
        assertThat(decoder.decodeBinary(new byte[] {1, 2})).isNull();
        Packet packet = decoder.decodeBinary(new byte[] {3});
        assertThat(packet.type()).isEqualTo(PacketType.BINARY_EVENT);
        assertThat(packet.data().get(1).binaryValue()).containsExactly(1, 2);
        assertThat(packet.data().get(2).binaryValue()).containsExactly(3);
        assertThat(decoder.isReconstructing()).isFalse();
    }

    /** As socket.io-parser: only BINARY_EVENT and BINARY_ACK have placeholders; in other packets it is plain data. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "2[\"x\",{\"p\":{\"_placeholder\":true,\"num\":0}}]",
            "2/admin,7[\"x\",{\"_placeholder\":true,\"num\":3}]",
            "3456[{\"_placeholder\":true,\"num\":0}]",
            "0{\"token\":{\"_placeholder\":true,\"num\":0}}",
    })
    void aPlaceholderLookalikeInAPacketWithoutAttachmentsIsPlainData(String wire) throws Exception {
        Packet packet = decode(wire);

        assertThat(encodeText(packet)).isEqualTo(wire);
        assertThat(packet.data().findValue("_placeholder").isBoolean()).isTrue();
    }

    @Test
    void binaryRoundTripGivesBackTheSameBytes() throws Exception {
        ArrayNode data = PacketJson.NODES.arrayNode().add("e");
        ObjectNode nested = data.addObject();
        nested.putArray("list").add(new byte[] {5, 6}).add("text").add(new byte[0]);
        List<EngineMessage> messages = PacketEncoder.encode(new Packet(PacketType.EVENT, "/x", 3L, data));
        PacketDecoder decoder = new PacketDecoder();
        Packet decoded = decoder.decodeText(messages.get(0).text());
        for (int i = 1; i < messages.size() - 1; i++) assertThat(decoder.decodeBinary(messages.get(i).binary())).isNull();
        decoded = decoder.decodeBinary(messages.get(messages.size() - 1).binary());
        assertThat(decoded.data()).isEqualTo(data);
        assertThat(decoded.namespace()).isEqualTo("/x");
        assertThat(decoded.id()).isEqualTo(3L);
    }

    @Test
    void textRoundTripIsByteForByte() throws Exception {
        for (String wire : List.of("0", "0{}", "0/a,{\"x\":1}", "1", "1/a,", "2[\"a\"]", "2/a,0[\"a\",{\"b\":[1,null]}]",
                "3/a,9[]", "4{\"message\":\"no\",\"data\":{\"reason\":\"x\"}}", "2[\"é→😀\",\"\\u0000\"]")) {
            assertThat(encodeText(decode(wire))).isEqualTo(wire);
        }
    }

    @ParameterizedTest(name = "refuses {0}")
    @ValueSource(strings = {
            "", "7", "9[\"a\"]", "x", "-1",                     // unknown type
            "2{}", "2\"a\"", "2[]", "2", "2[\"a\"", "2[1]x",       // bad event payload
            "2abc[\"a\"]", "2[\"a\"]]", "0[]", "0\"x\"", "1{}", "1[]", "3", "3[1]", // bad shapes
            "2[\"connect\"]", "2[\"connect_error\"]", "2[\"disconnect\"]", "2[\"disconnecting\"]",
            "2[\"newListener\"]", "2[\"removeListener\"]", "2[null]", "2[{}]", "2[[1]]", // reserved/invalid names
            "5[\"a\"]", "5-[\"a\"]", "5a-[\"a\"]", "511-[\"a\"]", "5999999999999-[\"a\"]", // attachment counts
            "299999999999999999999[\"a\"]", "29007199254740993[\"a\"]", // ack ids too large
            "2[NaN]", "2[Infinity]", "2['a']",
    })
    void refusesEachViolation(String wire) {
        assertThatThrownBy(() -> decode(wire)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void refusesTextWhileAttachmentsArePending() throws Exception {
        PacketDecoder decoder = new PacketDecoder();
        decoder.decodeText("51-[\"a\",{\"_placeholder\":true,\"num\":0}]");
        assertThatThrownBy(() -> decoder.decodeText("2[\"b\"]")).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("attachment");
    }

    @Test
    void refusesBinaryWithoutPendingPacket() {
        assertThatThrownBy(() -> new PacketDecoder().decodeBinary(new byte[] {1})).isInstanceOf(ProtocolException.class);
    }

    @Test
    void refusesPlaceholdersThatPointNowhere() throws Exception {
        PacketDecoder decoder = new PacketDecoder();
        decoder.decodeText("51-[\"a\",{\"_placeholder\":true,\"num\":1}]");
        assertThatThrownBy(() -> decoder.decodeBinary(new byte[] {1})).isInstanceOf(ProtocolException.class);
        PacketDecoder other = new PacketDecoder();
        other.decodeText("51-[\"a\",{\"_placeholder\":true,\"num\":\"0\"}]");
        assertThatThrownBy(() -> other.decodeBinary(new byte[] {1})).isInstanceOf(ProtocolException.class);
    }

    @Test
    void allowsTenAttachmentsButNotEleven() throws Exception {
        assertThat(new PacketDecoder().decodeText("510-[\"a\"]")).isNull();
        assertThatThrownBy(() -> decode("511-[\"a\"]")).hasMessageContaining("too many attachments");
    }

    @Test
    void refusesJsonNestedBeyondTheLimit() {
        String deep = "2[\"a\"," + "[".repeat(PacketJson.MAX_DEPTH + 5) + "]".repeat(PacketJson.MAX_DEPTH + 5) + "]";
        assertThatThrownBy(() -> decode(deep)).isInstanceOf(ProtocolException.class);
        String fine = "2[\"a\"," + "[".repeat(50) + "]".repeat(50) + "]";
        assertThat(encodeText(new Packet(PacketType.EVENT, "/", null, PacketJson.toNode(List.of())))).isEqualTo("2[]");
        org.assertj.core.api.Assertions.assertThatCode(() -> decode(fine)).doesNotThrowAnyException();
    }
}
