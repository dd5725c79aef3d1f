package dev.rowcast.server.auth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads the {@code auth.token.publicKey} setting: a PEM file path or the PEM text itself. */
final class PemPublicKeys {
    private static final String BEGIN = "-----BEGIN ";
    private static final int MIN_RSA_BITS = 2048;

    private PemPublicKeys() {
    }

    /**
     * @return an RSA, EC or EdDSA public key, from a {@code PUBLIC KEY} block (X.509
     *         SubjectPublicKeyInfo) or a {@code CERTIFICATE} block
     * @throws IllegalArgumentException naming the setting, what is wrong and the fix
     */
    static PublicKey read(String fileOrPem) {
        String pem = fileOrPem.contains(BEGIN) ? fileOrPem : readFile(fileOrPem.trim());
        PublicKey key = parse(pem);
        if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IllegalArgumentException("auth.token.publicKey is a " + rsa.getModulus().bitLength()
                    + "-bit RSA key; RSA keys shorter than " + MIN_RSA_BITS + " bits are refused: use a 2048-bit or longer key");
        }
        return key;
    }

    private static String readFile(String path) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("auth.token.publicKey: cannot read the PEM file '" + path + "' ("
                    + e + "): give a readable file path or the PEM text itself", e);
        }
    }

    private static PublicKey parse(String pem) {
        int begin = pem.indexOf(BEGIN);
        int labelEnd = begin < 0 ? -1 : pem.indexOf("-----", begin + BEGIN.length());
        if (labelEnd < 0) {
            throw new IllegalArgumentException("auth.token.publicKey holds no PEM block: expected"
                    + " -----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----");
        }
        String label = pem.substring(begin + BEGIN.length(), labelEnd);
        String endMarker = "-----END " + label + "-----";
        int end = pem.indexOf(endMarker, labelEnd + 5);
        if (end < 0) {
            throw new IllegalArgumentException("auth.token.publicKey: the PEM block " + label + " has no " + endMarker + " line");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(labelEnd + 5, end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("auth.token.publicKey: the PEM block " + label + " is not valid base64", e);
        }
        switch (label) {
            case "PUBLIC KEY":
                return fromSubjectPublicKeyInfo(der);
            case "CERTIFICATE":
                try {
                    return CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
                } catch (GeneralSecurityException e) {
                    throw new IllegalArgumentException("auth.token.publicKey: unreadable certificate (" + e.getMessage() + ")", e);
                }
            default:
                throw new IllegalArgumentException("auth.token.publicKey holds a '" + label + "' PEM block;"
                        + " expected PUBLIC KEY or CERTIFICATE (convert with `openssl pkey -pubin -in key.pem -out public.pem`"
                        + " or, from a private key, `openssl pkey -in key.pem -pubout`)");
        }
    }

    private static PublicKey fromSubjectPublicKeyInfo(byte[] der) {
        for (String algorithm : new String[] {"RSA", "EC", "EdDSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this key type: try the next one
            }
        }
        throw new IllegalArgumentException("auth.token.publicKey is not an RSA, EC (P-256/384/521) or"
                + " Ed25519/Ed448 public key");
    }
}
