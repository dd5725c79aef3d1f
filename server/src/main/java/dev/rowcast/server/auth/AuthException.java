package dev.rowcast.server.auth;

import java.util.Map;

/**
 * A refused token. Its message is one of the plugin's three CONNECT_ERROR messages, unchanged,
 * so clients that match on them keep working; {@link #reason()} says why, for {@code data.reason}.
 */
public final class AuthException extends Exception {
    public static final String MISSING_TOKEN = "Missing token";
    public static final String INVALID_TOKEN = "Invalid token";
    public static final String AUTHENTICATION_FAILED = "Authentication failed";

    private final String reason;

    private AuthException(String message, String reason, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
    }

    static AuthException missing() {
        return new AuthException(MISSING_TOKEN, "missing", null);
    }

    static AuthException invalid(String reason, Throwable cause) {
        return new AuthException(INVALID_TOKEN, reason, cause);
    }

    static AuthException failed(String reason, Throwable cause) {
        return new AuthException(AUTHENTICATION_FAILED, reason, cause);
    }

    /**
     * Machine-readable cause: {@code missing}, {@code malformed}, {@code algorithm}, {@code type},
     * {@code signature}, {@code unknown_key}, {@code expired}, {@code not_before}, {@code issuer},
     * {@code audience}, {@code user_claim}, {@code jwks_unavailable} or {@code error}.
     */
    public String reason() {
        return reason;
    }

    /** The CONNECT_ERROR {@code data} object: {@code {"reason": ...}}. */
    public Map<String, Object> connectErrorData() {
        return Map.of("reason", reason);
    }

    /** Nimbus's own explanation, for the server log only (never sent to the client). */
    public String detail() {
        return getCause() == null ? reason : reason + ": " + getCause().getMessage();
    }
}
