package dev.rowcast.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code auth:} of rowcast.yml.
 *
 * @param rooms the rooms a socket may join and emit into; empty when any room is allowed
 */
public record AuthConfig(boolean required, Token token, Optional<List<RoomPattern>> rooms) {

    public static final AuthConfig DEFAULTS = new AuthConfig(false, Token.DEFAULTS, Optional.empty());

    public AuthConfig {
        token = token == null ? Token.DEFAULTS : token;
        rooms = rooms.isPresent() ? Optional.of(List.copyOf(rooms.get())) : rooms;
    }

    /** Whether a socket with these token claims (null: no token) may join or emit into {@code room}. */
    public boolean allows(String room, Map<String, ?> claims) {
        if (rooms.isEmpty()) {
            return true;
        }
        for (RoomPattern pattern : rooms.get()) {
            if (pattern.matches(room, claims)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code auth.token:}: how a JWT is verified.
     *
     * @param audience accepted audiences; empty: not checked
     */
    public record Token(
            Optional<String> secret,
            Optional<String> publicKey,
            Optional<String> jwks,
            Optional<String> issuer,
            List<String> audience,
            Duration clockSkew,
            String userClaim) {

        public static final Token DEFAULTS = new Token(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), Duration.ofSeconds(30), "sub");

        public Token {
            audience = List.copyOf(audience);
        }

        /** Whether a secret, a public key or a JWKS is configured. */
        public boolean hasKeyMaterial() {
            return secret.isPresent() || publicKey.isPresent() || jwks.isPresent();
        }

        /** Keeps the secret out of logs. */
        @Override
        public String toString() {
            return "Token[secret=" + secret.map(s -> "(" + s.length() + " characters)").orElse("none") + ", publicKey="
                    + publicKey.orElse("none") + ", jwks=" + jwks.orElse("none") + ", issuer=" + issuer.orElse("none")
                    + ", audience=" + audience + ", clockSkew=" + clockSkew + ", userClaim=" + userClaim + "]";
        }
    }
}
