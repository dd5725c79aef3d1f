package dev.rowcast.agent.outlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rowcast.config.ConfigLoader;
import dev.rowcast.server.realtime.RealtimeOptions;
import dev.rowcast.server.realtime.RelayOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RealtimeSettingsTest {

    private static RealtimeOptions from(String yaml) throws Exception {
        return RealtimeSettings.from(ConfigLoader.load("rowcast.yml", yaml, Map.of()));
    }

    @Test
    void everyServerKeyReachesTheServerOptions() throws Exception {
        RealtimeOptions options = from("""
                server:
                  host: 127.0.0.1
                  port: 0
                  path: /rt
                  cors: { origin: [ "https://a.example" ], methods: [GET], credentials: true }
                  pingInterval: 5s
                  pingTimeout: 3s
                  maxPayload: 64KB
                  recovery: { enabled: true, maxDisconnection: 30s, maxEvents: 500, maxBytes: 2MiB }
                """);
        var server = options.server();
        assertThat(server.path()).isEqualTo("/rt");
        assertThat(server.recovery()).isEqualTo(Duration.ofSeconds(30));
        assertThat(server.recoveryMaxPackets()).isEqualTo(500);
        assertThat(server.recoveryMaxBytes()).isEqualTo(2L << 20);
        assertThat(server.engine().host()).isEqualTo("127.0.0.1");
        assertThat(server.engine().port()).isZero();
        assertThat(server.engine().pingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(server.engine().pingTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(server.engine().maxPayload()).isEqualTo(64_000);
        assertThat(server.engine().cors().origins()).containsExactly("https://a.example");
        assertThat(server.engine().cors().methods()).containsExactly("GET");
        assertThat(server.engine().cors().credentials()).isTrue();
        var defaults = from("server: { recovery: { maxEvents: 500 } }").server();
        assertThat(defaults.recoveryMaxBytes()).as("maxBytes not given: 16 MiB").isEqualTo(16L << 20);
        assertThat(defaults.recoveryMaxPackets()).isEqualTo(500);
        assertThat(defaults.engine().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        var slowHeartbeat = from("server: { pingInterval: 45s }").server().engine();
        assertThat(slowHeartbeat.idleTimeout()).as("a polling client's POST connection, a pong every 45 s, stays open")
                .isEqualTo(Duration.ofSeconds(50));
        assertThat(slowHeartbeat.requestTimeout()).isEqualTo(Duration.ofSeconds(80));
    }

    @Test
    void clusterKeysReachTheServerOptionsWithThePingTimeoutAsNodeTimeout() throws Exception {
        var cluster = from("""
                cluster: { redis: "redis://redis.internal:6379", keyPrefix: cms }
                server: { pingTimeout: 7s, recovery: { maxEvents: 50000 } }
                """).server().cluster();
        assertThat(cluster.streamMaxLength()).isEqualTo(50_000);
        assertThat(cluster.redisUri()).isEqualTo("redis://redis.internal:6379");
        assertThat(cluster.keyPrefix()).isEqualTo("cms");
        assertThat(cluster.nodeTimeout()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void noClusterKeyMeansALoneServer() throws Exception {
        assertThat(from("relay: { enabled: true }\n").server().cluster()).isNull();
    }

    @Test
    void disabledRecoveryTurnsItOff() throws Exception {
        assertThat(from("server: { recovery: { enabled: false } }\n").server().recovery()).isNull();
    }

    @Test
    void authAndRelayKeysReachTheRealtimeOptions() throws Exception {
        RealtimeOptions options = from("""
                auth:
                  required: true
                  token: { secret: "0123456789abcdef0123456789abcdef", issuer: idp, audience: cms, clockSkew: 5s, userClaim: uid }
                  rooms: ["user:{uid}", "chat:*"]
                relay: { enabled: false, requireMembership: false }
                """);
        var auth = options.auth();
        assertThat(auth.required()).isTrue();
        assertThat(auth.secret()).contains("0123456789abcdef0123456789abcdef");
        assertThat(auth.issuer()).contains("idp");
        assertThat(auth.audience()).contains("cms");
        assertThat(auth.clockSkew()).isEqualTo(Duration.ofSeconds(5));
        assertThat(auth.userClaim()).isEqualTo("uid");
        assertThat(auth.rooms()).contains(List.of("user:{uid}", "chat:*"));
        assertThat(options.relay().enabled()).isFalse();
        assertThat(options.relay().requireMembership()).isFalse();
        assertThat(options.relay().maxPerSecond()).isEqualTo(100);
        assertThat(from("relay: { maxPerSecond: 5, burst: 9 }\n").relay()).isEqualTo(new RelayOptions(true, true, 5, 9));
    }

    @Test
    void withoutAuthAnyRoomIsAllowedAndNoTokenIsNeeded() throws Exception {
        var auth = from("server: { port: 0 }\n").auth();
        assertThat(auth.required()).isFalse();
        assertThat(auth.hasKey()).isFalse();
        assertThat(auth.rooms()).isEmpty();
    }

    @Test
    void unreadablePublicKeyIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> from("auth: { token: { publicKey: /no/such/key.pem } }\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auth.token.publicKey");
    }

    /** The schema's "or a list": a token for any of them is accepted (TokenVerifierTest checks the verifying). */
    @Test
    void severalAudiencesAreAllChecked() throws Exception {
        assertThat(from("auth: { token: { secret: \"0123456789abcdef0123456789abcdef\", audience: [cms, admin] } }\n")
                .auth().audiences()).containsExactly("cms", "admin");
    }
}
