package dev.rowcast.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code cluster:} of rowcast.yml: absent means one instance, present names the shared Redis. */
class ClusterConfigTest {

    @Test
    void absentClusterMeansALoneInstance() throws Exception {
        assertThat(ConfigLoader.load("rowcast.yml", "enabled: true\n", Map.of()).cluster()).isNull();
    }

    @Test
    void redisUriWithDefaultPrefix() throws Exception {
        RowcastConfig config = ConfigLoader.load("rowcast.yml", "cluster:\n  redis: redis://redis:6379\n", Map.of());

        assertThat(config.cluster()).isEqualTo(new ClusterConfig("redis://redis:6379", "rowcast"));
    }

    @Test
    void passwordComesFromTheEnvironmentAndStaysOutOfToString() throws Exception {
        RowcastConfig config = ConfigLoader.load("rowcast.yml",
                "cluster:\n  redis: rediss://:${REDIS_PASSWORD}@redis.internal:6380/0\n  keyPrefix: cms-prod\n",
                Map.of("REDIS_PASSWORD", "s3cret"));

        assertThat(config.cluster().redis()).isEqualTo("rediss://:s3cret@redis.internal:6380/0");
        assertThat(config.cluster().keyPrefix()).isEqualTo("cms-prod");
        assertThat(config.cluster().toString()).doesNotContain("s3cret").contains("rediss://redis.internal:6380/0");
    }
}
