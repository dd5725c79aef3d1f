package dev.rowcast.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.ZoneOffset;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/** Whatever a client sends as its token, the verifier answers with an AuthException and nothing else. */
class HostileTokenProperties {
    private static final TokenVerifier VERIFIER = TokenVerifier.create(
            AuthOptions.builder().secret(TestKeys.SECRET).build(), Clock.fixed(TestKeys.NOW, ZoneOffset.UTC));
    private static final String VALID = TestKeys.hs256(TestKeys.claims().build());

    @Property(tries = 200)
    void arbitraryTextIsRefusedCleanly(@ForAll @StringLength(max = 300) String token) {
        assertThatThrownBy(() -> VERIFIER.verify(token)).isInstanceOf(AuthException.class);
    }

    @Property(tries = 200)
    void tokenShapedTextIsRefusedCleanly(
            @ForAll @StringLength(max = 80) @CharRange(from = '+', to = 'z') String header,
            @ForAll @StringLength(max = 80) @CharRange(from = '+', to = 'z') String payload) {
        assertThatThrownBy(() -> VERIFIER.verify(header + "." + payload + ".c2ln"))
                .isInstanceOf(AuthException.class).hasMessage("Invalid token");
    }

    @Property(tries = 200)
    void anyOneCharacterChangeToAValidTokenIsRefusedOrHarmless(
            @ForAll @IntRange(min = 0, max = 10_000) int where, @ForAll @CharRange(from = '-', to = 'z') char replacement) {
        int at = where % VALID.length();
        String mutated = VALID.substring(0, at) + replacement + VALID.substring(at + 1);
        try {
            // Base64url's unused low bits can change without changing the bytes: then it is the same token.
            assertThat(VERIFIER.verify(mutated).userId()).isEqualTo("42");
        } catch (AuthException e) {
            assertThat(e.getMessage()).isEqualTo("Invalid token");
        }
    }
}
