package dev.rowcast.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoomPatternTest {

    @Test
    void claimPartMatchesOnlyTheSocketsOwnValue() {
        RoomPattern pattern = RoomPattern.compile("user:{sub}");

        assertThat(pattern.matches("user:42", Map.of("sub", "42"))).isTrue();
        assertThat(pattern.matches("user:42", Map.of("sub", 42L))).isTrue();
        assertThat(pattern.matches("user:43", Map.of("sub", "42"))).isFalse();
        assertThat(pattern.matches("user:42x", Map.of("sub", "42"))).isFalse();
        assertThat(pattern.matches("user:4", Map.of("sub", "42"))).isFalse();
        assertThat(pattern.matches("user:42", Map.of())).isFalse();
        assertThat(pattern.matches("user:42", null)).isFalse();
    }

    @Test
    void finalStarMatchesAnyNonEmptyRest() {
        RoomPattern pattern = RoomPattern.compile("chat:*");

        assertThat(pattern.matches("chat:1", null)).isTrue();
        assertThat(pattern.matches("chat:general:typing", null)).isTrue();
        assertThat(pattern.matches("chat:", null)).isFalse();
        assertThat(pattern.matches("chat", null)).isFalse();
        assertThat(pattern.matches("user:1", null)).isFalse();
    }

    @Test
    void claimAndStarCombine() {
        RoomPattern pattern = RoomPattern.compile("org:{org.id}:*");
        Map<String, Object> claims = Map.of("org", Map.of("id", 7));

        assertThat(pattern.matches("org:7:news", claims)).isTrue();
        assertThat(pattern.matches("org:8:news", claims)).isFalse();
        assertThat(pattern.matches("org:7:", claims)).isFalse();
    }

    @Test
    void literalPatternMatchesOnlyItself() {
        RoomPattern pattern = RoomPattern.compile("lobby");

        assertThat(pattern.matches("lobby", null)).isTrue();
        assertThat(pattern.matches("lobby2", null)).isFalse();
    }

    @Test
    void starAnywhereButTheEndIsRefused() {
        assertThatThrownBy(() -> RoomPattern.compile("chat:*:typing")).hasMessageContaining("'*' may only end");
        assertThatThrownBy(() -> RoomPattern.compile("**")).hasMessageContaining("'*' may only end");
    }

    @Test
    void authWithoutRoomsAllowsAnyRoomAndWithRoomsOnlyTheListed() {
        AuthConfig open = AuthConfig.DEFAULTS;
        AuthConfig scoped = new AuthConfig(true, AuthConfig.Token.DEFAULTS,
                Optional.of(List.of(RoomPattern.compile("user:{sub}"), RoomPattern.compile("chat:*"))));

        assertThat(open.allows("user:2", Map.of("sub", "1"))).isTrue();
        assertThat(scoped.allows("user:1", Map.of("sub", "1"))).isTrue();
        assertThat(scoped.allows("chat:9", Map.of("sub", "1"))).isTrue();
        assertThat(scoped.allows("user:2", Map.of("sub", "1"))).isFalse();
        assertThat(scoped.allows("admin", Map.of("sub", "1"))).isFalse();
    }
}
