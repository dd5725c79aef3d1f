package dev.rowcast.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * EdDSA (RFC 8037) verification with the JDK's own Ed25519/Ed448 ({@code Signature "EdDSA"},
 * Java 15+). Nimbus's Ed25519Verifier needs Google Tink, several MB in the agent jar for one
 * algorithm the JDK already implements; only the glue lives here, never the curve arithmetic.
 */
final class JdkEdDsaVerifier implements JWSVerifier {
    static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519, JWSAlgorithm.Ed448);

    // The fixed DER prefixes of an X.509 SubjectPublicKeyInfo wrapping a raw Ed25519/Ed448 key (RFC 8410).
    private static final byte[] ED25519_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] ED448_PREFIX = HexFormat.of().parseHex("3043300506032b6571033a00");

    private final EdECPublicKey key;
    private final JCAContext jcaContext = new JCAContext();

    JdkEdDsaVerifier(EdECPublicKey key) {
        this.key = key;
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return false; // no critical header parameter is understood here, so none may be ignored
        }
        String curve = key.getParams().getName();
        JWSAlgorithm alg = header.getAlgorithm();
        if (alg.equals(JWSAlgorithm.Ed25519) && !curve.equals("Ed25519")
                || alg.equals(JWSAlgorithm.Ed448) && !curve.equals("Ed448")
                || !ALGORITHMS.contains(alg)) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("EdDSA");
            verifier.initVerify(key);
            verifier.update(signingInput);
            return verifier.verify(signature.decode());
        } catch (SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new JOSEException("the JDK cannot verify EdDSA: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return ALGORITHMS;
    }

    @Override
    public JCAContext getJCAContext() {
        return jcaContext;
    }

    /** The JWK (kty OKP) form of a JDK EdDSA public key. */
    static OctetKeyPair toJwk(EdECPublicKey key) {
        boolean ed25519 = key.getParams().getName().equals("Ed25519");
        byte[] encoded = key.getEncoded();
        int rawLength = encoded.length - (ed25519 ? ED25519_PREFIX : ED448_PREFIX).length;
        byte[] raw = Arrays.copyOfRange(encoded, encoded.length - rawLength, encoded.length);
        return new OctetKeyPair.Builder(ed25519 ? Curve.Ed25519 : Curve.Ed448, Base64URL.encode(raw)).build();
    }

    /** The JDK form of an OKP JWK's public half, or null when its curve is not Ed25519/Ed448. */
    static PublicKey toPublicKey(OctetKeyPair jwk) {
        byte[] prefix;
        if (Curve.Ed25519.equals(jwk.getCurve())) {
            prefix = ED25519_PREFIX;
        } else if (Curve.Ed448.equals(jwk.getCurve())) {
            prefix = ED448_PREFIX;
        } else {
            return null;
        }
        byte[] raw = jwk.getDecodedX();
        byte[] der = Arrays.copyOf(prefix, prefix.length + raw.length);
        System.arraycopy(raw, 0, der, prefix.length, raw.length);
        try {
            return KeyFactory.getInstance("EdDSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            return null; // a malformed key in a JWKS is skipped, like Nimbus skips its own
        }
    }
}
