package dev.rowcast.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PayloadCodecTest {

    @Test
    void aPayloadSplitsOnTheRecordSeparatorAndDecodesBase64Binary() throws Exception {
        List<InboundPacket> packets = PayloadCodec.decodePayload("4hello\u001ebAQIDBA==\u001e3\u001e4");

        assertThat(packets).hasSize(4);
        assertThat(packets.get(0).text()).isEqualTo("hello");
        assertThat(packets.get(1).binary()).containsExactly(1, 2, 3, 4);
        assertThat(packets.get(2).type()).isEqualTo('3');
        assertThat(packets.get(3).text()).isEmpty();
    }

    @Test
    void unknownTypesEmptyPacketsAndBadBase64AreParseErrors() {
        assertThatThrownBy(() -> PayloadCodec.decodePayload("abc")).isInstanceOf(PacketParseException.class);
        assertThatThrownBy(() -> PayloadCodec.decodePayload("7")).isInstanceOf(PacketParseException.class);
        assertThatThrownBy(() -> PayloadCodec.decodePayload("")).isInstanceOf(PacketParseException.class);
        assertThatThrownBy(() -> PayloadCodec.decodePayload("4a\u001e")).isInstanceOf(PacketParseException.class);
        assertThatThrownBy(() -> PayloadCodec.decodePayload("b!!")).isInstanceOf(PacketParseException.class);
    }

    @Test
    void encodingJoinsPacketsAndUnitsInOrder() {
        ByteBuf buf = PayloadCodec.encodePayload(UnpooledByteBufAllocator.DEFAULT, List.of(
                Packet.PING_PACKET,
                EngineMessage.text("é"),
                new EngineMessage[] {EngineMessage.binary(new byte[] {1, 2, 3, 4}), EngineMessage.text("x")},
                Packet.CLOSE_PACKET));
        try {
            assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo("2\u001e4é\u001ebAQIDBA==\u001e4x\u001e1");
        } finally {
            buf.release();
        }
    }

    @Test
    void aMessageIsEncodedOnceAndSharedAcrossSessions() {
        EngineMessage message = EngineMessage.text("fan-out");

        assertThat(message.textFrameUtf8()).isSameAs(message.textFrameUtf8());
        assertThat(PayloadCodec.size(message)).isEqualTo(8);
    }
}
