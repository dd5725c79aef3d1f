package dev.rowcast.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.rowcast.server.log.LogThrottle;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Verifies the token a client presents in its CONNECT auth payload, with Nimbus's
 * {@link DefaultJWTProcessor}: signature by the configured key (only the algorithms of that
 * key's family are accepted, so {@code alg: none} and HMAC-with-the-public-key tokens fail),
 * then {@code exp}/{@code nbf} within the clock skew, {@code iss}, {@code aud} and the user claim.
 * Thread-safe; create one per server.
 */
public final class TokenVerifier {
    private static final System.Logger LOG = System.getLogger("dev.rowcast.server.auth");
    /** Longer than any real token; refused before parsing so a huge one costs nothing. */
    private static final int MAX_TOKEN_CHARS = 16 * 1024;
    private static final int JWKS_HTTP_TIMEOUT_MILLIS = 2_000;
    private static final int JWKS_MAX_BYTES = 256 * 1024;
    private static final Duration WARNING_INTERVAL = Duration.ofSeconds(30);

    private static final Set<JWSAlgorithm> RSA_FAMILY = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
    private static final Set<JWSAlgorithm> EC_FAMILY = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    // typ may be absent, JWT, or an OAuth access token's at+jwt (RFC 9068); media types ignore case.
    private static final Set<String> TYPES = Set.of("jwt", "application/jwt", "at+jwt", "application/at+jwt");
    private static final JOSEObjectTypeVerifier<SecurityContext> TYPE_CHECK = (type, context) -> {
        if (type != null && !TYPES.contains(type.getType().toLowerCase(Locale.ROOT))) {
            throw new BadJOSEException("JOSE header typ " + type + " is not a JWT");
        }
    };

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Set<JWSAlgorithm> family;
    private final String userClaim;
    private final Duration clockSkew;
    private final boolean mayBlock;
    private final LogThrottle warnings = new LogThrottle(WARNING_INTERVAL);
    private final LogThrottle refusals = LogThrottle.perMinute();

    private TokenVerifier(AuthOptions options, Clock clock) {
        this.userClaim = options.userClaim();
        this.clockSkew = options.clockSkew();
        JWKSource<SecurityContext> source;
        boolean matchKeyId = false;
        boolean remote = false;
        if (options.secret().isPresent()) {
            byte[] secret = options.secret().get().getBytes(StandardCharsets.UTF_8);
            family = hmacFamily(secret.length * 8);
            source = single(new OctetSequenceKey.Builder(secret).build());
        } else if (options.publicKey().isPresent()) {
            PublicKey key = PemPublicKeys.read(options.publicKey().get());
            family = familyOf(key);
            source = single(toJwk(key));
        } else if (options.jwks().isPresent()) {
            URL url = jwksUrl(options.jwks().get());
            remote = !url.getProtocol().equals("file");
            if (url.getProtocol().equals("http") && !isLoopback(url.getHost())) {
                LOG.log(System.Logger.Level.WARNING, "[rowcast] auth.token.jwks " + url + " is plain http: anyone on"
                        + " the path can swap the keys and forge tokens; use https");
            }
            ResourceRetriever retriever = remote
                    ? new DefaultResourceRetriever(JWKS_HTTP_TIMEOUT_MILLIS, JWKS_HTTP_TIMEOUT_MILLIS, JWKS_MAX_BYTES)
                    : TokenVerifier::readJwksFile;
            // Cached; a token with an unknown kid forces a re-fetch, at most once per interval.
            source = JWKSourceBuilder.<SecurityContext>create(url, retriever)
                    .cache(options.jwksCacheTtl().toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                    .refreshAheadCache(false)
                    .rateLimited(options.jwksMinRefreshInterval().toMillis())
                    .retrying(false)
                    .build();
            family = asymmetricFamily();
            matchKeyId = true;
        } else {
            throw new IllegalArgumentException("auth.token has no secret, publicKey or jwks: a token cannot be verified"
                    + " without one (check AuthOptions.hasKey() before creating a TokenVerifier)");
        }
        this.mayBlock = remote;
        processor.setJWSTypeVerifier(TYPE_CHECK);
        processor.setJWSKeySelector(new FamilyKeySelector(family, source, matchKeyId));
        processor.setJWSVerifierFactory(new VerifierFactory());
        processor.setJWTClaimsSetVerifier(new ClaimChecks(options.issuer().orElse(null),
                options.audiences(), (int) Math.min(Integer.MAX_VALUE, clockSkew.toSeconds()), clock));
    }

    /**
     * @throws IllegalArgumentException when the key material is unusable (unreadable PEM file,
     *         unsupported key type, a bad JWKS URL), naming the setting and the fix
     */
    public static TokenVerifier create(AuthOptions options) {
        return new TokenVerifier(options, Clock.systemUTC());
    }

    static TokenVerifier create(AuthOptions options, Clock clock) {
        return new TokenVerifier(options, clock);
    }

    /**
     * Verifies the CONNECT auth payload {@code {"token": "..."}}: no payload, no {@code token},
     * or a token that is not a non-empty string is {@code Missing token}.
     */
    public VerifiedToken verifyConnectAuth(JsonNode auth) throws AuthException {
        JsonNode token = auth == null ? null : auth.get("token");
        if (token == null || !token.isTextual()) {
            throw AuthException.missing();
        }
        return verify(token.textValue());
    }

    /** @throws AuthException with one of the plugin's three messages and a {@link AuthException#reason()} */
    public VerifiedToken verify(String token) throws AuthException {
        if (token == null || token.isBlank()) {
            throw AuthException.missing();
        }
        try {
            return check(token);
        } catch (AuthException e) {
            if (e.getMessage().equals(AuthException.AUTHENTICATION_FAILED)) {
                warnThrottled(e);
            } else {
                refusedThrottled(e);
            }
            throw e;
        }
    }

    /** True when {@link #verify} may wait on the network (a remote JWKS): call it off the event loop. */
    public boolean mayBlock() {
        return mayBlock;
    }

    /** The tolerated clock difference; a connection may outlive its {@code exp} by this much. */
    public Duration clockSkew() {
        return clockSkew;
    }

    private VerifiedToken check(String token) throws AuthException {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw AuthException.invalid("malformed", null);
        }
        JWT parsed;
        try {
            parsed = JWTParser.parse(token);
        } catch (ParseException | RuntimeException e) {
            throw AuthException.invalid("malformed", e);
        }
        if (!(parsed instanceof SignedJWT jwt)) {
            // alg "none" (an unsecured JWT) or an encrypted one: neither is accepted.
            throw AuthException.invalid("algorithm", null);
        }
        if (!family.contains(jwt.getHeader().getAlgorithm())) {
            throw AuthException.invalid("algorithm", null);
        }
        try {
            TYPE_CHECK.verify(jwt.getHeader().getType(), null);
        } catch (BadJOSEException e) {
            throw AuthException.invalid("type", e);
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (ClaimChecks.Rejected e) {
            throw AuthException.invalid(e.reason, e);
        } catch (BadJWSException e) {
            throw AuthException.invalid("signature", e);
        } catch (BadJWTException e) {
            throw AuthException.invalid("malformed", e);
        } catch (BadJOSEException e) {
            // the algorithm is in the family, so only the key can be missing: an unknown kid
            throw AuthException.invalid("unknown_key", e);
        } catch (KeySourceException e) {
            if (causedBy(e, RateLimitReachedException.class)) {
                throw AuthException.invalid("unknown_key", e); // the JWKS was fetched moments ago
            }
            throw AuthException.failed("jwks_unavailable", e);
        } catch (JOSEException | RuntimeException e) {
            throw AuthException.failed("error", e);
        }
        String userId = RoomAuthorizer.claimText(claims.getClaim(userClaim));
        if (userId == null) {
            throw AuthException.invalid("user_claim",
                    new IllegalArgumentException("the token has no usable '" + userClaim + "' claim (auth.token.userClaim)"));
        }
        Date exp = claims.getExpirationTime();
        Instant expiresAt = exp == null ? null : exp.toInstant();
        return new VerifiedToken(claims.toJSONObject(), userId, expiresAt);
    }

    /**
     * A token a client sent, refused (malformed, signed with another key, expired, without the user
     * claim): one line a minute at most, saying how many more there were, so that a wrong secret or
     * key shows in the log without a client's retries filling it. The parser's words about a
     * malformed token are the client's doing: printable characters only, at most 200.
     */
    private void refusedThrottled(AuthException e) {
        long suppressed = refusals.admit();
        if (suppressed < 0) {
            if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
                LOG.log(System.Logger.Level.DEBUG, "[rowcast] token refused: " + e.detail());
            }
        } else {
            String detail = e.detail().replaceAll("[^\\x20-\\x7e]", "?");
            detail = detail.length() > 200 ? detail.substring(0, 200) + "..." : detail;
            LOG.log(System.Logger.Level.INFO, "[rowcast] auth: a client's token was refused (" + detail + "); it got '"
                    + e.getMessage() + "'" + (suppressed > 0 ? " (" + suppressed + " more refused since the last such line)" : "")
                    + "; at most one such line a minute");
        }
    }

    /** One line per interval at most: an IdP outage must not turn every reconnect into a log line. */
    private void warnThrottled(AuthException e) {
        long suppressed = warnings.admit();
        if (suppressed >= 0) {
            String where = e.reason().equals("jwks_unavailable")
                    ? "the JWKS (auth.token.jwks) cannot be fetched, check that it is reachable and valid: "
                    : "token verification itself failed: ";
            LOG.log(System.Logger.Level.WARNING, "[rowcast] auth: " + where + e.detail()
                    + "; clients get 'Authentication failed'" + (suppressed > 0 ? " (" + suppressed + " more since the last warning)" : ""));
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static Set<JWSAlgorithm> hmacFamily(int secretBits) {
        // RFC 7518 §3.2: an HSxxx key is at least xxx bits; shorter secrets are refused by AuthOptions.
        Set<JWSAlgorithm> algs = new LinkedHashSet<>();
        algs.add(JWSAlgorithm.HS256);
        if (secretBits >= 384) {
            algs.add(JWSAlgorithm.HS384);
        }
        if (secretBits >= 512) {
            algs.add(JWSAlgorithm.HS512);
        }
        return Set.copyOf(algs);
    }

    private static Set<JWSAlgorithm> familyOf(PublicKey key) {
        if (key instanceof RSAPublicKey) {
            return RSA_FAMILY;
        }
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            switch (bits) {
                case 256: return Set.of(JWSAlgorithm.ES256);
                case 384: return Set.of(JWSAlgorithm.ES384);
                case 521: return Set.of(JWSAlgorithm.ES512);
                default: throw new IllegalArgumentException("auth.token.publicKey is an EC key on a " + bits
                        + "-bit curve; JWS supports P-256, P-384 and P-521 only");
            }
        }
        if (key instanceof EdECPublicKey ed) {
            boolean ed25519 = ed.getParams().getName().equals("Ed25519");
            return Set.of(JWSAlgorithm.EdDSA, ed25519 ? JWSAlgorithm.Ed25519 : JWSAlgorithm.Ed448);
        }
        throw new IllegalArgumentException("auth.token.publicKey: unsupported key type " + key.getAlgorithm());
    }

    private static Set<JWSAlgorithm> asymmetricFamily() {
        Set<JWSAlgorithm> algs = new LinkedHashSet<>(RSA_FAMILY);
        algs.addAll(EC_FAMILY);
        algs.addAll(JdkEdDsaVerifier.ALGORITHMS);
        return Set.copyOf(algs);
    }

    private static JWK toJwk(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return new RSAKey.Builder(rsa).build();
        }
        if (key instanceof ECPublicKey ec) {
            com.nimbusds.jose.jwk.Curve curve = com.nimbusds.jose.jwk.Curve.forECParameterSpec(ec.getParams());
            if (curve == null) {
                throw new IllegalArgumentException("auth.token.publicKey is an EC key on an unsupported curve;"
                        + " use P-256, P-384 or P-521");
            }
            return new ECKey.Builder(curve, ec).build();
        }
        return JdkEdDsaVerifier.toJwk((EdECPublicKey) key);
    }

    private static JWKSource<SecurityContext> single(JWK key) {
        return new ImmutableJWKSet<>(new JWKSet(key));
    }

    private static URL jwksUrl(String jwks) {
        try {
            URI uri = new URI(jwks);
            if ("file".equalsIgnoreCase(uri.getScheme()) && uri.getPath() == null) {
                // "file:relative/jwks.json" is opaque to URI: resolve it against the working directory
                uri = Path.of(uri.getSchemeSpecificPart()).toAbsolutePath().toUri();
            }
            return uri.toURL();
        } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("auth.token.jwks '" + jwks + "' is not a valid URL (" + e.getMessage()
                    + "): write it as file:/path/jwks.json or https://host/jwks.json", e);
        }
    }

    private static Resource readJwksFile(URL url) throws IOException {
        Path path;
        try {
            path = Path.of(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("bad JWKS file URL " + url, e);
        }
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes(JWKS_MAX_BYTES + 1);
            if (bytes.length > JWKS_MAX_BYTES) {
                throw new IOException("the JWKS file " + path + " is larger than " + JWKS_MAX_BYTES + " bytes");
            }
            return new Resource(new String(bytes, StandardCharsets.UTF_8), "application/json");
        }
    }
}
