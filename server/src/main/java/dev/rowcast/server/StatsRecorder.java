package dev.rowcast.server;

import dev.rowcast.server.engine.EngineMessage;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** Live counters behind {@link ServerStats}; LongAdders because every I/O thread writes them. */
final class StatsRecorder {
    final LongAdder packetsIn = new LongAdder();
    final LongAdder packetsOut = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();

    void received(long bytes) {
        bytesIn.add(bytes);
    }

    void packetReceived() {
        packetsIn.increment();
    }

    void sent(List<EngineMessage> encoded) {
        packetsOut.increment();
        long bytes = 0;
        for (EngineMessage message : encoded) {
            bytes += message.isBinary() ? message.binary().length : message.textFrameUtf8().length;
        }
        bytesOut.add(bytes);
    }
}
