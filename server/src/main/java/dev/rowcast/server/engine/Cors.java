package dev.rowcast.server.engine;

import java.util.List;
import java.util.Objects;

/**
 * Which browser origins may call the polling endpoints, as the {@code cors} options of the
 * reference server. Off unless configured: without a {@code Cors} no CORS header is sent.
 *
 * <p>With credentials the exact request origin is echoed (never {@code *}), because browsers
 * refuse {@code *} together with {@code Access-Control-Allow-Credentials: true}.
 */
public final class Cors {
    /** The reference server's default preflight answer. */
    public static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "PUT", "PATCH", "POST", "DELETE");

    private final List<String> origins; // empty = any origin
    private final List<String> methods;
    private final boolean credentials;

    private Cors(List<String> origins, List<String> methods, boolean credentials) {
        this.origins = List.copyOf(origins);
        this.methods = List.copyOf(methods);
        this.credentials = credentials;
        if (this.methods.isEmpty()) throw new IllegalArgumentException("cors: methods must not be empty");
    }

    /** {@code Access-Control-Allow-Origin: *} on every response. */
    public static Cors anyOrigin() {
        return new Cors(List.of(), DEFAULT_METHODS, false);
    }

    /** Only this origin (e.g. {@code https://app.example.com}). */
    public static Cors origin(String origin) {
        return new Cors(List.of(Objects.requireNonNull(origin, "origin")), DEFAULT_METHODS, false);
    }

    /** Any of these origins; the matching one is echoed, others get no CORS header. */
    public static Cors origins(List<String> origins) {
        if (origins.isEmpty()) throw new IllegalArgumentException("cors: origins must not be empty; use anyOrigin()");
        return new Cors(origins, DEFAULT_METHODS, false);
    }

    public Cors withMethods(List<String> methods) {
        return new Cors(origins, methods, credentials);
    }

    /** Allow cookies / {@code withCredentials}: echo the request origin and send Allow-Credentials. */
    public Cors withCredentials(boolean credentials) {
        return new Cors(origins, methods, credentials);
    }

    public boolean anyOriginAllowed() {
        return origins.isEmpty();
    }

    public List<String> origins() {
        return origins;
    }

    public List<String> methods() {
        return methods;
    }

    public boolean credentials() {
        return credentials;
    }

    /** The value for Access-Control-Allow-Origin, or null when this origin gets no CORS header. */
    String allowOriginFor(String requestOrigin) {
        if (origins.isEmpty()) {
            if (!credentials) return "*";
            return requestOrigin;
        }
        if (origins.size() == 1 && !credentials) return origins.get(0);
        return requestOrigin != null && origins.contains(requestOrigin) ? requestOrigin : null;
    }

    /**
     * Whether a WebSocket from this origin may open: any, unless the origins are a list. Browsers
     * send the page's origin with a WebSocket and apply no CORS to it, so the list is checked here;
     * a client that sends no Origin (Node, a mobile app) is no browser page and may.
     */
    public boolean allowsWebSocketFrom(String requestOrigin) {
        return origins.isEmpty() || requestOrigin == null || origins.contains(requestOrigin);
    }

    /** Whether the answer depends on the Origin header (then caches must be told: Vary: Origin). */
    boolean variesByOrigin() {
        return !origins.isEmpty() || credentials;
    }

    @Override
    public String toString() {
        return "Cors[origins=" + (origins.isEmpty() ? "*" : origins) + ", methods=" + methods + ", credentials=" + credentials + "]";
    }
}
