package dev.rowcast.sample.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokensTest {

    private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    private final Tokens tokens = new Tokens(SECRET, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void anIssuedTokenNamesItsUserUntilItExpires() {
        Tokens.Issued issued = tokens.issue(42, "a@example.com");
        assertThat(tokens.verify(issued.token())).contains(42L);
        assertThat(issued.expiresAt()).isEqualTo(NOW.plus(Tokens.LIFETIME));

        Tokens later = new Tokens(SECRET, Clock.fixed(issued.expiresAt().plusSeconds(1), ZoneOffset.UTC));
        assertThat(later.verify(issued.token())).isEmpty();
    }

    @Test
    void aTokenSignedWithAnotherSecretOrWithAlgNoneIsRefused() {
        Tokens other = new Tokens("another-secret-that-is-long-enough-for-hs256", Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(tokens.verify(other.issue(42, "a@example.com").token())).isEmpty();

        String[] parts = tokens.issue(42, "a@example.com").token().split("\\.");
        String none = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(tokens.verify(none + "." + parts[1] + ".")).isEmpty();
        assertThat(tokens.verify("garbage")).isEmpty();
    }

    @Test
    void aSecretShorterThan32BytesIsRejectedWithTheFix() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Tokens("short", Clock.systemUTC()))
                .hasMessageContaining("ROWCAST_JWT_SECRET").hasMessageContaining("32");
    }
}
