package dev.rowcast.server.realtime;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/** HS256 tokens for the realtime tests, signed with the test secret or another one. */
public final class Tokens {
    public static final String SECRET = "rowcast-realtime-test-secret-0123456789";
    public static final String OTHER_SECRET = "not-the-server-secret-0123456789-abcdef";

    private Tokens() {
    }

    public static String hs256(String secret, String sub, Instant expiresAt) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(sub).issueTime(new Date());
        if (expiresAt != null) claims.expirationTime(Date.from(expiresAt));
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new AssertionError(e);
        }
        return jwt.serialize();
    }

    public static String valid(String sub) {
        return hs256(SECRET, sub, Instant.now().plusSeconds(600));
    }
}
