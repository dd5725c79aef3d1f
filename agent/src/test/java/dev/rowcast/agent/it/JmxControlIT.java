package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.tools.attach.VirtualMachine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The MBean dev.rowcast:type=Agent through a real JMX connection to the app's JVM. */
class JmxControlIT {

    private Process app;

    @AfterEach
    void stopApp() {
        if (app != null) {
            app.destroyForcibly();
        }
    }

    private static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static long number(MBeanServerConnection jmx, ObjectName name, String attribute) throws Exception {
        return ((Number) jmx.getAttribute(name, attribute)).longValue();
    }

    /** ServeApp with the agent, its port and config; waits until the app is ready and the port open. */
    private Served serve(String extraConfig) throws Exception {
        String classpath = TestApps.compile("serve", System.getProperty("rowcast.h2Jar"), "h2", UnaryOperator.identity());
        int port = freePort();
        Path dir = TestApps.workDir("jmx-control");
        Path config = Files.writeString(dir.resolve("rowcast.yml"), """
                server: { host: 127.0.0.1, port: %d }
                collections:
                  messages: { table: messages, room: "chat:{chat}" }
                  notices: { table: notices, broadcast: true }
                """.formatted(port) + extraConfig);
        Path captureLog = dir.resolve("capture.jsonl");
        app = new ProcessBuilder(Path.of(ChildJvm.javaHome(), "bin", "java").toString(),
                "-javaagent:" + ChildJvm.AGENT_JAR.toAbsolutePath() + "=config=" + config,
                "-Drowcast.debug.captureLog=" + captureLog, "-cp", classpath, "app.ServeApp")
                .redirectErrorStream(true).start();
        List<String> out = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    out.add(line);
                }
            } catch (Exception ignored) {
                // the app ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> out.contains("ready") && portOpen(port));
        return new Served(port, out, new OutputStreamWriter(app.getOutputStream(), StandardCharsets.UTF_8), captureLog);
    }

    private record Served(int port, List<String> out, Writer stdin, Path captureLog) {
        void send(String line) throws Exception {
            stdin.write(line + "\n");
            stdin.flush();
        }
    }

    /** A JMX connection to the app's JVM, through the local management agent the attach API starts in it. */
    private JMXConnector jmx() throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(app.pid()));
        String address = vm.startLocalManagementAgent();
        vm.detach();
        return JMXConnectorFactory.connect(new JMXServiceURL(address));
    }

    private static int freePort() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    @Test
    void enabledTogglesCaptureAndThePortAndCountersFollow() throws Exception {
        Served served = serve("");
        int port = served.port();
        List<String> out = served.out();
        try (JMXConnector connector = jmx()) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            ObjectName agent = new ObjectName("dev.rowcast:type=Agent");
            await().atMost(Duration.ofSeconds(30)).until(() -> jmx.isRegistered(agent));
            assertThat(jmx.getAttribute(agent, "Enabled")).isEqualTo(true);
            assertThat(number(jmx, agent, "Connections")).isZero();

            served.send("write");
            await().atMost(Duration.ofSeconds(30)).until(() -> number(jmx, agent, "EventsEmitted") == 2);
            assertThat(number(jmx, agent, "EventsCaptured")).isEqualTo(2);
            assertThat(number(jmx, agent, "EventsDropped")).isZero();
            assertThat(number(jmx, agent, "ClusterUnpublished")).as("no cluster: in rowcast.yml").isZero();

            jmx.setAttribute(agent, new Attribute("Enabled", false));
            assertThat(portOpen(port)).isFalse();
            assertThat(jmx.getAttribute(agent, "Serving")).isEqualTo(false);
            served.send("write");
            await().atMost(Duration.ofSeconds(30)).until(() -> out.stream().filter("written"::equals).count() == 2);
            assertThat(number(jmx, agent, "EventsCaptured")).isEqualTo(2);

            jmx.setAttribute(agent, new Attribute("Enabled", true));
            assertThat(portOpen(port)).isTrue();
            assertThat(jmx.getAttribute(agent, "Serving")).isEqualTo(true);
            jmx.invoke(agent, "emit", new Object[] {"chat:7", "announce", "{\"text\":\"hi\"}"},
                    new String[] {String.class.getName(), String.class.getName(), String.class.getName()});
            await().atMost(Duration.ofSeconds(30)).until(() -> number(jmx, agent, "EventsEmitted") == 3);
        }
        served.send("exit");
        assertThat(app.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as(String.join("\n", out)).isTrue();
    }

    /**
     * A statement the app keeps (a pool's statement cache) writes only while capture is on: not
     * while it is off, though prepared before; and when prepared while it was off, again once it
     * is back on.
     */
    @Test
    void aKeptStatementIsCapturedWhileEnabledWhenEverItWasPrepared() throws Exception {
        Served served = serve("");
        List<String> out = served.out();
        try (JMXConnector connector = jmx()) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            ObjectName agent = new ObjectName("dev.rowcast:type=Agent");
            await().atMost(Duration.ofSeconds(30)).until(() -> jmx.isRegistered(agent));

            served.send("kept");
            await().atMost(Duration.ofSeconds(30)).until(() -> number(jmx, agent, "EventsCaptured") == 1);

            jmx.setAttribute(agent, new Attribute("Enabled", false));
            served.send("kept");
            served.send("late");
            await().atMost(Duration.ofSeconds(30)).until(() -> out.stream().filter(l -> l.startsWith("wrote ")).count() == 3);

            jmx.setAttribute(agent, new Attribute("Enabled", true));
            served.send("late");
            served.send("kept");
            // rows are routed in the order they were written: once the last is, every earlier one is too
            await().atMost(Duration.ofSeconds(30)).until(() -> captured(served).contains("kept 5"));
            assertThat(captured(served)).containsExactly("kept 1", "late 4", "kept 5");
        }
        served.send("exit");
        assertThat(app.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as(String.join("\n", out)).isTrue();
    }

    /** The contents of the messages routed so far; none while the log is missing or its last line half written. */
    private static List<String> captured(Served served) {
        try {
            return CaptureLog.read(served.captureLog()).stream()
                    .filter(l -> l.event().equals("realtime:messages"))
                    .map(l -> l.payload().get("data").get("content").asText())
                    .toList();
        } catch (Exception notYet) {
            return List.of();
        }
    }

    @Test
    void broadcastsRedisDidNotTakeAreCountedAcrossARestart() throws Exception {
        int noRedis = freePort(); // nothing listens there: the instance runs alone and says so
        Served served = serve("cluster: { redis: \"redis://127.0.0.1:%d\" }\n".formatted(noRedis));
        try (JMXConnector connector = jmx()) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            ObjectName agent = new ObjectName("dev.rowcast:type=Agent");
            await().atMost(Duration.ofSeconds(30)).until(() -> jmx.isRegistered(agent));

            served.send("write");
            await().atMost(Duration.ofSeconds(30)).until(() -> number(jmx, agent, "ClusterUnpublished") == 2);
            assertThat(number(jmx, agent, "EventsEmitted")).isEqualTo(2);

            jmx.setAttribute(agent, new Attribute("Enabled", false));
            assertThat(number(jmx, agent, "ClusterUnpublished")).as("kept when the server closes").isEqualTo(2);
            jmx.setAttribute(agent, new Attribute("Enabled", true));
            served.send("write");
            await().atMost(Duration.ofSeconds(30)).until(() -> number(jmx, agent, "ClusterUnpublished") == 4);
        }
        assertThat(served.out()).anyMatch(line -> line.contains("cluster: Redis at") && line.contains("unreachable"));
    }

    /** {@code java -jar rowcast-agent.jar status|disable|enable <pid>}: the MBean without a JMX client of one's own. */
    @Test
    void theCommandLineReadsAndSwitchesTheAgentOfARunningApp() throws Exception {
        Served served = serve("");
        String pid = String.valueOf(app.pid());
        Path dir = TestApps.workDir("jmx-command");
        await().atMost(Duration.ofSeconds(30)).until(() -> CommandLineIT.agentJar(dir, "status", pid).exitCode() == 0);
        served.send("write");
        await().atMost(Duration.ofSeconds(30)).until(() -> CommandLineIT.agentJar(dir, "status", pid).output().contains("EventsEmitted=2"));
        CommandLineIT.Run status = CommandLineIT.agentJar(dir, "status", pid);
        assertThat(status.output().strip()).isEqualTo("Rowcast in process " + pid + ": Enabled=true Serving=true Connections=0 Rooms=0"
                + " EventsCaptured=2 EventsEmitted=2 EventsDropped=0 ClusterUnpublished=0");

        CommandLineIT.Run off = CommandLineIT.agentJar(dir, "disable", pid);
        assertThat(off.exitCode()).as(off.output()).isZero();
        assertThat(off.output()).contains("capture off, Socket.IO port closed");
        assertThat(portOpen(served.port())).isFalse();
        assertThat(CommandLineIT.agentJar(dir, "status", pid).output()).contains("Enabled=false Serving=false");

        CommandLineIT.Run on = CommandLineIT.agentJar(dir, "enable", pid);
        assertThat(on.exitCode()).as(on.output()).isZero();
        assertThat(on.output()).contains("capture on, Socket.IO server listening");
        assertThat(portOpen(served.port())).isTrue();
        assertThat(CommandLineIT.agentJar(dir, "status", pid).output()).contains("Enabled=true");
    }

    @Test
    void theCommandLineSaysSoWhenAJvmRunsNoAgent() throws Exception {
        // this test's own JVM: no agent in it
        String pid = String.valueOf(ProcessHandle.current().pid());
        CommandLineIT.Run run = CommandLineIT.agentJar(TestApps.workDir("jmx-command"), "status", pid);
        assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("process " + pid + " has no dev.rowcast:type=Agent: Rowcast is not running there."
                + " It was not attached, found no rowcast.yml, stopped at a bad one, or its file says enabled: false: the app's log says which");

        CommandLineIT.Run usage = CommandLineIT.agentJar(TestApps.workDir("jmx-command"), "disable");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.output()).contains("rowcast: disable takes a process id");
    }

    /**
     * A port some other process holds: one line that says which and why, and the app goes on
     * writing; once the port is free, {@code enable} binds it.
     */
    @Test
    void aPortInUseIsOneLineAndTheAppRunsOnAndEnableBindsItOnceFree() throws Exception {
        ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
        try {
            int port = taken.getLocalPort();
            String classpath = TestApps.compile("serve", System.getProperty("rowcast.h2Jar"), "h2", UnaryOperator.identity());
            Path dir = TestApps.workDir("port-in-use");
            Path config = Files.writeString(dir.resolve("rowcast.yml"), """
                    server: { host: 127.0.0.1, port: %d }
                    collections:
                      messages: { table: messages, room: "chat:{chat}" }
                    """.formatted(port));
            try (LiveProcess served = LiveProcess.javaWithAgent("port-in-use", dir, config, List.of("-cp", classpath, "app.ServeApp"))) {
                served.awaitLine(Duration.ofSeconds(60), "ready"::equals);
                served.awaitLine(Duration.ofSeconds(60), l -> l.contains("[rowcast] cannot serve Socket.IO"));
                String line = served.lines().stream().filter(l -> l.contains("[rowcast] cannot serve Socket.IO")).findFirst().orElseThrow();
                assertThat(line).contains("cannot serve Socket.IO on 127.0.0.1:" + port + " (Address already in use)")
                        .contains("the app runs on").contains("rowcast-agent.jar enable " + served.pid() + ")").contains("server.port")
                        .doesNotContain("cannot listen");
                served.send("write");
                served.awaitLine(Duration.ofSeconds(30), "written"::equals);

                String pid = String.valueOf(served.pid());
                await().atMost(Duration.ofSeconds(30)).until(() -> CommandLineIT.agentJar(dir, "status", pid).exitCode() == 0);
                assertThat(CommandLineIT.agentJar(dir, "status", pid).output()).contains("Enabled=true Serving=false");
                CommandLineIT.Run stillTaken = CommandLineIT.agentJar(dir, "enable", pid);
                assertThat(stillTaken.exitCode()).as(stillTaken.output()).isEqualTo(1);
                assertThat(stillTaken.output()).contains("its Socket.IO server could not listen");

                taken.close();
                CommandLineIT.Run freed = CommandLineIT.agentJar(dir, "enable", pid);
                assertThat(freed.exitCode()).as(freed.output()).isZero();
                assertThat(portOpen(port)).isTrue();
                assertThat(CommandLineIT.agentJar(dir, "status", pid).output()).contains("Enabled=true Serving=true");
            }
        } finally {
            taken.close();
        }
    }
}
