package dev.rowcast.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.rowcast.server.auth.AuthOptions;
import dev.rowcast.server.realtime.RealtimeOptions;
import dev.rowcast.server.realtime.RealtimeServer;
import dev.rowcast.server.testing.FailOnNettyLeak;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 3's token checks, proven over the wire: the official socket.io-client@4.8.4 connects to
 * realtime servers keyed by an RSA PEM, an EC P-256 PEM and an HMAC secret, and sees either the
 * connection or the exact CONNECT_ERROR message and {@code data.reason} for each hostile token.
 * One Node run per server tries all of that server's tokens, to keep the class to a few seconds.
 */
@ExtendWith(FailOnNettyLeak.class)
class TokenOverTheWireInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ISSUER = "https://issuer.rowcast.test";
    private static final String AUDIENCE = "rowcast-cms";
    private static final String SECRET = "rowcast-wire-test-secret-0123456789abcdef";

    private static final RSAKey RSA = generateRsa();
    private static final ECKey EC = generateEc();

    /** What a server verifies tokens with; each kind signs its valid tokens with its own algorithm. */
    enum Server {
        RSA_PEM, EC_P256_PEM, HMAC_SECRET;

        AuthOptions auth() {
            AuthOptions.Builder auth = AuthOptions.builder().required(true).issuer(ISSUER).audience(AUDIENCE);
            return switch (this) {
                case RSA_PEM -> auth.publicKey(pem(publicKey(RSA))).build();
                case EC_P256_PEM -> auth.publicKey(pem(publicKey(EC))).build();
                case HMAC_SECRET -> auth.secret(SECRET).build();
            };
        }

        String sign(JWTClaimsSet claims) {
            return switch (this) {
                case RSA_PEM -> signed(JWSAlgorithm.RS256, claims, rsaSigner());
                case EC_P256_PEM -> signed(JWSAlgorithm.ES256, claims, ecSigner());
                case HMAC_SECRET -> signed(JWSAlgorithm.HS256, claims, macSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
            };
        }
    }

    /** One token sent to one server, and what the client must see: {@code {"connected":true}} or the error. */
    record Case(Server server, String name, String token, String expected) {
        @Override
        public String toString() {
            return server + ": " + name;
        }
    }

    // made once: the Node runs and the parameterised cases must share the same names and tokens
    private static final List<Case> CASES = cases();
    private static final Map<Server, RealtimeServer> SERVERS = new EnumMap<>(Server.class);
    private static final Map<Server, JsonNode> SEEN = new EnumMap<>(Server.class);

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        Instant now = Instant.now();
        for (Server server : Server.values()) {
            cases.add(new Case(server, "valid token connects", server.sign(claims(now).build()), connected()));
            cases.add(new Case(server, "missing token", null, refused("Missing token", "missing")));
            cases.add(new Case(server, "tampered payload", tampered(server.sign(claims(now).build()), now),
                    refused("Invalid token", "signature")));
            cases.add(new Case(server, "expired",
                    server.sign(claims(now).expirationTime(Date.from(now.minusSeconds(3600))).build()),
                    refused("Invalid token", "expired")));
            // well past the default 30 s clock skew, which must not let this one in
            cases.add(new Case(server, "not yet valid",
                    server.sign(claims(now).notBeforeTime(Date.from(now.plusSeconds(600))).build()),
                    refused("Invalid token", "not_before")));
            cases.add(new Case(server, "wrong issuer", server.sign(claims(now).issuer("https://evil.rowcast.test").build()),
                    refused("Invalid token", "issuer")));
            cases.add(new Case(server, "wrong audience", server.sign(claims(now).audience("shop").build()),
                    refused("Invalid token", "audience")));
            cases.add(new Case(server, "alg none", new PlainJWT(claims(now).build()).serialize(),
                    refused("Invalid token", "algorithm")));
        }
        // The classic algorithm confusion: HS256 keyed with the server's own (public) PEM text.
        byte[] pemBytes = pem(publicKey(RSA)).getBytes(StandardCharsets.US_ASCII);
        cases.add(new Case(Server.RSA_PEM, "HS256 signed with the RSA public key's PEM",
                signed(JWSAlgorithm.HS256, claims(now).build(), macSigner(pemBytes)), refused("Invalid token", "algorithm")));
        return cases;
    }

    @BeforeAll
    static void eachServerSeesAllItsTokensFromTheOfficialClient() throws Exception {
        Map<Server, Map<String, String>> tokens = new EnumMap<>(Server.class);
        for (Case c : CASES) {
            tokens.computeIfAbsent(c.server(), s -> new LinkedHashMap<>()).put(c.name(), c.token());
        }
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (Server server : Server.values()) {
            RealtimeServer realtime = RealtimeServer.launch(RealtimeOptions.builder().auth(server.auth()).build());
            SERVERS.put(server, realtime);
            String list = JSON.writeValueAsString(tokens.get(server));
            runs.add(CompletableFuture.runAsync(() -> {
                try {
                    JsonNode seen = NodeClient.run("realtime.mjs", "http://127.0.0.1:" + realtime.port(), "tokens", null,
                            Map.of("TOKENS", list));
                    synchronized (SEEN) {
                        SEEN.put(server, seen);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("node tokens against the " + server + " server failed", e);
                }
            }));
        }
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
    }

    @AfterAll
    static void stopServers() {
        SERVERS.values().forEach(RealtimeServer::close);
        SERVERS.clear();
        SEEN.clear();
    }

    static Stream<Case> tokens() {
        return CASES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void theOfficialClientSeesTheConnectionOrTheExactRefusal(Case c) {
        JsonNode seen;
        synchronized (SEEN) {
            seen = SEEN.get(c.server());
        }
        assertThat(seen).as("what the client saw against the %s server", c.server()).isNotNull();
        assertThat(seen.get(c.name())).as(c.toString()).isNotNull();
        assertThat(seen.get(c.name()).toString()).as(c.toString()).isEqualTo(c.expected());
    }

    private static String connected() {
        return "{\"connected\":true}";
    }

    private static String refused(String message, String reason) {
        return "{\"message\":\"" + message + "\",\"data\":{\"reason\":\"" + reason + "\"},\"active\":false}";
    }

    private static JWTClaimsSet.Builder claims(Instant now) {
        return new JWTClaimsSet.Builder().subject("42").issuer(ISSUER).audience(AUDIENCE)
                .issueTime(Date.from(now.minusSeconds(60))).expirationTime(Date.from(now.plusSeconds(3600)));
    }

    /** The same header and signature over a payload that names another user. */
    private static String tampered(String token, Instant now) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + Base64URL.encode(claims(now).subject("1").build().toString()) + "." + parts[2];
    }

    private static String signed(JWSAlgorithm alg, JWTClaimsSet claims, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static JWSSigner rsaSigner() {
        try {
            return new RSASSASigner(RSA);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWSSigner ecSigner() {
        try {
            return new ECDSASigner(EC);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWSSigner macSigner(byte[] secret) {
        try {
            return new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PublicKey publicKey(RSAKey key) {
        try {
            return key.toPublicKey();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PublicKey publicKey(ECKey key) {
        try {
            return key.toPublicKey();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static RSAKey generateRsa() {
        try {
            return new RSAKeyGenerator(2048).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECKey generateEc() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
