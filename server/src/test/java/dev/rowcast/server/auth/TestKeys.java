package dev.rowcast.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/** Keys and signed tokens for the auth tests; key pairs are made once per JVM (RSA is slow). */
final class TestKeys {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final String SECRET = "0123456789abcdef0123456789abcdef"; // 256 bits, like Payload's derived key

    static final KeyPair RSA = generate("RSA", 2048);
    static final KeyPair RSA_OTHER = generate("RSA", 2048);
    static final KeyPair EC_P256 = generateEc("secp256r1");
    static final KeyPair EC_P384 = generateEc("secp384r1");
    static final KeyPair ED25519 = generate("Ed25519", 0);

    private TestKeys() {
    }

    /** Claims valid at {@link #NOW} for an hour, for user {@code 42}. */
    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder()
                .subject("42")
                .issueTime(Date.from(NOW.minusSeconds(60)))
                .expirationTime(Date.from(NOW.plusSeconds(3600)));
    }

    static String hs256(JWTClaimsSet claims) {
        return hmac(JWSAlgorithm.HS256, SECRET.getBytes(StandardCharsets.UTF_8), claims);
    }

    static String hmac(JWSAlgorithm alg, byte[] secret, JWTClaimsSet claims) {
        try {
            return sign(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims, new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String rs256(KeyPair pair, String kid, JWTClaimsSet claims) {
        return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), claims, new RSASSASigner(pair.getPrivate()));
    }

    static String ps256(KeyPair pair, JWTClaimsSet claims) {
        return sign(new JWSHeader.Builder(JWSAlgorithm.PS256).build(), claims, new RSASSASigner(pair.getPrivate()));
    }

    static String es(JWSAlgorithm alg, KeyPair pair, String kid, JWTClaimsSet claims) {
        try {
            return sign(new JWSHeader.Builder(alg).keyID(kid).build(), claims, new ECDSASigner((ECPrivateKey) pair.getPrivate()));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** EdDSA signed by the JDK directly: Nimbus's own Ed25519Signer needs Tink. */
    static String eddsa(PrivateKey key, String kid, JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(kid).build();
        String signingInput = header.toBase64URL() + "." + Base64URL.encode(claims.toString());
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64URL.encode(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (bits > 0) {
                generator.initialize(bits);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generateEc(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
