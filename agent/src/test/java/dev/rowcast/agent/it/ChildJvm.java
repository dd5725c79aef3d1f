package dev.rowcast.agent.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a test app in a real child JVM, optionally with the built agent jar attached. */
final class ChildJvm {

    static final Path AGENT_JAR = Path.of(System.getProperty("rowcast.agentJar", "target/rowcast-agent.jar"));

    record Result(int exitCode, String output) {}

    private ChildJvm() {}

    static Result run(String javaHome, String agentArgs, List<String> jvmArgs, String classpath, String mainClass, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(javaHome, "bin", "java").toString());
        if (agentArgs != null) {
            command.add("-javaagent:" + AGENT_JAR.toAbsolutePath() + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
        }
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(List.of(args));
        Path log = Files.createTempFile("rowcast-child-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                throw new AssertionError("child JVM did not finish in 120 s: " + command + "\n" + Files.readString(log));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    static String javaHome() {
        return System.getProperty("java.home");
    }
}
