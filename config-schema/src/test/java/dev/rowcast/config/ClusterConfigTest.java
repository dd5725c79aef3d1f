package dev.rowcast.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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

    /** A value from the environment may be a secret: a message about it quotes the file's text, never the value. */
    @Test
    void problemsWithValuesFromTheEnvironmentNeverShowThem() {
        ConfigException bad = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load("rowcast.yml",
                "cluster:\n  redis: ${REDIS_URL}\nauth:\n  token:\n    secret: ${JWT_SECRET}\nserver:\n  port: ${PORT}\n",
                Map.of("REDIS_URL", "admin:hunter2@cache:6379", "JWT_SECRET", "31415926535897932384626433832795", "PORT", "99999")));

        assertThat(bad.getMessage())
                .contains("rowcast.yml:2:10: cluster.redis: '${REDIS_URL}' is not a Redis URI")
                .contains("rowcast.yml:5:13: auth.token.secret: expected ", "found '${JWT_SECRET}' (a number once replaced)")
                .contains("rowcast.yml:7:9: server.port: ${PORT} is out of range")
                .doesNotContain("hunter2").doesNotContain("31415926535897932384626433832795").doesNotContain("99999");
    }
}
