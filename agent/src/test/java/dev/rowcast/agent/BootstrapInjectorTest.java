package dev.rowcast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.bootstrap.Bridge;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BootstrapInjectorTest {

    /** A bridge class left off the list would be missing from the boot class path, and advice calling it would fail. */
    @Test
    void listsEveryCompiledBridgeClass() throws IOException, URISyntaxException {
        Path compiled = Path.of(Bridge.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(BootstrapInjector.PACKAGE_PATH);
        try (Stream<Path> files = Files.list(compiled)) {
            assertThat(files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".class"))
                    .map(name -> name.substring(0, name.length() - ".class".length())))
                    .containsExactlyInAnyOrderElementsOf(BootstrapInjector.CLASSES);
        }
    }
}
