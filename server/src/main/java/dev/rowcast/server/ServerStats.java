package dev.rowcast.server;

import dev.rowcast.server.engine.EngineStats;
import java.util.Map;

/**
 * A snapshot of the server's counters. Packets and bytes count Socket.IO packets and their
 * Engine.IO message payloads (a packet sent to N sockets counts N times); {@code engine} has the
 * transport's own live counters (read them, do not keep them as a snapshot), framing included, or
 * null before {@link SocketIoServer#start()}.
 *
 * @param connections       Engine.IO sessions seen by Socket.IO
 * @param socketsByNamespace connected sockets per namespace name
 */
public record ServerStats(
        long connections,
        Map<String, Integer> socketsByNamespace,
        long packetsIn,
        long packetsOut,
        long bytesIn,
        long bytesOut,
        EngineStats engine) {
}
