package dev.rowcast.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The HTTP timeouts follow a heartbeat longer than their defaults, so a polling client is not cut off between pongs. */
class EngineOptionsTest {

    @Test
    void theDefaultHeartbeatKeepsTheDefaultTimeouts() {
        EngineOptions options = EngineOptions.defaults();

        assertThat(options.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.requestTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aLongerHeartbeatLengthensTheTimeoutsThatWereNotSet() {
        EngineOptions options = EngineOptions.builder().pingInterval(Duration.ofSeconds(45)).build();

        assertThat(options.idleTimeout()).as("the POST connection carries a pong every 45 s: not closed after 30 s of it")
                .isEqualTo(Duration.ofSeconds(50));
        assertThat(options.requestTimeout()).as("pingInterval + pingTimeout + 15 s").isEqualTo(Duration.ofSeconds(80));
    }

    @Test
    void timeoutsThatWereSetStayAsSet() {
        EngineOptions options = EngineOptions.builder().pingInterval(Duration.ofSeconds(45))
                .idleTimeout(Duration.ofSeconds(10)).requestTimeout(Duration.ofSeconds(20)).build();

        assertThat(options.idleTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.requestTimeout()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aCopyFollowsItsOwnHeartbeatUnlessTheTimeoutsWereSet() {
        EngineOptions derived = EngineOptions.defaults().toBuilder().pingInterval(Duration.ofSeconds(60)).build();
        EngineOptions set = EngineOptions.builder().idleTimeout(Duration.ofSeconds(30)).build()
                .toBuilder().pingInterval(Duration.ofSeconds(60)).build();

        assertThat(derived.idleTimeout()).isEqualTo(Duration.ofSeconds(65));
        assertThat(set.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    }
}
