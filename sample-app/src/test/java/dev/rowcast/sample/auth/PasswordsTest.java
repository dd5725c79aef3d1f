package dev.rowcast.sample.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordsTest {

    @Test
    void theSamePasswordHashesDifferentlyEachTimeAndVerifiesOnlyItself() {
        String first = Passwords.hash("alice");
        String second = Passwords.hash("alice");
        assertThat(first).isNotEqualTo(second).startsWith("pbkdf2-sha256$").doesNotContain("alice");
        assertThat(Passwords.verify("alice", first)).isTrue();
        assertThat(Passwords.verify("alice", second)).isTrue();
        assertThat(Passwords.verify("bob", first)).isFalse();
        assertThat(Passwords.verify("alice", "plain-text")).isFalse();
    }
}
