package dev.rowcast.server.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.engine.EngineMessage;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** Whatever arrives, the decoder answers with a packet, "wait for more", or ProtocolException. */
class PacketDecoderFuzzTest {

    /**
     * JSON values compared as JavaScript reads them: {@code 1.0} and {@code 1} are one number (the
     * decoder keeps {@code 1.0} as the decimal 1, which is written {@code 1}, as JSON.stringify does,
     * and read again as an integer).
     */
    private static final Comparator<JsonNode> SAME_NUMBER = (a, b) -> a.equals(b)
            || a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;

    @Property(tries = 60_000)
    void mutatedPacketsOnlyEverRaiseProtocolException(@ForAll long seed) {
        Random random = new Random(seed);
        PacketDecoder decoder = new PacketDecoder();
        for (int i = 0; i < 3; i++) feed(decoder, PacketGarbage.message(random));
    }

    @Property(tries = 40_000)
    void arbitraryStringsOnlyEverRaiseProtocolException(@ForAll @Size(max = 64) String text) {
        feed(new PacketDecoder(), EngineMessage.text(text));
    }

    @Property(tries = 2_000)
    void whateverDecodesReEncodesToSomethingThatDecodesTheSame(@ForAll long seed) throws Exception {
        Random random = new Random(seed);
        String text = PacketGarbage.mutated(random);
        Packet packet;
        try {
            packet = new PacketDecoder().decodeText(text);
        } catch (ProtocolException e) {
            return;
        }
        if (packet == null) return;
        List<EngineMessage> encoded = PacketEncoder.encode(packet);
        PacketDecoder decoder = new PacketDecoder();
        Packet again = decoder.decodeText(encoded.get(0).text());
        for (int i = 1; i < encoded.size(); i++) again = decoder.decodeBinary(encoded.get(i).binary());
        assertThat(packet.data() == null ? again.data() == null : packet.data().equals(SAME_NUMBER, again.data()))
                .as("%s re-encoded as %s decodes to %s", text, encoded.get(0).text(), again.data()).isTrue();
        assertThat(again.namespace()).isEqualTo(packet.namespace());
        assertThat(again.id()).isEqualTo(packet.id());
    }

    private static void feed(PacketDecoder decoder, EngineMessage message) {
        try {
            if (message.isBinary()) decoder.decodeBinary(message.binary());
            else decoder.decodeText(message.text());
        } catch (ProtocolException expected) {
            // the only failure allowed
        }
    }
}
