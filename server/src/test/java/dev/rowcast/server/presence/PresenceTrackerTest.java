package dev.rowcast.server.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.server.presence.PresenceTracker.Departure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PresenceTrackerTest {
    private final PresenceTracker presence = new PresenceTracker();

    @Test
    void firstSocketOfAUserAnnouncesAJoinAndLaterTabsDoNot() {
        assertThat(presence.join("chat:1", "alice", "tab1")).isTrue();
        assertThat(presence.join("chat:1", "alice", "tab2")).isFalse();
        assertThat(presence.join("chat:1", "alice", "tab2")).isFalse();
        assertThat(presence.join("chat:1", "bob", "tab3")).isTrue();

        assertThat(presence.list("chat:1")).containsExactly("alice", "bob");
    }

    @Test
    void onlyTheLastTabLeavingAnnouncesALeave() {
        presence.join("chat:1", "alice", "tab1");
        presence.join("chat:1", "alice", "tab2");

        assertThat(presence.leave("chat:1", "alice", "tab1")).isFalse();
        assertThat(presence.list("chat:1")).containsExactly("alice");
        assertThat(presence.leave("chat:1", "alice", "tab2")).isTrue();
        assertThat(presence.list("chat:1")).isEmpty();
        assertThat(presence.roomCount()).isZero();
    }

    @Test
    void leavingARoomNeverJoinedAnnouncesNothing() {
        presence.join("chat:1", "alice", "tab1");

        assertThat(presence.leave("chat:2", "alice", "tab1")).isFalse();
        assertThat(presence.leave("chat:1", "bob", "tab1")).isFalse();
        assertThat(presence.leave("chat:1", "alice", "tab9")).isFalse();
        assertThat(presence.list("chat:1")).containsExactly("alice");
    }

    @Test
    void disconnectReportsOnlyTheRoomsWhereThatWasTheUsersLastSocket() {
        presence.join("chat:1", "alice", "tab1");
        presence.join("chat:2", "alice", "tab1");
        presence.join("chat:2", "alice", "tab2");
        presence.join("user:alice", "alice", "tab1");

        assertThat(presence.disconnect("tab1"))
                .containsExactlyInAnyOrder(new Departure("chat:1", "alice"), new Departure("user:alice", "alice"));
        assertThat(presence.list("chat:2")).containsExactly("alice");
        assertThat(presence.disconnect("tab1")).isEmpty();
        assertThat(presence.disconnect("tab2")).containsExactly(new Departure("chat:2", "alice"));
        assertThat(presence.roomCount()).isZero();
    }

    @Test
    void listKeepsArrivalOrderAndAUserWhoReturnsGoesLast() {
        presence.join("r", "carol", "s1");
        presence.join("r", "alice", "s2");
        presence.join("r", "bob", "s3");
        presence.leave("r", "carol", "s1");
        presence.join("r", "carol", "s4");

        assertThat(presence.list("r")).containsExactly("alice", "bob", "carol");
        assertThat(presence.list("nobody-here")).isEmpty();
    }

    /**
     * Many threads join, leave and disconnect at random. Every announced join must be matched by
     * exactly one announced leave, and the final state must equal a sequential replay's.
     */
    @Test
    void concurrentJoinsLeavesAndDisconnectsKeepAnnouncementsBalanced() throws Exception {
        int threads = 8;
        int opsPerThread = 10_000;
        ConcurrentLinkedQueue<String> joins = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> leaves = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            done.add(pool.submit(() -> {
                Random random = new Random(seed);
                start.await();
                for (int i = 0; i < opsPerThread; i++) {
                    String room = "room" + random.nextInt(4);
                    String user = "user" + random.nextInt(6);
                    // a socket belongs to one user, as in the server
                    String socket = user + "/socket" + random.nextInt(3);
                    int op = random.nextInt(10);
                    if (op < 5) {
                        if (presence.join(room, user, socket)) {
                            joins.add(room + "|" + user);
                        }
                    } else if (op < 9) {
                        if (presence.leave(room, user, socket)) {
                            leaves.add(room + "|" + user);
                        }
                    } else {
                        for (Departure d : presence.disconnect(socket)) {
                            leaves.add(d.room() + "|" + d.userId());
                        }
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        // Invariant: announced joins minus announced leaves is exactly who is present now.
        Map<String, Integer> balance = new HashMap<>();
        joins.forEach(k -> balance.merge(k, 1, Integer::sum));
        leaves.forEach(k -> balance.merge(k, -1, Integer::sum));
        Set<String> present = new HashSet<>();
        for (int r = 0; r < 4; r++) {
            String room = "room" + r;
            List<String> users = presence.list(room);
            assertThat(users).doesNotHaveDuplicates();
            users.forEach(u -> present.add(room + "|" + u));
        }
        balance.forEach((key, count) -> assertThat(count).as(key).isBetween(0, 1));
        Set<String> balancedPresent = new HashSet<>();
        balance.forEach((key, count) -> {
            if (count == 1) {
                balancedPresent.add(key);
            }
        });
        assertThat(present).isEqualTo(balancedPresent);
        assertThat(joins).isNotEmpty();

        // Draining every socket announces exactly the remaining presences and leaves nothing behind.
        Set<String> drained = new HashSet<>();
        for (int u = 0; u < 6; u++) {
            for (int s = 0; s < 3; s++) {
                presence.disconnect("user" + u + "/socket" + s).forEach(d -> drained.add(d.room() + "|" + d.userId()));
            }
        }
        assertThat(drained).isEqualTo(present);
        assertThat(presence.roomCount()).isZero();
    }
}
