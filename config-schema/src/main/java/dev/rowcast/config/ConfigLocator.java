package dev.rowcast.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds rowcast.yml, first hit wins (SPEC §2): the agent argument {@code config=}, the system
 * property {@code rowcast.config}, the environment variable {@code ROWCAST_CONFIG}, then
 * {@code ./rowcast.yml}. A named file is returned even when it is missing, so that the loader says
 * so instead of Rowcast silently running on another file.
 */
public final class ConfigLocator {

    /** For the log line when nothing is found. */
    public static final String SEARCHED = "agent argument config=, -Drowcast.config, ROWCAST_CONFIG, ./rowcast.yml";

    private final Function<String, String> systemProperties;
    private final Function<String, String> environment;
    private final Path workingDirectory;

    public ConfigLocator(Function<String, String> systemProperties, Function<String, String> environment,
            Path workingDirectory) {
        this.systemProperties = systemProperties;
        this.environment = environment;
        this.workingDirectory = workingDirectory;
    }

    /** Looks in this process's system properties, environment and working directory. */
    public static ConfigLocator ofThisProcess() {
        return new ConfigLocator(System::getProperty, System::getenv, Path.of(""));
    }

    /**
     * @param configArgument the value of the agent's {@code config=} argument, or null
     */
    public Optional<Path> locate(String configArgument) {
        for (String named : new String[] {
                configArgument, systemProperties.apply("rowcast.config"), environment.apply("ROWCAST_CONFIG")}) {
            if (named != null && !named.isBlank()) {
                return Optional.of(workingDirectory.resolve(named.strip()));
            }
        }
        Path local = workingDirectory.resolve("rowcast.yml");
        return Files.isRegularFile(local) ? Optional.of(local) : Optional.empty();
    }
}
