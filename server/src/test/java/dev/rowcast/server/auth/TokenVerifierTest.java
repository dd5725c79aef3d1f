package dev.rowcast.server.auth;

import static dev.rowcast.server.auth.TestKeys.NOW;
import static dev.rowcast.server.auth.TestKeys.SECRET;
import static dev.rowcast.server.auth.TestKeys.claims;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import dev.rowcast.server.testing.LogCapture;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVerifierTest {
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TokenVerifier withSecret() {
        return TokenVerifier.create(AuthOptions.builder().required(true).secret(SECRET).build(), CLOCK);
    }

    private static TokenVerifier withPublicKey(KeyPair pair) {
        return TokenVerifier.create(AuthOptions.builder().publicKey(TestKeys.pem(pair.getPublic())).build(), CLOCK);
    }

    private static void assertRefused(ThrowingCallable call, String message, String reason) {
        assertThatThrownBy(call).isInstanceOf(AuthException.class).hasMessage(message)
                .satisfies(e -> {
                    assertThat(((AuthException) e).reason()).isEqualTo(reason);
                    assertThat(((AuthException) e).connectErrorData()).isEqualTo(Map.of("reason", reason));
                });
    }

    @Test
    void hs256TokenIsAcceptedWithItsUserAndExpiry() throws Exception {
        VerifiedToken token = withSecret().verify(TestKeys.hs256(claims().claim("role", "editor").build()));

        assertThat(token.userId()).isEqualTo("42");
        assertThat(token.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
        assertThat(token.claims()).containsEntry("sub", "42").containsEntry("role", "editor")
                .containsEntry("exp", NOW.plusSeconds(3600).getEpochSecond());
    }

    @Test
    void rs256AndPs256TokensAreAcceptedByAnRsaPublicKey() throws Exception {
        TokenVerifier verifier = withPublicKey(TestKeys.RSA);

        assertThat(verifier.verify(TestKeys.rs256(TestKeys.RSA, null, claims().build())).userId()).isEqualTo("42");
        assertThat(verifier.verify(TestKeys.ps256(TestKeys.RSA, claims().build())).userId()).isEqualTo("42");
    }

    @Test
    void aKeyIdInTheTokenDoesNotMatterWithASingleConfiguredKey() throws Exception {
        assertThat(withPublicKey(TestKeys.RSA).verify(TestKeys.rs256(TestKeys.RSA, "some-kid", claims().build())).userId())
                .isEqualTo("42");
    }

    @Test
    void es256TokenIsAcceptedByAnEcPublicKey() throws Exception {
        String token = TestKeys.es(JWSAlgorithm.ES256, TestKeys.EC_P256, null, claims().build());

        assertThat(withPublicKey(TestKeys.EC_P256).verify(token).userId()).isEqualTo("42");
    }

    @Test
    void eddsaTokenIsAcceptedByAnEd25519PublicKeyWithoutTink() throws Exception {
        String token = TestKeys.eddsa(TestKeys.ED25519.getPrivate(), null, claims().build());

        assertThat(withPublicKey(TestKeys.ED25519).verify(token).userId()).isEqualTo("42");
    }

    @Test
    void eddsaTokenSignedByAnotherKeyIsRefused() throws Exception {
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String token = TestKeys.eddsa(other.getPrivate(), null, claims().build());

        assertRefused(() -> withPublicKey(TestKeys.ED25519).verify(token), "Invalid token", "signature");
    }

    @Test
    void publicKeyIsReadFromAPemFile(@TempDir Path dir) throws Exception {
        Path pem = Files.writeString(dir.resolve("jwt.pem"), TestKeys.pem(TestKeys.EC_P256.getPublic()));
        TokenVerifier verifier = TokenVerifier.create(AuthOptions.builder().publicKey(pem.toString()).build(), CLOCK);

        assertThat(verifier.verify(TestKeys.es(JWSAlgorithm.ES256, TestKeys.EC_P256, null, claims().build())).userId())
                .isEqualTo("42");
    }

    @Test
    void missingTokenIsRefusedAsMissing() throws Exception {
        TokenVerifier verifier = withSecret();

        assertRefused(() -> verifier.verify(null), "Missing token", "missing");
        assertRefused(() -> verifier.verify(""), "Missing token", "missing");
        assertRefused(() -> verifier.verifyConnectAuth(null), "Missing token", "missing");
        assertRefused(() -> verifier.verifyConnectAuth(JSON.readTree("{}")), "Missing token", "missing");
        assertRefused(() -> verifier.verifyConnectAuth(JSON.readTree("{\"token\":null}")), "Missing token", "missing");
        assertRefused(() -> verifier.verifyConnectAuth(JSON.readTree("{\"token\":12}")), "Missing token", "missing");
        assertRefused(() -> verifier.verifyConnectAuth(JSON.readTree("{\"token\":\"\"}")), "Missing token", "missing");
    }

    @Test
    void tokenFromTheConnectAuthPayloadIsVerified() throws Exception {
        String auth = "{\"token\":\"" + TestKeys.hs256(claims().build()) + "\"}";

        assertThat(withSecret().verifyConnectAuth(JSON.readTree(auth)).userId()).isEqualTo("42");
    }

    /** A wrong secret shows in the log; a client retrying it does not fill the log. */
    @Test
    void refusedTokensAreOneLogLineAMinute() throws Exception {
        String[] parts = TestKeys.hs256(claims().build()).split("\\.");
        String forged = parts[0] + "." + Base64URL.encode(claims().subject("1").build().toString()) + "." + parts[2];
        TokenVerifier verifier = withSecret();
        try (LogCapture log = LogCapture.server()) {
            for (int i = 0; i < 5; i++) {
                assertRefused(() -> verifier.verify(forged), "Invalid token", "signature");
            }
            assertThat(log.lines()).singleElement().asString()
                    .contains("a client's token was refused (signature").contains("it got 'Invalid token'");
        }
    }

    @Test
    void tamperedPayloadIsRefused() {
        String[] parts = TestKeys.hs256(claims().build()).split("\\.");
        String forged = parts[0] + "." + Base64URL.encode(claims().subject("1").build().toString()) + "." + parts[2];

        assertRefused(() -> withSecret().verify(forged), "Invalid token", "signature");
    }

    @Test
    void tokenSignedByAnotherRsaKeyIsRefused() {
        String token = TestKeys.rs256(TestKeys.RSA_OTHER, null, claims().build());

        assertRefused(() -> withPublicKey(TestKeys.RSA).verify(token), "Invalid token", "signature");
    }

    @Test
    void garbageIsRefusedAsMalformed() {
        assertRefused(() -> withSecret().verify("not-a-jwt"), "Invalid token", "malformed");
        assertRefused(() -> withSecret().verify("a.b.c"), "Invalid token", "malformed");
        assertRefused(() -> withSecret().verify("x".repeat(20_000)), "Invalid token", "malformed");
    }

    @Test
    void expiredTokenIsRefused() {
        String token = TestKeys.hs256(claims().expirationTime(Date.from(NOW.minusSeconds(31))).build());

        assertRefused(() -> withSecret().verify(token), "Invalid token", "expired");
    }

    @Test
    void notYetValidTokenIsRefused() {
        String token = TestKeys.hs256(claims().notBeforeTime(Date.from(NOW.plusSeconds(31))).build());

        assertRefused(() -> withSecret().verify(token), "Invalid token", "not_before");
    }

    @Test
    void clockSkewIsHonouredOnBothEnds() throws Exception {
        String justExpired = TestKeys.hs256(claims().expirationTime(Date.from(NOW.minusSeconds(20))).build());
        String almostValid = TestKeys.hs256(claims().notBeforeTime(Date.from(NOW.plusSeconds(20))).build());
        TokenVerifier strict = TokenVerifier.create(
                AuthOptions.builder().secret(SECRET).clockSkew(Duration.ZERO).build(), CLOCK);

        assertThat(withSecret().verify(justExpired).userId()).isEqualTo("42");
        assertThat(withSecret().verify(almostValid).userId()).isEqualTo("42");
        assertRefused(() -> strict.verify(justExpired), "Invalid token", "expired");
        assertRefused(() -> strict.verify(almostValid), "Invalid token", "not_before");
    }

    @Test
    void issuerMustMatchWhenConfigured() throws Exception {
        TokenVerifier verifier = TokenVerifier.create(
                AuthOptions.builder().secret(SECRET).issuer("https://idp.example").build(), CLOCK);

        assertThat(verifier.verify(TestKeys.hs256(claims().issuer("https://idp.example").build())).userId()).isEqualTo("42");
        assertRefused(() -> verifier.verify(TestKeys.hs256(claims().issuer("https://evil.example").build())),
                "Invalid token", "issuer");
        assertRefused(() -> verifier.verify(TestKeys.hs256(claims().build())), "Invalid token", "issuer");
    }

    @Test
    void audienceMustMatchWhenConfigured() throws Exception {
        TokenVerifier verifier = TokenVerifier.create(AuthOptions.builder().secret(SECRET).audience("cms").build(), CLOCK);

        assertThat(verifier.verify(TestKeys.hs256(claims().audience(List.of("other", "cms")).build())).userId())
                .isEqualTo("42");
        assertRefused(() -> verifier.verify(TestKeys.hs256(claims().audience("shop").build())), "Invalid token", "audience");
        assertRefused(() -> verifier.verify(TestKeys.hs256(claims().build())), "Invalid token", "audience");
    }

    @Test
    void aTokenForAnyOfSeveralAudiencesIsAccepted() throws Exception {
        TokenVerifier verifier = TokenVerifier.create(AuthOptions.builder().secret(SECRET).audiences(List.of("cms", "admin")).build(), CLOCK);
        assertThat(verifier.verify(TestKeys.hs256(claims().audience("admin").build())).userId()).isNotNull();
        assertThat(verifier.verify(TestKeys.hs256(claims().audience(List.of("cms")).build())).userId()).isNotNull();
        assertRefused(() -> verifier.verify(TestKeys.hs256(claims().audience("shop").build())), "Invalid token", "audience");
    }

    @Test
    void unsecuredAlgNoneTokenIsRefused() {
        String none = new PlainJWT(claims().build()).serialize();
        String upperCaseNone = Base64URL.encode("{\"alg\":\"NONE\"}") + "." + Base64URL.encode(claims().build().toString()) + ".";

        assertRefused(() -> withSecret().verify(none), "Invalid token", "algorithm");
        assertRefused(() -> withPublicKey(TestKeys.RSA).verify(none), "Invalid token", "algorithm");
        assertThatThrownBy(() -> withSecret().verify(upperCaseNone)).isInstanceOf(AuthException.class).hasMessage("Invalid token");
    }

    @Test
    void hmacTokenSignedWithThePublicKeyIsRefused() {
        // The classic algorithm confusion: the attacker HMAC-signs with the (public) PEM text.
        String pem = TestKeys.pem(TestKeys.RSA.getPublic());
        String withPemText = TestKeys.hmac(JWSAlgorithm.HS256, pem.getBytes(StandardCharsets.US_ASCII), claims().build());
        String withDer = TestKeys.hmac(JWSAlgorithm.HS256, TestKeys.RSA.getPublic().getEncoded(), claims().build());

        assertRefused(() -> withPublicKey(TestKeys.RSA).verify(withPemText), "Invalid token", "algorithm");
        assertRefused(() -> withPublicKey(TestKeys.RSA).verify(withDer), "Invalid token", "algorithm");
    }

    @Test
    void algorithmOutsideTheKeysFamilyIsRefused() {
        String es384 = TestKeys.es(JWSAlgorithm.ES384, TestKeys.EC_P384, null, claims().build());
        String rs256 = TestKeys.rs256(TestKeys.RSA, null, claims().build());

        assertRefused(() -> withPublicKey(TestKeys.EC_P256).verify(es384), "Invalid token", "algorithm");
        assertRefused(() -> withSecret().verify(rs256), "Invalid token", "algorithm");
        // a 256-bit secret is too short for HS512 (RFC 7518 §3.2)
        String hs512 = TestKeys.hmac(JWSAlgorithm.HS512, (SECRET + SECRET).getBytes(StandardCharsets.UTF_8), claims().build());
        assertRefused(() -> withSecret().verify(hs512), "Invalid token", "algorithm");
    }

    @Test
    void hs512IsAcceptedWithA512BitSecret() throws Exception {
        String longSecret = SECRET + SECRET;
        TokenVerifier verifier = TokenVerifier.create(AuthOptions.builder().secret(longSecret).build(), CLOCK);

        String token = TestKeys.hmac(JWSAlgorithm.HS512, longSecret.getBytes(StandardCharsets.UTF_8), claims().build());
        assertThat(verifier.verify(token).userId()).isEqualTo("42");
    }

    @Test
    void userComesFromTheConfiguredClaimAndNumericIdsBecomeText() throws Exception {
        // Payload CMS tokens carry the user as a numeric "id", not "sub".
        TokenVerifier verifier = TokenVerifier.create(
                AuthOptions.builder().secret(SECRET).userClaim("id").build(), CLOCK);
        JWTClaimsSet payloadLike = claims().subject(null).claim("id", 7).claim("collection", "users").build();

        assertThat(verifier.verify(TestKeys.hs256(payloadLike)).userId()).isEqualTo("7");
        assertRefused(() -> verifier.verify(TestKeys.hs256(claims().build())), "Invalid token", "user_claim");
    }

    @Test
    void registeredClaimOfTheWrongTypeIsRefusedAsMalformed() throws Exception {
        JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.HS256), new Payload("{\"sub\":\"42\",\"exp\":\"soon\"}"));
        jws.sign(new MACSigner(SECRET));

        assertRefused(() -> withSecret().verify(jws.serialize()), "Invalid token", "malformed");
    }

    @Test
    void typeHeaderIsComparedIgnoringCase() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+JWT")).build(),
                claims().build());
        jwt.sign(new MACSigner(SECRET));

        assertThat(withSecret().verify(jwt.serialize()).userId()).isEqualTo("42");
    }

    @Test
    void tokenWithoutExpiryHasNoExpiresAt() throws Exception {
        assertThat(withSecret().verify(TestKeys.hs256(claims().expirationTime(null).build())).expiresAt()).isNull();
    }

    @Test
    void unexpectedTypeHeaderIsRefused() {
        String token = TestKeys.hs256(claims().build());
        String[] parts = token.split("\\.");
        String header = Base64URL.encode("{\"alg\":\"HS256\",\"typ\":\"secevent+jwt\"}").toString();

        assertRefused(() -> withSecret().verify(header + "." + parts[1] + "." + parts[2]), "Invalid token", "type");
    }

    @Test
    void shortSecretIsRefusedAtConstruction() {
        assertThatThrownBy(() -> AuthOptions.builder().secret("too-short-secret").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auth.token.secret is 128 bits").hasMessageContaining("at least 256 bits");
    }

    @Test
    void misconfiguredKeyMaterialIsRefusedWithTheSettingNamed() throws Exception {
        assertThatThrownBy(() -> AuthOptions.builder().required(true).build())
                .hasMessageContaining("auth.required is true but auth.token has no secret, publicKey or jwks");
        assertThatThrownBy(() -> AuthOptions.builder().secret(SECRET).jwks("file:/x.json").build())
                .hasMessageContaining("set only one of secret, publicKey, jwks");
        assertThatThrownBy(() -> AuthOptions.builder().jwks("ftp://host/jwks.json").build())
                .hasMessageContaining("auth.token.jwks 'ftp://host/jwks.json' is neither a file: path nor an http(s) URL");
        assertThatThrownBy(() -> TokenVerifier.create(AuthOptions.builder().publicKey("/no/such/jwt.pem").build()))
                .hasMessageContaining("auth.token.publicKey: cannot read the PEM file '/no/such/jwt.pem'");
        assertThatThrownBy(() -> TokenVerifier.create(AuthOptions.builder()
                .publicKey("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----").build()))
                .hasMessageContaining("holds a 'RSA PRIVATE KEY' PEM block");
        KeyPairGenerator weak = KeyPairGenerator.getInstance("RSA");
        weak.initialize(1024);
        String weakPem = TestKeys.pem(weak.generateKeyPair().getPublic());
        assertThatThrownBy(() -> TokenVerifier.create(AuthOptions.builder().publicKey(weakPem).build()))
                .hasMessageContaining("1024-bit RSA key");
    }
}
