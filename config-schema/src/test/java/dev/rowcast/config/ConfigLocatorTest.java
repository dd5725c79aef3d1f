package dev.rowcast.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLocatorTest {

    @TempDir
    Path dir;

    private ConfigLocator locator(Map<String, String> properties, Map<String, String> env) {
        return new ConfigLocator(properties::get, env::get, dir);
    }

    @Test
    void agentArgumentWinsOverPropertyEnvironmentAndWorkingDirectory() throws Exception {
        Files.writeString(dir.resolve("rowcast.yml"), "enabled: true\n");

        assertThat(locator(Map.of("rowcast.config", "prop.yml"), Map.of("ROWCAST_CONFIG", "env.yml")).locate("arg.yml"))
                .contains(dir.resolve("arg.yml"));
    }

    @Test
    void systemPropertyWinsOverEnvironment() {
        assertThat(locator(Map.of("rowcast.config", "prop.yml"), Map.of("ROWCAST_CONFIG", "env.yml")).locate(null))
                .contains(dir.resolve("prop.yml"));
    }

    @Test
    void environmentWinsOverWorkingDirectory() throws Exception {
        Files.writeString(dir.resolve("rowcast.yml"), "enabled: true\n");

        assertThat(locator(Map.of(), Map.of("ROWCAST_CONFIG", "/etc/rowcast.yml")).locate(" "))
                .contains(Path.of("/etc/rowcast.yml"));
    }

    @Test
    void workingDirectoryFileIsUsedOnlyWhenItExists() throws Exception {
        assertThat(locator(Map.of(), Map.of()).locate(null)).isEmpty();

        Files.writeString(dir.resolve("rowcast.yml"), "enabled: true\n");

        assertThat(locator(Map.of(), Map.of()).locate(null)).contains(dir.resolve("rowcast.yml"));
    }

    @Test
    void namedButMissingFileIsStillReturnedSoTheLoaderCanSaySo() {
        assertThat(locator(Map.of(), Map.of()).locate("missing.yml")).contains(dir.resolve("missing.yml"));
    }
}
