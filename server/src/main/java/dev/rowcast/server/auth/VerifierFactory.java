package dev.rowcast.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import java.security.Key;
import java.security.interfaces.EdECPublicKey;

/** Nimbus's verifiers, plus the JDK-backed EdDSA one (see {@link JdkEdDsaVerifier}). */
final class VerifierFactory extends DefaultJWSVerifierFactory {
    @Override
    public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
        if (key instanceof EdECPublicKey edKey && JdkEdDsaVerifier.ALGORITHMS.contains(header.getAlgorithm())) {
            return new JdkEdDsaVerifier(edKey);
        }
        return super.createJWSVerifier(header, key);
    }
}
