package dev.rowcast.sample;

import java.util.Map;

/**
 * How the sample is configured: environment variables, each with a working default.
 *
 * @param host        address the page and API listen on ({@code HOST}, default all interfaces)
 * @param port        port of the page and API ({@code PORT}, default 8080; 0 picks a free one)
 * @param databaseUrl {@code DATABASE_URL}: {@code postgres://user:pass@host:5432/db} or any
 *                    {@code jdbc:} URL; default an in-memory H2 database
 * @param jwtSecret   {@code ROWCAST_JWT_SECRET}: HS256 key shared with the realtime server
 */
public record Settings(String host, int port, String databaseUrl, String jwtSecret) {

    /** The dev secret: also the default in rowcast.yml, so the demo works with no setup. */
    public static final String DEV_JWT_SECRET = "rowcast-sample-dev-secret-change-me-0123456789";
    public static final String DEFAULT_DATABASE_URL = "jdbc:h2:mem:cms;DB_CLOSE_DELAY=-1";

    public static Settings fromEnvironment(Map<String, String> env) {
        String port = env.getOrDefault("PORT", "8080");
        try {
            return new Settings(
                    env.getOrDefault("HOST", "0.0.0.0"),
                    Integer.parseInt(port.trim()),
                    blankToDefault(env.get("DATABASE_URL"), DEFAULT_DATABASE_URL),
                    blankToDefault(env.get("ROWCAST_JWT_SECRET"), null));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "PORT='" + port + "' is not a port number: set PORT to a number such as 8080", e);
        }
    }

    public boolean usesDevSecret() {
        return jwtSecret == null;
    }

    public String effectiveJwtSecret() {
        return jwtSecret == null ? DEV_JWT_SECRET : jwtSecret;
    }

    private static String blankToDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
