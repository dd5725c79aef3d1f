package dev.rowcast.server.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code auth} section of {@code rowcast.yml}: whether a token is required, the key material
 * that verifies it (exactly one of {@code secret}, {@code publicKey}, {@code jwks}), the claim
 * checks and the room patterns. Immutable; built with {@link #builder()}.
 */
public final class AuthOptions {
    /** HS256 needs a key at least as long as its hash (RFC 7518 §3.2). */
    static final int MIN_SECRET_BYTES = 32;

    private final boolean required;
    private final String secret;
    private final String publicKey;
    private final String jwks;
    private final String issuer;
    /** A token's aud must hold one of these; none: any audience. */
    private final List<String> audiences;
    private final Duration clockSkew;
    private final String userClaim;
    private final List<String> rooms;
    private final Duration jwksCacheTtl;
    private final Duration jwksMinRefreshInterval;

    private AuthOptions(Builder b) {
        this.required = b.required;
        this.secret = blankToNull(b.secret);
        this.publicKey = blankToNull(b.publicKey);
        this.jwks = blankToNull(b.jwks);
        this.issuer = blankToNull(b.issuer);
        this.audiences = b.audiences.stream().map(AuthOptions::blankToNull).filter(Objects::nonNull).toList();
        this.clockSkew = Objects.requireNonNull(b.clockSkew, "clockSkew");
        this.userClaim = blankToNull(b.userClaim) == null ? "sub" : b.userClaim.trim();
        this.rooms = b.rooms == null ? null : List.copyOf(b.rooms);
        this.jwksCacheTtl = Objects.requireNonNull(b.jwksCacheTtl, "jwksCacheTtl");
        this.jwksMinRefreshInterval = Objects.requireNonNull(b.jwksMinRefreshInterval, "jwksMinRefreshInterval");
        validate();
    }

    private void validate() {
        int keys = (secret != null ? 1 : 0) + (publicKey != null ? 1 : 0) + (jwks != null ? 1 : 0);
        if (keys > 1) {
            throw new IllegalArgumentException("auth.token: set only one of secret, publicKey, jwks"
                    + " (found " + keys + "); remove the ones you do not use");
        }
        if (required && keys == 0) {
            throw new IllegalArgumentException("auth.required is true but auth.token has no secret,"
                    + " publicKey or jwks: add one of them, or set auth.required: false");
        }
        if (secret != null) {
            int bytes = secret.getBytes(StandardCharsets.UTF_8).length;
            if (bytes < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("auth.token.secret is " + (bytes * 8) + " bits long;"
                        + " HS256 needs at least 256 bits (32 bytes): use a longer random secret"
                        + " (e.g. the output of `openssl rand -base64 48`)");
            }
        }
        if (jwks != null) {
            String scheme;
            try {
                scheme = new URI(jwks).getScheme();
            } catch (URISyntaxException e) {
                scheme = null;
            }
            if (scheme == null || !(scheme.equalsIgnoreCase("file") || scheme.equalsIgnoreCase("http")
                    || scheme.equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException("auth.token.jwks '" + jwks + "' is neither a file:"
                        + " path nor an http(s) URL: write it as file:/path/jwks.json or https://host/jwks.json");
            }
        }
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("auth.token.clockSkew is negative (" + clockSkew + "): use 0s or more");
        }
        if (jwksMinRefreshInterval.isNegative() || jwksCacheTtl.compareTo(jwksMinRefreshInterval) <= 0) {
            throw new IllegalArgumentException("the JWKS cache time-to-live (" + jwksCacheTtl
                    + ") must be longer than its minimum refresh interval (" + jwksMinRefreshInterval + ")");
        }
        if (rooms != null) {
            RoomAuthorizer.compile(rooms); // refuses a malformed pattern now, not on the first join
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean required() {
        return required;
    }

    /** True when some key material is configured, so that a token can be verified. */
    public boolean hasKey() {
        return secret != null || publicKey != null || jwks != null;
    }

    public Optional<String> secret() {
        return Optional.ofNullable(secret);
    }

    /** A PEM file path or the PEM text itself. */
    public Optional<String> publicKey() {
        return Optional.ofNullable(publicKey);
    }

    /** A {@code file:} path or an http(s) URL. */
    public Optional<String> jwks() {
        return Optional.ofNullable(jwks);
    }

    public Optional<String> issuer() {
        return Optional.ofNullable(issuer);
    }

    /** The first of {@link #audiences()}, when there is one. */
    public Optional<String> audience() {
        return audiences.stream().findFirst();
    }

    /** The audiences a token may carry (its aud must hold one of them); empty: any. */
    public List<String> audiences() {
        return audiences;
    }

    public Duration clockSkew() {
        return clockSkew;
    }

    public String userClaim() {
        return userClaim;
    }

    /** The room patterns; empty when absent, which allows any room (the plugin's behaviour). */
    public Optional<List<String>> rooms() {
        return Optional.ofNullable(rooms);
    }

    public Duration jwksCacheTtl() {
        return jwksCacheTtl;
    }

    public Duration jwksMinRefreshInterval() {
        return jwksMinRefreshInterval;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    public static final class Builder {
        private boolean required;
        private String secret;
        private String publicKey;
        private String jwks;
        private String issuer;
        private List<String> audiences = List.of();
        private Duration clockSkew = Duration.ofSeconds(30);
        private String userClaim = "sub";
        private List<String> rooms;
        private Duration jwksCacheTtl = Duration.ofMinutes(5);
        private Duration jwksMinRefreshInterval = Duration.ofSeconds(30);

        private Builder() {
        }

        public Builder required(boolean required) {
            this.required = required;
            return this;
        }

        /** An HMAC secret (HS256/384/512), at least 256 bits of UTF-8. */
        public Builder secret(String secret) {
            this.secret = secret;
            return this;
        }

        /** A PEM file path or PEM text: an RSA, EC or Ed25519/Ed448 public key or certificate. */
        public Builder publicKey(String publicKey) {
            this.publicKey = publicKey;
            return this;
        }

        /** A {@code file:} path or an http(s) URL of a JSON Web Key Set. */
        public Builder jwks(String jwks) {
            this.jwks = jwks;
            return this;
        }

        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        public Builder audience(String audience) {
            this.audiences = audience == null ? List.of() : List.of(audience);
            return this;
        }

        /** A token's aud must hold one of these (an API whose tokens are issued for several names). */
        public Builder audiences(List<String> audiences) {
            this.audiences = audiences == null ? List.of() : List.copyOf(audiences);
            return this;
        }

        public Builder clockSkew(Duration clockSkew) {
            this.clockSkew = clockSkew;
            return this;
        }

        public Builder userClaim(String userClaim) {
            this.userClaim = userClaim;
            return this;
        }

        /** Room patterns such as {@code user:{sub}}, {@code chat:*}; null (the default) allows any room. */
        public Builder rooms(List<String> rooms) {
            this.rooms = rooms;
            return this;
        }

        /** How long a fetched JWKS is trusted before it is fetched again (not a YAML key). */
        public Builder jwksCacheTtl(Duration ttl) {
            this.jwksCacheTtl = ttl;
            return this;
        }

        /** The shortest time between two JWKS fetches forced by unknown key ids (not a YAML key). */
        public Builder jwksMinRefreshInterval(Duration interval) {
            this.jwksMinRefreshInterval = interval;
            return this;
        }

        /** @throws IllegalArgumentException naming the key and the fix, when the options are unusable */
        public AuthOptions build() {
            return new AuthOptions(this);
        }
    }
}
