package dev.rowcast.agent;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.rowcast.agent.outlet.RealtimeSettings;
import dev.rowcast.config.ConfigException;
import dev.rowcast.config.ConfigLoader;
import dev.rowcast.config.ConfigLocator;
import dev.rowcast.config.RowcastConfig;
import dev.rowcast.config.ServerConfig;
import dev.rowcast.server.realtime.RealtimeOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import javax.management.Attribute;
import javax.management.MBeanException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The agent jar run as a program ({@code Main-Class}): {@code java -jar rowcast-agent.jar check}
 * judges a rowcast.yml as the agent's start would, without starting anything, {@code attach}
 * loads the agent into a JVM that is already running, and {@code status}, {@code enable} and
 * {@code disable} read or switch the agent of a running JVM through its MBean. Exit status 0 on
 * success, 1 when the file, the attach or the JMX call fails, 2 on a usage error.
 */
public final class Cli {

    static final String USAGE = """
            Usage: java -jar rowcast-agent.jar <command>
              check [rowcast.yml]                  check a config as the agent's start would (schema, environment
                                                   variables, auth keys) and exit; without a file, the one the
                                                   agent would find from here (-Drowcast.config, ROWCAST_CONFIG,
                                                   ./rowcast.yml)
              attach <pid> [config=<rowcast.yml>]  start Rowcast in a running JVM of this user (run it with a JDK's
                   [--no-check]                    java). The config is checked here first, with the app's
                                                   environment variables (this shell's where the app's cannot be
                                                   read); --no-check skips that. Then it waits up to 15 s for
                                                   the agent to capture, or says why it does not. The agent's
                                                   log lines appear in that JVM's output
              status <pid>                         the agent's MBean in a running JVM: capture on or off, the
                                                   server listening or not, clients, rooms, events captured,
                                                   emitted and dropped, cluster broadcasts kept local
              disable <pid>                        switch capture off and close the Socket.IO port in that JVM
              enable <pid>                         switch both on again, or bind a port that was taken (the JMX
                                                   attribute Enabled, set through the JVM's local management
                                                   agent; needs a JDK's java)
              version                              print the agent's version
            To start Rowcast with an application: java -javaagent:rowcast-agent.jar -jar app.jar""";

    private Cli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The command's exit status; its output goes to {@code out}, its errors to {@code err}. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        switch (args[0]) {
            case "check":
                if (args.length > 2) {
                    return usage(err, "check takes one file at most");
                }
                return check(args.length == 2 ? args[1] : null, out, err);
            case "attach": {
                List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
                boolean noCheck = rest.remove("--no-check");
                if (rest.isEmpty() || rest.size() > 2) {
                    return usage(err, "attach takes a process id and, optionally, config=<file> and --no-check");
                }
                return attach(rest.get(0), rest.size() == 2 ? rest.get(1) : null, !noCheck, out, err);
            }
            case "status", "enable", "disable":
                if (args.length != 2) {
                    return usage(err, args[0] + " takes a process id");
                }
                if (processId(args[1]) < 0) {
                    return usage(err, "'" + args[1] + "' is not a process id");
                }
                try {
                    return Control.run(args[1], args[0], out, err);
                } catch (NoClassDefFoundError e) {
                    err.println("rowcast: this java has no attach API (module jdk.attach): run the command with a JDK's java");
                    return 1;
                }
            case "version":
                out.println("Rowcast agent " + version());
                return 0;
            case "help", "-h", "--help":
                out.println(USAGE);
                return 0;
            default:
                return usage(err, "unknown command '" + args[0] + "'");
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("rowcast: " + problem);
        err.println(USAGE);
        return 2;
    }

    private static int check(String file, PrintStream out, PrintStream err) {
        Optional<Path> found;
        try {
            found = ConfigLocator.ofThisProcess().locate(file);
        } catch (InvalidPathException e) {
            err.println("rowcast: '" + file + "' is not a file name (" + e.getMessage() + ")");
            return 1;
        }
        if (found.isEmpty()) {
            err.println("rowcast: no rowcast.yml found (looked at -Drowcast.config, ROWCAST_CONFIG, ./rowcast.yml); name one: check <file>");
            return 1;
        }
        try {
            return check(found.get(), out, err);
        } catch (RuntimeException e) {
            err.println("rowcast: could not check " + found.get() + " (" + e + ")");
            return 1;
        }
    }

    private static int check(Path location, PrintStream out, PrintStream err) {
        return check(location, System.getenv(), out, err);
    }

    /** @param environment where {@code ${NAME}} is looked up: this shell's, or the app's when attaching */
    private static int check(Path location, Map<String, String> environment, PrintStream out, PrintStream err) {
        RowcastConfig config;
        try {
            config = ConfigLoader.load(location, environment);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 1;
        }
        if (!config.enabled()) {
            out.println(location + " is valid; it says enabled: false, so the agent would capture and serve nothing");
            return 0;
        }
        RealtimeOptions options;
        try {
            options = RealtimeSettings.from(config);
        } catch (IllegalArgumentException e) {
            err.println(ConfigLoader.locate(location, e.getMessage()));
            return 1;
        }
        ServerConfig server = config.server();
        out.println(location + " is valid: " + config.collections().size() + " collection(s)"
                + (config.collections().isEmpty() ? "" : " (" + String.join(", ", config.collections().keySet()) + ")")
                + "; Socket.IO on " + server.host() + ":" + server.port() + server.path()
                + (options.auth().required() ? ", token required" : options.auth().hasKey() ? ", token verified when sent" : ""));
        for (String warning : RowcastAgent.warnings(config)) {
            out.println(location + ": warning: " + warning);
        }
        return 0;
    }

    private static int attach(String pid, String configArg, boolean checkFirst, PrintStream out, PrintStream err) {
        long id = processId(pid);
        if (id < 0) {
            return usage(err, "'" + pid + "' is not a process id");
        }
        Path config = null;
        if (configArg != null) {
            if (!configArg.startsWith("config=") || configArg.length() == "config=".length()) {
                return usage(err, "expected config=<file>, got '" + configArg + "'");
            }
            try {
                // the running JVM resolves a relative path against its own directory, not this one
                config = Path.of(configArg.substring("config=".length())).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                return usage(err, "'" + configArg + "' does not name a file (" + e.getMessage() + ")");
            }
            if (config.toString().contains(",")) {
                // the agent's argument is key=value pairs split at commas
                return usage(err, config + " has a comma in its path, which the agent's argument cannot carry; move or link the file");
            }
            if (checkFirst && checkBeforeAttaching(config, environment(id), out, err) != 0) {
                return 1;
            }
        }
        java.util.Properties target;
        try {
            target = Attach.systemProperties(String.valueOf(id), err);
        } catch (NoClassDefFoundError e) {
            err.println("rowcast: this java has no attach API (module jdk.attach): run the command with a JDK's java");
            return 1;
        }
        if (target == null) {
            return 1;
        }
        String running = target.getProperty(RowcastAgent.RUNNING_PROPERTY);
        if (running != null) {
            err.println("rowcast: Rowcast already runs in process " + id + " (with " + running + "); a JVM takes the agent once:"
                    + " restart the app to change its config, or switch capture off and on with disable/enable " + id);
            return 1;
        }
        if (config == null && checkFirst && wouldFindNothing(id, target)) {
            // the app's JVM looks for the file itself; a sure miss is said now, not only in the app's log
            err.println("rowcast: process " + id + " would find no rowcast.yml: its working directory "
                    + target.getProperty("user.dir") + " has none, and it sets neither -Drowcast.config nor ROWCAST_CONFIG."
                    + " Name the file: attach " + id + " config=<file>");
            return 1;
        }
        Path jar;
        try {
            jar = Path.of(Cli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            err.println("rowcast: cannot tell where rowcast-agent.jar is (" + e + ")");
            return 1;
        }
        if (Attach.load(String.valueOf(id), jar, config == null ? null : "config=" + config, out, err) != 0) {
            return 1;
        }
        return awaitVerdict(String.valueOf(id), out, err);
    }

    /**
     * How long attach waits for the agent to capture: it reads the file at once, then waits for the
     * app's start to settle (10 s at most).
     */
    private static final long VERDICT_WAIT_MILLIS = 15_000;

    /** Whether the agent just loaded captures, or why not, as it says in a system property of its JVM. */
    private static int awaitVerdict(String pid, PrintStream out, PrintStream err) {
        long deadline = System.nanoTime() + VERDICT_WAIT_MILLIS * 1_000_000;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        boolean saidAccepted = false;
        while (true) {
            java.util.Properties target = Attach.systemProperties(pid, quiet);
            String state = target == null ? null : target.getProperty(RowcastAgent.STATE_PROPERTY, "");
            if (state != null && state.startsWith(RowcastAgent.CAPTURING)) {
                out.println("Rowcast in process " + pid + " is " + state + "; status " + pid + " shows its counters");
                return 0;
            }
            if (state != null && state.startsWith(RowcastAgent.INERT)) {
                err.println("rowcast: Rowcast in process " + pid + " stays inert: " + state.substring(RowcastAgent.INERT.length()));
                return 1;
            }
            if (RowcastAgent.ACCEPTED.equals(state) && !saidAccepted) {
                out.println("Rowcast in process " + pid + " accepted its config, and waits for the app to settle");
                saidAccepted = true;
            }
            if (System.nanoTime() - deadline >= 0) {
                out.println("Rowcast in process " + pid + " has not begun capturing yet; status " + pid + " tells when it does,"
                        + " and that process's log says if it does not");
                return 0;
            }
            LockSupport.parkNanos(100_000_000);
        }
    }

    /** The check of {@code config} that attach runs first; a bad file is said, with why it is checked here. */
    private static int checkBeforeAttaching(Path config, Map<String, String> appEnvironment, PrintStream out, PrintStream err) {
        if (check(config, appEnvironment != null ? appEnvironment : System.getenv(), out, err) == 0) {
            return 0;
        }
        err.println("rowcast: not attached. " + (appEnvironment != null
                ? "The check used the app's own environment variables; --no-check leaves the file to the agent in the app"
                : "The check used this shell's environment variables; if the app has variables this shell lacks, attach with --no-check"));
        return 1;
    }

    /** The environment of process {@code pid}, read through /proc; null where that cannot be read (not Linux, another user's). */
    private static Map<String, String> environment(long pid) {
        try {
            byte[] raw = java.nio.file.Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "environ"));
            Map<String, String> environment = new java.util.HashMap<>();
            for (String entry : new String(raw, java.nio.charset.StandardCharsets.UTF_8).split("\0")) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    environment.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
            return environment;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether the JVM of {@code pid} surely finds no config file: it sets neither
     * {@code -Drowcast.config} nor {@code ROWCAST_CONFIG}, and its working directory, seen through
     * /proc (so the answer holds in another container too), has no rowcast.yml. False whenever that
     * cannot be read here (not Linux, not this user's process): the agent then says what it finds.
     */
    private static boolean wouldFindNothing(long pid, java.util.Properties target) {
        Map<String, String> environment = environment(pid);
        if (environment == null) {
            return false;
        }
        try {
            Path cwd = Path.of("/proc", String.valueOf(pid), "cwd");
            return java.nio.file.Files.isDirectory(cwd)
                    && new ConfigLocator(target::getProperty, environment::get, cwd).locate(null).isEmpty();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The process id in {@code text} (ASCII digits, 1 to 2^31 - 1), or -1. */
    private static long processId(String text) {
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        long id = Long.parseLong(text);
        return id >= 1 && id <= Integer.MAX_VALUE ? id : -1;
    }

    /** Kept apart so that a runtime without jdk.attach fails at this class, with a message, not at Cli's. */
    private static final class Attach {
        private Attach() {}

        /** The JVM of {@code pid}, attached; null, said on {@code err}, when it cannot be. */
        static VirtualMachine attach(String pid, PrintStream err) {
            try {
                return VirtualMachine.attach(pid);
            } catch (AttachNotSupportedException | IOException | RuntimeException e) {
                err.println("rowcast: cannot attach to process " + pid + " (" + e.getMessage()
                        + "); it must be a running JVM of this user, started without -XX:+DisableAttachMechanism");
                return null;
            }
        }

        /** The system properties of the JVM of {@code pid}; null, said on {@code err}, when it cannot be attached. */
        static java.util.Properties systemProperties(String pid, PrintStream err) {
            VirtualMachine vm = attach(pid, err);
            if (vm == null) {
                return null;
            }
            try {
                return vm.getSystemProperties();
            } catch (IOException | RuntimeException e) {
                err.println("rowcast: cannot read the system properties of process " + pid + " (" + e.getMessage() + ")");
                return null;
            } finally {
                try {
                    vm.detach();
                } catch (IOException ignored) {
                    // read or not either way
                }
            }
        }

        static int load(String pid, Path jar, String agentArgs, PrintStream out, PrintStream err) {
            VirtualMachine vm = attach(pid, err);
            if (vm == null) {
                return 1;
            }
            try {
                vm.loadAgent(jar.toString(), agentArgs);
                out.println("Rowcast loaded into process " + pid + (agentArgs == null ? "" : " with " + agentArgs)
                        + "; it starts in the background, and its log lines appear in that process's output");
                return 0;
            } catch (AgentLoadException | AgentInitializationException | IOException | RuntimeException e) {
                err.println("rowcast: process " + pid + " could not load the agent (" + e.getMessage() + ")");
                return 1;
            } finally {
                try {
                    vm.detach();
                } catch (IOException ignored) {
                    // the agent is loaded or not either way
                }
            }
        }
    }

    /**
     * The agent's MBean in another JVM, reached through the local management agent that the attach
     * API starts in it (as jconsole does): read, or its {@code Enabled} set.
     */
    private static final class Control {
        private static final String MBEAN = "dev.rowcast:type=Agent";
        private static final String[] STATUS = {"Enabled", "Serving", "Connections", "Rooms", "EventsCaptured",
                "EventsEmitted", "EventsDropped", "ClusterUnpublished"};

        private Control() {}

        static int run(String pid, String command, PrintStream out, PrintStream err) {
            VirtualMachine vm = Attach.attach(pid, err);
            if (vm == null) {
                return 1;
            }
            String address;
            String running;
            try {
                running = vm.getSystemProperties().getProperty(RowcastAgent.RUNNING_PROPERTY);
                address = vm.startLocalManagementAgent();
            } catch (IOException | RuntimeException e) {
                err.println("rowcast: attached to process " + pid + ", but it could not start its local JMX agent (" + e.getMessage()
                        + "); its runtime needs the module jdk.management.agent");
                return 1;
            } finally {
                try {
                    vm.detach();
                } catch (IOException ignored) {
                    // the address, if any, is ours either way
                }
            }
            try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection jmx = connector.getMBeanServerConnection();
                ObjectName agent = new ObjectName(MBEAN);
                if (!jmx.isRegistered(agent)) {
                    err.println("rowcast: process " + pid + " has no " + MBEAN + (running != null
                            ? ": Rowcast (with " + running + ") is still waiting for the app's start to settle (10 s at most); try again then"
                            : ": Rowcast is not running there. It was not attached, found no rowcast.yml, stopped at a bad one, or its"
                                    + " file says enabled: false: the app's log says which"));
                    return 1;
                }
                return command.equals("status") ? status(jmx, agent, pid, out) : switchTo(command.equals("enable"), jmx, agent, pid, out, err);
            } catch (MBeanException | RuntimeMBeanException e) {
                err.println("rowcast: Rowcast in process " + pid + " refused (" + e.getCause() + ")");
                return 1;
            } catch (Exception e) {
                err.println("rowcast: cannot reach " + MBEAN + " in process " + pid + " (" + e + ")");
                return 1;
            }
        }

        private static int status(MBeanServerConnection jmx, ObjectName agent, String pid, PrintStream out) throws Exception {
            StringBuilder line = new StringBuilder("Rowcast in process " + pid + ":");
            for (String name : STATUS) {
                line.append(' ').append(name).append('=').append(jmx.getAttribute(agent, name));
            }
            out.println(line);
            return 0;
        }

        private static int switchTo(boolean on, MBeanServerConnection jmx, ObjectName agent, String pid, PrintStream out,
                                    PrintStream err) throws Exception {
            // on also when it is on: a server whose port was taken tries again
            jmx.setAttribute(agent, new Attribute("Enabled", on));
            if (!on) {
                out.println("Rowcast in process " + pid + ": capture off, Socket.IO port closed");
                return 0;
            }
            if (!Boolean.TRUE.equals(jmx.getAttribute(agent, "Serving"))) {
                err.println("rowcast: Rowcast in process " + pid + " captures, but its Socket.IO server could not listen"
                        + " (is its port taken?); that process's log says why");
                return 1;
            }
            out.println("Rowcast in process " + pid + ": capture on, Socket.IO server listening");
            return 0;
        }
    }

    private static String version() {
        String version = Cli.class.getPackage().getImplementationVersion();
        return version == null ? "(version unknown: not run from the built jar)" : version;
    }
}
