package dev.rowcast.server.realtime;

/**
 * The {@code relay} section of {@code rowcast.yml}: whether clients may emit events into rooms
 * (the plugin's {@code onAny} relay), whether the sender must be a member of that room, and how
 * many events one socket may relay.
 *
 * @param enabled           false refuses every relayed event
 * @param requireMembership true (the default) refuses a relay into a room the sender has not joined
 * @param maxPerSecond      the events a socket may relay a second, sustained (a token bucket); 0 for no limit
 * @param burst             the bucket's size: the events a socket may relay at once after a pause
 */
public record RelayOptions(boolean enabled, boolean requireMembership, int maxPerSecond, int burst) {
    public static final int DEFAULT_MAX_PER_SECOND = 100;
    public static final int DEFAULT_BURST = 200;

    public RelayOptions {
        if (maxPerSecond < 0 || burst < 1) {
            throw new IllegalArgumentException("relay limits: maxPerSecond must be 0 or more and burst 1 or more, got "
                    + maxPerSecond + " and " + burst);
        }
    }

    public RelayOptions(boolean enabled, boolean requireMembership) {
        this(enabled, requireMembership, DEFAULT_MAX_PER_SECOND, DEFAULT_BURST);
    }

    /** Relay on, membership required, 100 events a second per socket: the plugin's feature, without its open doors. */
    public static RelayOptions defaults() {
        return new RelayOptions(true, true);
    }
}
