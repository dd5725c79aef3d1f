package dev.rowcast.server.engine;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable, URL-safe session ids: 15 random bytes as 20 base64url characters. */
final class SessionIds {
    // The default SecureRandom on Linux reads /dev/urandom for nextBytes: it never blocks.
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private SessionIds() {
    }

    static String next() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
