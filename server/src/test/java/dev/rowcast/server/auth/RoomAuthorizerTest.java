package dev.rowcast.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoomAuthorizerTest {
    private static final RoomAuthorizer USER_AND_CHAT = RoomAuthorizer.compile(List.of("user:{sub}", "chat:*"));
    private static final Map<String, Object> USER_1 = Map.of("sub", "1");

    @Test
    void userMayJoinOnlyTheirOwnUserRoom() {
        assertThat(USER_AND_CHAT.allows("user:1", USER_1)).isTrue();
        assertThat(USER_AND_CHAT.allows("user:2", USER_1)).isFalse();
        assertThat(USER_AND_CHAT.allows("user:12", USER_1)).isFalse();
        assertThat(USER_AND_CHAT.allows("user:", USER_1)).isFalse();
        assertThat(USER_AND_CHAT.allows("user:1:extra", USER_1)).isFalse();
    }

    @Test
    void trailingStarMatchesAnyNonEmptyRest() {
        assertThat(USER_AND_CHAT.allows("chat:general", USER_1)).isTrue();
        assertThat(USER_AND_CHAT.allows("chat:a:b*c", USER_1)).isTrue();
        assertThat(USER_AND_CHAT.allows("chat:", USER_1)).isFalse();
        assertThat(USER_AND_CHAT.allows("chatroom", USER_1)).isFalse();
        assertThat(USER_AND_CHAT.allows("posts", USER_1)).isFalse();
    }

    @Test
    void missingOrUnusableClaimMakesItsPatternUnmatchable() {
        assertThat(USER_AND_CHAT.allows("user:", Map.of())).isFalse();
        assertThat(USER_AND_CHAT.allows("user:", Map.of("sub", ""))).isFalse();
        assertThat(USER_AND_CHAT.allows("user:[1]", Map.of("sub", List.of(1)))).isFalse();
        assertThat(USER_AND_CHAT.allows("user:1", null)).isFalse();
        assertThat(USER_AND_CHAT.allows("chat:x", Map.of())).isTrue(); // the other pattern still applies
    }

    @Test
    void claimValueIsMatchedLiterallyNeverAsAWildcard() {
        Map<String, Object> sneaky = Map.of("sub", "*");

        assertThat(USER_AND_CHAT.allows("user:*", sneaky)).isTrue();
        assertThat(USER_AND_CHAT.allows("user:1", sneaky)).isFalse();
    }

    @Test
    void numericClaimsAndNestedClaimsAreSubstituted() {
        RoomAuthorizer rooms = RoomAuthorizer.compile(List.of("user:{id}", "org:{org.id}:{role}:*"));
        Map<String, Object> claims = Map.of("id", 7L, "org", Map.of("id", 3), "role", "admin");

        assertThat(rooms.allows("user:7", claims)).isTrue();
        assertThat(rooms.allows("user:7.0", claims)).isFalse();
        assertThat(rooms.allows("user:7", Map.of("id", 7.0))).isTrue();
        assertThat(rooms.allows("user:7", Map.of("id", 7.5))).isFalse();
        assertThat(rooms.allows("org:3:admin:billing", claims)).isTrue();
        assertThat(rooms.allows("org:4:admin:billing", claims)).isFalse();
    }

    @Test
    void absentPatternsAllowAnyRoomAndAnEmptyListAllowsNone() {
        assertThat(RoomAuthorizer.of(AuthOptions.builder().build()).allows("anything", Map.of())).isTrue();
        assertThat(RoomAuthorizer.allowAll().allowsAll()).isTrue();
        assertThat(RoomAuthorizer.of(AuthOptions.builder().rooms(List.of()).build()).allows("anything", Map.of())).isFalse();
    }

    @Test
    void malformedPatternsAreRefusedWithThePatternNamed() {
        assertThatThrownBy(() -> RoomAuthorizer.compile(List.of("user:{sub")))
                .hasMessage("auth.rooms: pattern 'user:{sub': '{' at position 6 is never closed");
        assertThatThrownBy(() -> RoomAuthorizer.compile(List.of("a*b")))
                .hasMessageContaining("pattern 'a*b': '*' is only allowed at the end");
        assertThatThrownBy(() -> RoomAuthorizer.compile(List.of("user:{}")))
                .hasMessageContaining("must name one token claim");
        assertThatThrownBy(() -> RoomAuthorizer.compile(List.of("user:{sub}*")))
                .hasMessageContaining("lets sub=1 reach the rooms of sub=12");
        assertThatThrownBy(() -> AuthOptions.builder().rooms(List.of("x}")).build())
                .hasMessageContaining("'}' at position 2 has no matching '{'");
    }
}
