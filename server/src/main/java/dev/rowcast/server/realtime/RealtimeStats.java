package dev.rowcast.server.realtime;

import dev.rowcast.server.ServerStats;

/**
 * A snapshot of a {@link RealtimeServer}'s counters.
 *
 * @param server                  the Socket.IO server's own counters
 * @param slowClientsDisconnected clients cut because they stopped reading (outbound queue full)
 * @param refusals                client requests refused (join, leave, identify, relay, presence:list)
 * @param presenceRooms           rooms with at least one identified user present
 * @param connectionsOverLimit    CONNECTs refused because their user had {@code maxConnectionsPerUser} open
 */
public record RealtimeStats(ServerStats server, long slowClientsDisconnected, long refusals, int presenceRooms,
        long connectionsOverLimit) {
}
