package dev.rowcast.config;

/** {@code relay:} of rowcast.yml: client-to-client events through rooms. */
public record RelayConfig(boolean enabled, boolean requireMembership) {

    public static final RelayConfig DEFAULTS = new RelayConfig(true, true);
}
