package dev.rowcast.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of the Redis link: stream ids as offsets, socket data across nodes, option checks. */
class RedisClusterLinkPartsTest {

    @Test
    void streamIdsCompareByTimeThenSequenceNotAsText() {
        assertThat(RedisClusterLink.StreamIds.compare("1700000000000-10", "1700000000000-9")).isPositive();
        assertThat(RedisClusterLink.StreamIds.compare("999-0", "1000-0")).isNegative();
        assertThat(RedisClusterLink.StreamIds.compare("5-5", "5-5")).isZero();
    }

    @Test
    void anOffsetThatIsNoStreamIdIsNotLookedUp() {
        assertThat(RedisClusterLink.StreamIds.valid("1700000000000-0")).isTrue();
        assertThat(RedisClusterLink.StreamIds.valid("AbC12")).isFalse(); // a lone node's offset
        assertThat(RedisClusterLink.StreamIds.valid("-1")).isFalse();
        assertThat(RedisClusterLink.StreamIds.valid("1-")).isFalse();
        assertThat(RedisClusterLink.StreamIds.valid("1-2-3")).isFalse();
    }

    @Test
    void socketDataKeepsInstantsDatesAndNestedClaimsAcrossNodes() {
        ObjectMapper json = new ObjectMapper();
        Instant expires = Instant.parse("2026-11-25T23:00:00Z");
        Map<String, Object> data = Map.of("rowcast.userId", "7", "rowcast.tokenExpiresAt", expires,
                "rowcast.claims", Map.of("sub", "7", "exp", new Date(1_700_000_000_000L), "roles", List.of("editor", "admin")));

        Map<String, Object> back = RedisClusterLink.SessionData.decode(json, RedisClusterLink.SessionData.encode(json, data));

        assertThat(back).isEqualTo(data);
    }

    @Test
    void optionsRefuseWhatCannotWork() {
        assertThatThrownBy(() -> ClusterOptions.builder("localhost:6379"))
                .hasMessageContaining("must be a redis:// or rediss:// URI");
        assertThatThrownBy(() -> ClusterOptions.builder("redis://h:1").nodeTimeout(Duration.ofMillis(10)))
                .hasMessageContaining("at least 300 ms");
        assertThat(ClusterOptions.builder("rediss://:secret@h:6380/0").build().redisUriForLog())
                .isEqualTo("rediss://h:6380").doesNotContain("secret");
    }
}
