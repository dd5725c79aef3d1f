package dev.rowcast.server.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.Key;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Nimbus's key selector, limited to the algorithms of the configured key's family, so that a
 * token naming another algorithm (HS256 against an RSA key, {@code none}) finds no key at all.
 * A single configured key ignores the token's {@code kid}; OKP keys become JDK EdDSA keys.
 */
final class FamilyKeySelector extends JWSVerificationKeySelector<SecurityContext> {
    private final boolean matchKeyId;

    FamilyKeySelector(Set<JWSAlgorithm> family, JWKSource<SecurityContext> source, boolean matchKeyId) {
        super(family, source);
        this.matchKeyId = matchKeyId;
    }

    @Override
    protected JWKMatcher createJWKMatcher(JWSHeader header) {
        JWKMatcher matcher = super.createJWKMatcher(header);
        if (matcher == null || matchKeyId) {
            return matcher;
        }
        return new JWKMatcher.Builder(matcher).keyIDs((Set<String>) null).build();
    }

    @Override
    public List<Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
        if (!JdkEdDsaVerifier.ALGORITHMS.contains(header.getAlgorithm())) {
            return super.selectJWSKeys(header, context);
        }
        // Nimbus cannot turn an OKP JWK into a java.security key, so this is done here.
        JWKMatcher matcher = isAllowed(header.getAlgorithm()) ? createJWKMatcher(header) : null;
        if (matcher == null) {
            return List.of();
        }
        List<Key> keys = new ArrayList<>();
        for (JWK jwk : getJWKSource().get(new JWKSelector(matcher), context)) {
            PublicKey key = jwk instanceof OctetKeyPair okp ? JdkEdDsaVerifier.toPublicKey(okp) : null;
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }
}
