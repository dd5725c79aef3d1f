package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlFilterTest {

    @Test
    void onlyWritesNamingAConfiguredTableAsAWordAreRelevant() throws Exception {
        SqlFilter filter = new SqlFilter(ConfigLoader.load("rowcast.yml", "collections:\n  m: { table: messages }\n", Map.of()));
        assertThat(filter.relevant("INSERT INTO messages (id) VALUES (?)")).isTrue();
        assertThat(filter.relevant("  update MESSAGES set a = 1")).isTrue();
        assertThat(filter.relevant("delete from \"messages\" where id = 1")).isTrue();
        assertThat(filter.relevant("SELECT * FROM messages")).isFalse();
        assertThat(filter.relevant("INSERT INTO messages_archive (id) VALUES (1)")).isFalse();
        assertThat(filter.relevant("INSERT INTO audit (id) VALUES (1)")).isFalse();
    }
}
