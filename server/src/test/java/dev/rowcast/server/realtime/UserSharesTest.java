package dev.rowcast.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.server.rooms.InMemoryAdapter;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UserSharesTest {
    private final UserShares users = new UserShares(2, 10_000);

    /** The old socket is not gone yet when its client comes back under its id: the new one takes no second place. */
    @Test
    void aSocketRecoveringUnderAHeldIdTakesNoSecondPlace() {
        Object old = new Object();
        Object recovering = new Object();
        assertThat(users.admit(old, "user 1", "a")).isTrue();
        assertThat(users.admit(new Object(), "user 1", "b")).isTrue();
        assertThat(users.admit(new Object(), "user 1", "c")).as("a third id").isFalse();
        assertThat(users.admit(recovering, "user 1", "a")).as("the id it comes back under").isTrue();
        assertThat(users.held("user 1")[0]).isEqualTo(2);

        users.release(old);
        assertThat(users.held("user 1")[0]).as("the recovered one still holds id a").isEqualTo(2);
        assertThat(users.admit(new Object(), "user 1", "c")).isFalse();
        users.release(recovering);
        assertThat(users.held("user 1")[0]).isEqualTo(1);
    }

    @Test
    void whatAUserHoldsReturnsToZeroWhenItsSocketsGo() {
        Object a = new Object();
        Object b = new Object();
        users.admit(a, "user 1", "a");
        users.admit(b, "user 1", "b");
        long room = InMemoryAdapter.roomBytes("r") + InMemoryAdapter.MEMBERSHIP_BYTES;
        users.roomsChanged(a, Set.of("a", "r", "s"), "a");
        users.roomsChanged(b, Set.of("b", "r"), "b");
        assertThat(users.held("user 1")).containsExactly(2, 3 * room);
        assertThat(users.roomBytesLeft(b)).isEqualTo(10_000 - 3 * room);
        users.roomsChanged(a, Set.of("a", "s"), "a");
        assertThat(users.held("user 1")).containsExactly(2, 2 * room);

        users.release(a);
        users.release(a); // a disconnect after a discard, or twice: once counts
        users.roomsChanged(a, Set.of("a", "r"), "a"); // late: gone sockets hold nothing
        assertThat(users.held("user 1")).containsExactly(1, room);
        users.release(b);
        assertThat(users.users()).isZero();
        assertThat(users.roomBytesLeft(b)).isEqualTo(Long.MAX_VALUE);
    }
}
