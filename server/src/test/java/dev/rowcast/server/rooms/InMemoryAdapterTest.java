package dev.rowcast.server.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rowcast.server.engine.EngineMessage;
import dev.rowcast.server.protocol.Packet;
import dev.rowcast.server.protocol.PacketJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryAdapterTest {
    private final Map<String, List<List<EngineMessage>>> delivered = new ConcurrentHashMap<>();
    private final InMemoryAdapter adapter = new InMemoryAdapter((id, encoded) -> {
        delivered.computeIfAbsent(id, k -> new ArrayList<>()).add(encoded);
        return true;
    });

    private static Packet event(String name) {
        ArrayNode data = PacketJson.NODES.arrayNode().add(name);
        return Packet.event("/", data, null);
    }

    @Test
    void emptiedRoomsDisappearAndSocketsLeaveAllRoomsAtOnce() {
        adapter.addAll("a", Set.of("a", "r1", "r2"));
        adapter.addAll("b", Set.of("b", "r1"));
        assertThat(adapter.rooms()).containsExactlyInAnyOrder("a", "b", "r1", "r2");
        adapter.remove("a", "r2");
        assertThat(adapter.rooms()).doesNotContain("r2");
        adapter.removeAll("b");
        assertThat(adapter.sockets(Set.of("r1"))).containsExactly("a");
        assertThat(adapter.socketRooms("a")).containsExactlyInAnyOrder("a", "r1");
        assertThat(adapter.socketRooms("b")).isEmpty();
    }

    @Test
    void theEstimateFollowsRoomsAndMembershipsAndReturnsToZero() {
        long chat = InMemoryAdapter.roomBytes("chat:1");
        adapter.addAll("s1", Set.of("s1", "chat:1"));
        assertThat(adapter.estimatedBytes()).as("a socket's own room costs nothing more").isEqualTo(chat + InMemoryAdapter.MEMBERSHIP_BYTES);
        adapter.addAll("s2", Set.of("s2", "chat:1"));
        adapter.addAll("s2", Set.of("chat:1"));
        assertThat(adapter.estimatedBytes()).as("a shared room: its name once").isEqualTo(chat + 2 * InMemoryAdapter.MEMBERSHIP_BYTES);
        adapter.addAll("s2", Set.of("x".repeat(512)));
        assertThat(adapter.estimatedBytes()).isEqualTo(chat + 256 + 1024 + 3 * InMemoryAdapter.MEMBERSHIP_BYTES);

        adapter.remove("s1", "chat:1");
        adapter.remove("s1", "chat:1");
        adapter.removeAll("s2");
        assertThat(adapter.estimatedBytes()).isZero();
    }

    @Test
    void broadcastEncodesOnceAndSkipsExcludedRooms() {
        adapter.addAll("a", Set.of("a", "r"));
        adapter.addAll("b", Set.of("b", "r", "muted"));
        adapter.addAll("c", Set.of("c"));
        assertThat(adapter.broadcast(event("x"), Set.of("r"), Set.of("muted"))).isEqualTo(1);
        assertThat(adapter.broadcast(event("y"), Set.of(), Set.of())).isEqualTo(3);
        assertThat(delivered.get("a")).hasSize(2);
        assertThat(delivered.get("b")).hasSize(1);
        assertThat(delivered.get("a").get(1)).isSameAs(delivered.get("b").get(0)).isSameAs(delivered.get("c").get(0));
    }

    @Test
    void concurrentJoinsAndLeavesNeverLoseAMember() throws Exception {
        int threads = 4;
        int rounds = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String socket = "s" + t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    adapter.addAll(socket, Set.of("shared"));
                    adapter.remove(socket, "shared");
                }
                adapter.addAll(socket, Set.of("shared")); // each ends as a member
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) f.get(30, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(adapter.sockets(Set.of("shared"))).containsExactlyInAnyOrder("s0", "s1", "s2", "s3");
    }

    @Test
    void aSocketsOwnIdRoomReachesItAndAnyOtherSocketThatJoinedThatRoom() {
        adapter.addAll("a", Set.of("a"));
        adapter.addAll("b", Set.of("b", "a"));
        adapter.addAll("c", Set.of("c"));

        assertThat(adapter.sockets(Set.of("a"))).containsExactlyInAnyOrder("a", "b");
        assertThat(adapter.broadcast(event("to-a"), Set.of("a"), Set.of())).isEqualTo(2);
        assertThat(adapter.broadcast(event("to-a-not-b"), Set.of("a"), Set.of("b"))).isEqualTo(1);
        assertThat(delivered.get("a")).hasSize(2);
        assertThat(delivered.get("b")).hasSize(1);
        assertThat(delivered).doesNotContainKey("c");

        adapter.remove("a", "a");
        assertThat(adapter.sockets(Set.of("a"))).containsExactly("b");
        assertThat(adapter.socketRooms("a")).isEmpty();
        assertThat(adapter.rooms()).containsExactlyInAnyOrder("a", "b", "c");
        adapter.removeAll("b");
        assertThat(adapter.rooms()).containsExactly("c");
        assertThat(adapter.sockets(Set.of())).containsExactlyInAnyOrder("a", "c");
    }
}
