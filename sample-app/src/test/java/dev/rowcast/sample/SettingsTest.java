package dev.rowcast.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void withNoEnvironmentTheDemoRunsOnPort8080WithH2AndTheDevSecret() {
        Settings settings = Settings.fromEnvironment(Map.of());
        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.databaseUrl()).startsWith("jdbc:h2:mem:");
        assertThat(settings.usesDevSecret()).isTrue();
        assertThat(settings.effectiveJwtSecret()).isEqualTo(Settings.DEV_JWT_SECRET);
    }

    @Test
    void environmentVariablesOverrideTheDefaults() {
        Settings settings = Settings.fromEnvironment(Map.of("PORT", "9090",
                "DATABASE_URL", "postgres://u:p@db:5432/cms", "ROWCAST_JWT_SECRET", "s".repeat(40)));
        assertThat(settings.port()).isEqualTo(9090);
        assertThat(settings.databaseUrl()).isEqualTo("postgres://u:p@db:5432/cms");
        assertThat(settings.usesDevSecret()).isFalse();
    }

    @Test
    void aPortThatIsNotANumberIsRejectedWithTheFix() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("PORT", "http")))
                .hasMessageContaining("PORT='http'").hasMessageContaining("set PORT to a number");
    }
}
