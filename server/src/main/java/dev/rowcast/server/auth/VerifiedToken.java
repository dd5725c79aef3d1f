package dev.rowcast.server.auth;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token that passed every check.
 *
 * @param claims    the token's claims as JSON values (String, Number, Boolean, List, Map);
 *                  times ({@code exp}, {@code iat}, {@code nbf}) are epoch seconds
 * @param userId    the configured user claim ({@code sub} by default) as a string
 * @param expiresAt the {@code exp} claim, or null when the token never expires
 */
public record VerifiedToken(Map<String, Object> claims, String userId, Instant expiresAt) {
    public VerifiedToken {
        claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }
}
