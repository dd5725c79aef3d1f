package dev.rowcast.config;

/**
 * {@code relay:} of rowcast.yml: client-to-client events through rooms.
 *
 * @param maxPerSecond the events a socket may relay a second, sustained; 0 for no limit
 * @param burst        the events a socket may relay at once, after a pause
 */
public record RelayConfig(boolean enabled, boolean requireMembership, int maxPerSecond, int burst) {

    public static final int DEFAULT_MAX_PER_SECOND = 100;
    public static final int DEFAULT_BURST = 200;
    public static final RelayConfig DEFAULTS = new RelayConfig(true, true);

    public RelayConfig(boolean enabled, boolean requireMembership) {
        this(enabled, requireMembership, DEFAULT_MAX_PER_SECOND, DEFAULT_BURST);
    }
}
