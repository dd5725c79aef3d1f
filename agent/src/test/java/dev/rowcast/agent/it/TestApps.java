package dev.rowcast.agent.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles the child apps (src/it/apps) against a classpath resolved by the build for one library
 * version, so one module tests Hibernate 5.6, 6.6 and 7.x without their classes on its own path.
 */
final class TestApps {

    static final Path SOURCES = Path.of(System.getProperty("rowcast.itApps", "src/it/apps"));
    static final Path CLASSPATHS = Path.of(System.getProperty("rowcast.itClasspaths", "target/it-classpaths"));

    /** Where the tests' configs, capture logs and databases go: under target/, so a failed run can be read afterwards and {@code mvn clean} removes them. */
    static final Path WORK = Path.of("target", "it-work").toAbsolutePath();

    private TestApps() {}

    /** A new directory of its own under {@link #WORK}, named after {@code test}. */
    static Path workDir(String test) throws IOException {
        return Files.createTempDirectory(Files.createDirectories(WORK), test + "-");
    }

    /** The library classpath of {@code name} (e.g. hibernate-6.6), as resolved by the build. */
    static String libraries(String name) {
        try {
            return Files.readString(CLASSPATHS.resolve(name + ".txt"), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("run `mvn verify` in agent/: it resolves " + name + ".txt", e);
        }
    }

    /** The rewrite of an app's JPA imports for Hibernate {@code version}: 5.x has javax.persistence, later ones jakarta. */
    static UnaryOperator<String> persistenceImports(String version) {
        return version.startsWith("5.") ? s -> s.replace("jakarta.persistence", "javax.persistence") : UnaryOperator.identity();
    }

    /** Compiles app {@code app} with {@code rewrite} applied to each source; returns app classes + libraries. */
    static String compile(String app, String libraries, String tag, UnaryOperator<String> rewrite) throws IOException {
        Path source = SOURCES.resolve(app);
        Path work = Path.of("target", "it-apps", app + "-" + tag);
        Path src = work.resolve("src");
        Path classes = work.resolve("classes");
        Files.createDirectories(classes);
        List<String> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path file : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path target = src.resolve(source.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.writeString(target, rewrite.apply(Files.readString(file, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
                files.add(target.toString());
            }
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", libraries, "--release", "17", "-nowarn"));
        args.addAll(files);
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("test app " + app + " (" + tag + ") does not compile");
        }
        return classes.toAbsolutePath() + (libraries.isEmpty() ? "" : File.pathSeparator + libraries);
    }
}
