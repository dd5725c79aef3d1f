package dev.rowcast.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.auth.AuthOptions;
import dev.rowcast.server.realtime.RealtimeOptions;
import dev.rowcast.server.realtime.RealtimeServer;
import dev.rowcast.server.realtime.Tokens;
import dev.rowcast.server.testing.FailOnNettyLeak;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * socket.io-client@4.8.4 comes back through connection state recovery with a token that is checked
 * as a fresh CONNECT's is: one that expired while the client was away recovers nothing, a refreshed
 * one recovers and lives as long as the new token does.
 */
@ExtendWith(FailOnNettyLeak.class)
class RecoveryTokenInteropTest {
    private static RealtimeServer realtime;
    private static final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void start() {
        realtime = RealtimeServer.launch(RealtimeOptions.builder()
                .server(ServerOptions.builder().recovery(Duration.ofMinutes(2)).build())
                .auth(AuthOptions.builder().required(true).secret(Tokens.SECRET).clockSkew(Duration.ZERO)
                        .rooms(List.of("user:{sub}")).build())
                .build());
        AtomicInteger next = new AtomicInteger();
        ticker.scheduleAtFixedRate(() -> realtime.to("user:1").emit("tick", next.getAndIncrement()), 0, 20, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stop() {
        ticker.shutdownNow();
        if (realtime != null) realtime.stop();
    }

    /** The client comes back at {@code backAt} with {@code next} as its token, and stays until {@code stayUntil}. */
    private static JsonNode comeBack(String token, String next, Instant backAt, Instant stayUntil) throws Exception {
        return NodeClient.run("realtime.mjs", "http://127.0.0.1:" + realtime.port(), "recoveryToken", null, Map.of(
                "TOKEN", token, "NEXT", next, "BACK_AT", Long.toString(backAt.toEpochMilli()),
                "STAY_UNTIL", Long.toString(stayUntil.toEpochMilli())));
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asInt()));
        return list;
    }

    @Test
    void aTokenThatExpiredWhileTheClientWasAwayIsRefusedAndNothingIsReplayed() throws Exception {
        Instant expiry = Instant.now().plusSeconds(4); // time enough for the node client to connect first
        String token = Tokens.hs256(Tokens.SECRET, "1", expiry);
        JsonNode result = comeBack(token, token, expiry.plusSeconds(1), Instant.EPOCH);

        assertThat(result.get("outcome").toString()).isEqualTo("{\"message\":\"Invalid token\",\"data\":{\"reason\":\"expired\"}}");
        assertThat(result.get("recovered").asBoolean()).isFalse();
        assertThat(ints(result.get("afterCut"))).as("events replayed to the refused client").isEmpty();
        assertThat(ints(result.get("before"))).isNotEmpty();
    }

    @Test
    void aRefreshedTokenRecoversEveryMissedEventAndOutlivesTheOldExpiry() throws Exception {
        Instant oldExpiry = Instant.now().plusSeconds(4);
        String token = Tokens.hs256(Tokens.SECRET, "1", oldExpiry);
        String refreshed = Tokens.hs256(Tokens.SECRET, "1", Instant.now().plusSeconds(600));
        JsonNode result = comeBack(token, refreshed, Instant.EPOCH, oldExpiry.plusMillis(1_500));

        assertThat(result.get("outcome").toString()).isEqualTo("{\"connected\":true}");
        assertThat(result.get("recovered").asBoolean()).isTrue();
        assertThat(result.get("sameId").asBoolean()).isTrue();
        List<Integer> before = ints(result.get("before"));
        List<Integer> after = ints(result.get("afterCut"));
        assertThat(after).as("the ticks after the cut, missed ones first").isNotEmpty()
                .startsWith(before.get(before.size() - 1) + 1);
        for (int i = 1; i < after.size(); i++) assertThat(after.get(i)).isEqualTo(after.get(i - 1) + 1);
        assertThat(result.get("errors")).as("rowcast:error events").isEmpty();
        assertThat(result.get("disconnects")).isEmpty();
        assertThat(result.get("connectedAtEnd").asBoolean()).isTrue();
    }

    /**
     * The expiry's disconnect keeps the session: a client that answers it with a fresh token, as the README shows,
     * comes back as itself with every tick it missed meanwhile.
     */
    @Test
    void aClientThatRenewsItsExpiredTokenRecoversTheEventsOfTheGap() throws Exception {
        String token = Tokens.hs256(Tokens.SECRET, "1", Instant.now().plusSeconds(4));
        String fresh = Tokens.hs256(Tokens.SECRET, "1", Instant.now().plusSeconds(600));
        JsonNode result = NodeClient.run("realtime.mjs", "http://127.0.0.1:" + realtime.port(), "expiryComeBack", null,
                Map.of("TOKEN", token, "NEXT", fresh, "AWAY_MS", "300"));

        assertThat(result.get("reasons").toString()).isEqualTo("[\"io server disconnect\"]");
        assertThat(result.get("connects").toString()).isEqualTo("[false,true]");
        assertThat(result.get("sameId").asBoolean()).isTrue();
        List<Integer> before = ints(result.get("before"));
        List<Integer> after = ints(result.get("after"));
        assertThat(before).isNotEmpty();
        assertThat(after).as("the ticks from the expiry on, those of the gap first").hasSizeGreaterThanOrEqualTo(20)
                .startsWith(before.get(before.size() - 1) + 1);
        for (int i = 1; i < after.size(); i++) assertThat(after.get(i)).isEqualTo(after.get(i - 1) + 1);
    }
}
