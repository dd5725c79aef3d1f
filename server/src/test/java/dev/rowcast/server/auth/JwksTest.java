package dev.rowcast.server.auth;

import static dev.rowcast.server.auth.TestKeys.NOW;
import static dev.rowcast.server.auth.TestKeys.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwksTest {
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final JWK RSA_1 = new RSAKey.Builder((RSAPublicKey) TestKeys.RSA.getPublic()).keyID("rsa-1").build();
    private static final JWK RSA_2 = new RSAKey.Builder((RSAPublicKey) TestKeys.RSA_OTHER.getPublic()).keyID("rsa-2").build();
    private static final JWK EC_1 = new ECKey.Builder(Curve.P_256, (ECPublicKey) TestKeys.EC_P256.getPublic()).keyID("ec-1").build();
    private static final JWK ED_1 = new JWKSet(JdkEdDsaVerifier.toJwk((EdECPublicKey) TestKeys.ED25519.getPublic()))
            .getKeys().get(0);

    private HttpServer server;
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicReference<String> served = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String serve(JWKSet jwks) throws IOException {
        served.set(jwks.toString());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status.get(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    }

    private static TokenVerifier verifier(String jwks) {
        return TokenVerifier.create(AuthOptions.builder().required(true).jwks(jwks).build(), CLOCK);
    }

    @Test
    void keysFromAJwksFileVerifyTokensByKeyId(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("jwks.json"), new JWKSet(java.util.List.of(RSA_1, EC_1, ED_1)).toString());
        TokenVerifier verifier = verifier(file.toUri().toString());

        assertThat(verifier.mayBlock()).isFalse();
        assertThat(verifier.verify(TestKeys.rs256(TestKeys.RSA, "rsa-1", claims().build())).userId()).isEqualTo("42");
        assertThat(verifier.verify(TestKeys.es(JWSAlgorithm.ES256, TestKeys.EC_P256, "ec-1", claims().build())).userId())
                .isEqualTo("42");
        assertThat(verifier.verify(TestKeys.eddsa(TestKeys.ED25519.getPrivate(), ED_1.getKeyID(), claims().build())).userId())
                .isEqualTo("42");
    }

    @Test
    void rotatedKeyInTheFileIsPickedUpOnAnUnknownKeyId(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("jwks.json"), new JWKSet(RSA_1).toString());
        TokenVerifier verifier = verifier("file:" + file);
        assertThat(verifier.verify(TestKeys.rs256(TestKeys.RSA, "rsa-1", claims().build())).userId()).isEqualTo("42");

        Files.writeString(file, new JWKSet(RSA_2).toString());

        assertThat(verifier.verify(TestKeys.rs256(TestKeys.RSA_OTHER, "rsa-2", claims().build())).userId()).isEqualTo("42");
    }

    @Test
    void rotatedKeyOnTheServerIsFetchedOnceAndUnknownKeyIdsCannotHammerIt() throws Exception {
        TokenVerifier verifier = verifier(serve(new JWKSet(RSA_1)));
        assertThat(verifier.mayBlock()).isTrue();
        assertThat(verifier.verify(TestKeys.rs256(TestKeys.RSA, "rsa-1", claims().build())).userId()).isEqualTo("42");
        assertThat(verifier.verify(TestKeys.rs256(TestKeys.RSA, "rsa-1", claims().build())).userId()).isEqualTo("42");
        assertThat(fetches).hasValue(1); // cached

        served.set(new JWKSet(RSA_2).toString());
        assertThat(verifier.verify(TestKeys.rs256(TestKeys.RSA_OTHER, "rsa-2", claims().build())).userId()).isEqualTo("42");
        assertThat(fetches).hasValue(2);

        for (int i = 0; i < 20; i++) {
            String unknown = TestKeys.rs256(TestKeys.RSA_OTHER, "made-up-" + i, claims().build());
            assertThatThrownBy(() -> verifier.verify(unknown)).isInstanceOf(AuthException.class)
                    .hasMessage("Invalid token").extracting(e -> ((AuthException) e).reason()).isEqualTo("unknown_key");
        }
        assertThat(fetches.get()).isLessThanOrEqualTo(3);
    }

    @Test
    void hmacTokenIsRefusedWhateverTheJwksHolds() throws Exception {
        TokenVerifier verifier = verifier(serve(new JWKSet(RSA_1)));
        String token = TestKeys.hs256(claims().build());

        assertThatThrownBy(() -> verifier.verify(token)).hasMessage("Invalid token")
                .extracting(e -> ((AuthException) e).reason()).isEqualTo("algorithm");
        assertThat(fetches).hasValue(0);
    }

    @Test
    void unreachableJwksIsAnAuthenticationFailureNotAnInvalidToken() throws Exception {
        TokenVerifier verifier = verifier(serve(new JWKSet(RSA_1)));
        status.set(503);

        assertThatThrownBy(() -> verifier.verify(TestKeys.rs256(TestKeys.RSA, "rsa-1", claims().build())))
                .isInstanceOf(AuthException.class).hasMessage("Authentication failed")
                .extracting(e -> ((AuthException) e).reason()).isEqualTo("jwks_unavailable");
    }

    @Test
    void missingJwksFileIsAnAuthenticationFailure(@TempDir Path dir) {
        TokenVerifier verifier = verifier(dir.resolve("absent.json").toUri().toString());

        assertThatThrownBy(() -> verifier.verify(TestKeys.rs256(TestKeys.RSA, "rsa-1", claims().build())))
                .hasMessage("Authentication failed").extracting(e -> ((AuthException) e).reason()).isEqualTo("jwks_unavailable");
    }
}
