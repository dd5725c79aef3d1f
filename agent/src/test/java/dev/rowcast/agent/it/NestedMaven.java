package dev.rowcast.agent.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds an IT app with its own Maven project (a src/it/*.xml pom) into target/, once per content:
 * the output directory is named after a hash of the pom, the app's sources and the properties, so
 * a rerun finds it built and a changed source builds afresh.
 */
final class NestedMaven {

    static final Path IT_SOURCES = TestApps.SOURCES.getParent();

    private NestedMaven() {}

    /**
     * Runs {@code mvn -f src/it/<pom> <goals>} with {@code -Dit.buildDir} set to a directory under
     * target/it-builds, unless that directory already holds {@code product}; returns the product.
     */
    static synchronized Path build(String pom, String app, List<String> properties, String product, String... goals)
            throws IOException, InterruptedException {
        Path pomFile = IT_SOURCES.resolve(pom);
        String name = pom.replace(".xml", "") + "-" + hash(pomFile, TestApps.SOURCES.resolve(app), properties);
        Path buildDir = Path.of("target", "it-builds", name).toAbsolutePath();
        Path built = buildDir.resolve(product);
        if (Files.exists(built)) {
            return built;
        }
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-q", "-f", pomFile.toAbsolutePath().toString(),
                "-Dit.buildDir=" + buildDir));
        String repo = System.getProperty("rowcast.mavenRepo");
        if (repo != null && !repo.isBlank()) {
            command.add("-Dmaven.repo.local=" + repo);
        }
        properties.forEach(p -> command.add("-D" + p));
        command.addAll(List.of(goals));
        Files.createDirectories(buildDir.getParent());
        Path log = buildDir.getParent().resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(600, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("nested build did not finish in 600 s: " + command + "\n" + Files.readString(log));
        }
        if (process.exitValue() != 0 || !Files.exists(built)) {
            throw new AssertionError("nested build of " + pom + " failed (exit " + process.exitValue() + "), see " + log
                    + "; rerun it by hand: " + String.join(" ", command) + "\n" + Files.readString(log));
        }
        return built;
    }

    private static String hash(Path pom, Path app, List<String> properties) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Files.readAllBytes(pom));
            try (Stream<Path> files = Files.walk(app)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    digest.update(app.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                    digest.update(Files.readAllBytes(file));
                }
            }
            digest.update(String.join("\n", properties).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
