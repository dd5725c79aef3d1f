package dev.rowcast.server.realtime;

/**
 * The {@code relay} section of {@code rowcast.yml}: whether clients may emit events into rooms
 * (the plugin's {@code onAny} relay) and whether the sender must be a member of that room.
 *
 * @param enabled           false refuses every relayed event
 * @param requireMembership true (the default) refuses a relay into a room the sender has not joined
 */
public record RelayOptions(boolean enabled, boolean requireMembership) {
    /** Relay on, membership required: the plugin's feature, without its open door. */
    public static RelayOptions defaults() {
        return new RelayOptions(true, true);
    }
}
