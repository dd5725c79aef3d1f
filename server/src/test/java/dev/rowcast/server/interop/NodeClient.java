package dev.rowcast.server.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a scenario of {@code src/test/node/scenario.mjs} (the official socket.io-client) with a
 * hard deadline and returns the JSON line it printed. The Maven build has run {@code npm ci} there.
 */
final class NodeClient {
    static final Path DIR = Path.of("src", "test", "node").toAbsolutePath();
    private static final long DEADLINE_SECONDS = 30;

    private NodeClient() {
    }

    static JsonNode run(String baseUrl, String scenario, String arg, Map<String, String> env) throws Exception {
        return run("scenario.mjs", baseUrl, scenario, arg, env);
    }

    /** Runs a scenario of another script of that directory. */
    static JsonNode run(String script, String baseUrl, String scenario, String arg, Map<String, String> env) throws Exception {
        if (!Files.isDirectory(DIR.resolve("node_modules").resolve("socket.io-client"))) {
            throw new IllegalStateException("socket.io-client is not installed in " + DIR
                    + "; run the Maven build without -DskipTests (it runs npm ci there)");
        }
        List<String> command = new ArrayList<>(List.of("node", script, scenario, baseUrl));
        if (arg != null) command.add(arg);
        Path out = Files.createTempFile("rowcast-node-", ".out");
        Path err = Files.createTempFile("rowcast-node-", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(DIR.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            try {
                if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("node " + scenario + " ran past " + DEADLINE_SECONDS + " s; stderr:\n" + read(err));
                }
                String stdout = read(out).trim();
                if (process.exitValue() != 0 || stdout.isEmpty()) {
                    throw new AssertionError("node " + scenario + " exited " + process.exitValue() + "; stdout:\n" + stdout
                            + "\nstderr:\n" + read(err));
                }
                String last = stdout.substring(stdout.lastIndexOf('\n') + 1);
                return new ObjectMapper().readTree(last);
            } finally {
                process.destroyForcibly();
                process.descendants().forEach(ProcessHandle::destroyForcibly);
            }
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
