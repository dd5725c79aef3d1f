package dev.rowcast.agent;

import dev.rowcast.agent.instrument.InstrumentGate;
import dev.rowcast.agent.instrument.Instrumentations;
import dev.rowcast.agent.outlet.RealtimeSettings;
import dev.rowcast.agent.outlet.ServerOutlet;
import dev.rowcast.config.ConfigException;
import dev.rowcast.config.ConfigLoader;
import dev.rowcast.config.ConfigLocator;
import dev.rowcast.config.RowcastConfig;
import dev.rowcast.server.realtime.RealtimeOptions;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class}). On the app's thread it
 * only finds the config file; while the app starts, a daemon thread reads and checks the config
 * and binds the port; once the app's start has settled it puts the bridge on the boot class path
 * and starts capture, the {@link InstrumentGate} with Byte Buddy's hooks, and the server. So the
 * app's start loads its classes with no class file transformer registered (the JVM would copy
 * every class file for one) and with the whole class-data archive (a boot class path appended to
 * turns it off for all but the JDK's boot classes). Whatever goes wrong is one log line and a live application, unless
 * {@code -Drowcast.failFast=true} asks for the app to stop instead: then the config check and
 * capture's start run before main(), as the verdict must.
 */
public final class RowcastAgent {

    /** Relocated with Byte Buddy by the shade plugin, so it names only the agent's copy. */
    private static final String BYTE_BUDDY_SAFE = "net.bytebuddy.safe";

    /** The config-schema class that compiles the JSON Schema once, in its static initialiser (the start's own check). */
    private static final String SCHEMA_CHECK = "dev.rowcast.config.CompiledSchema";

    private static boolean started;

    /**
     * Set in the app's JVM to the config file while the agent runs there (cleared when it goes
     * inert): the attach command reads it, so that a second attach is refused, not silently ignored.
     */
    public static final String RUNNING_PROPERTY = "rowcast.agent.config";
    /**
     * Where the agent's start stands in this JVM, for {@code attach} to tell its user: {@code judging}
     * the config, {@code accepted} it (and waits for the app's start to settle), {@code capturing}
     * and how much, or {@code inert: } and why.
     */
    public static final String STATE_PROPERTY = "rowcast.agent.state";
    static final String JUDGING = "judging";
    static final String ACCEPTED = "accepted";
    static final String CAPTURING = "capturing ";
    static final String INERT = "inert: ";

    /** Set while premain runs: a failFast verdict then ends the JVM before the app's main(). */
    private static volatile boolean beforeMain;

    /** Set when the JVM exits: the start stops where it is (its log then goes to stderr, see {@link AgentLog}). */
    private static volatile boolean exiting;

    private RowcastAgent() {}

    public static void premain(String args, Instrumentation inst) {
        beforeMain = true;
        try {
            start(args, inst, true);
        } finally {
            beforeMain = false;
        }
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    private static synchronized void start(String rawArgs, Instrumentation inst, boolean premain) {
        if (started) {
            AgentLog.info("already running; ignoring a second start");
            return;
        }
        boolean failFast = Boolean.getBoolean("rowcast.failFast");
        long startNanos = System.nanoTime();
        // first: a state an earlier start left must not answer for this one
        System.setProperty(STATE_PROPERTY, JUDGING);
        Path location;
        try {
            AgentArgs args = AgentArgs.parse(rawArgs);
            args.unknown().ifPresent(AgentLog::warn);
            Optional<Path> found = ConfigLocator.ofThisProcess().locate(args.get("config"));
            if (found.isEmpty()) {
                AgentLog.info("no rowcast.yml found (looked at " + ConfigLocator.SEARCHED + "); Rowcast stays inert");
                System.setProperty(STATE_PROPERTY, INERT + "no rowcast.yml found (looked at " + ConfigLocator.SEARCHED + ")");
                return;
            }
            location = found.get();
            // before any Byte Buddy class loads (warmUp does): the agent's own (relocated) Byte Buddy
            // then uses no sun.misc.Unsafe, which JDK 24+ warns about on the app's stderr
            if (System.getProperty(BYTE_BUDDY_SAFE) == null) {
                System.setProperty(BYTE_BUDDY_SAFE, "true");
            }
        } catch (Throwable t) {
            System.setProperty(STATE_PROPERTY, INERT + couldNotStart(t));
            fail(couldNotStart(t) + "; Rowcast stays inert and the app runs on", t, failFast);
            return;
        }
        Start start;
        try {
            start = new Start(location, inst, premain, startNanos, failFast);
        } catch (Throwable t) {
            System.setProperty(STATE_PROPERTY, INERT + couldNotStart(t));
            fail(couldNotStart(t) + "; Rowcast stays inert and the app runs on", t, failFast);
            return;
        }
        started = true;
        System.setProperty(RUNNING_PROPERTY, location.toString());
        if (failFast) {
            start.run(); // the verdict before main(): a fault here ends the JVM with exit code 1
        } else {
            start.inBackground();
        }
    }

    private static synchronized void stoppedStarting() {
        started = false;
        System.clearProperty(RUNNING_PROPERTY);
    }

    /**
     * One start of the agent: on a daemon thread, or before main() with failFast. At launch the
     * config's verdict comes first (all an exiting app waits for), then the port, then the wait for
     * the app's start to settle (cut short when the app exits), then the bridge, capture, the class
     * file gate with Byte Buddy's hooks (retransforming the classes that loaded meanwhile; the
     * session factories built meanwhile are found in Hibernate's registry), the Socket.IO server and
     * JMX. A bad config leaves every class as loaded.
     */
    private static final class Start implements Runnable {
        private final Path location;
        private final Instrumentation inst;
        private final boolean premain;
        private final long startNanos;
        private final boolean failFast;
        private final InstrumentGate gate;
        /**
         * At launch, the app's start meets only the config's check and the port; the rest waits
         * until that start has settled, since on a busy start its CPU is the app's time, and the
         * bridge on the boot class path would turn the class-data archive off for the app's classes
         * loaded after it. A verdict before main() (failFast), the capture log's promise of every
         * row and an attach to a running app do not wait.
         */
        private final boolean deferred;
        /** Set by {@link #judgeOnce}. */
        private boolean judged;
        private final AtomicBoolean reported = new AtomicBoolean();
        private volatile RowcastConfig accepted;
        /** The port, bound once the config is accepted; the runtime serves on it. */
        private volatile ServerOutlet reserved;
        private volatile AgentRuntime runtime;
        private volatile boolean capturing;

        Start(Path location, Instrumentation inst, boolean premain, long startNanos, boolean failFast) {
            this.location = location;
            this.inst = inst;
            this.premain = premain;
            this.startNanos = startNanos;
            this.failFast = failFast;
            this.gate = InstrumentGate.create(inst);
            // a start that waits for the app to settle registers the gate only then (see InstrumentGate)
            this.deferred = premain && !failFast && !gate.holdsAll();
            if (!deferred) {
                gate.register();
            }
            Runtime.getRuntime().addShutdownHook(new Thread(this::atExit, "rowcast-shutdown"));
        }

        void inBackground() {
            daemon("rowcast-start", this);
        }

        @Override
        public void run() {
            StartPhases phases = new StartPhases(startNanos);
            warmUp();
            Judged judged = judgeOnce(phases);
            if (judged == null || exiting) {
                return; // the exit hook reports the verdict; hooks for an app that has ended help no one
            }
            try {
                ServerOutlet server = new ServerOutlet(judged.config().server(), judged.realtime());
                server.reserve();
                reserved = server; // from here the exit hook closes the port
                phases.end("port bound");
                if (deferred) {
                    SettleWatch.await(gate, () -> exiting);
                    phases.end("waited for the app to settle");
                    if (exiting) {
                        return;
                    }
                }
                BootstrapInjector.inject(inst, agentJar()); // before any class of the bridge's package loads
                phases.end("bridge injected");
                AgentRuntime created = AgentRuntime.create(judged.config(), server, gate);
                runtime = created; // from here the exit hook shuts it down
                created.startCapture(inst, phases);
                capturing = true;
                report("capturing " + judged.config().collections().size() + " collection(s) from " + location
                        + " in " + (System.nanoTime() - startNanos) / 1_000_000 + " ms" + (premain ? "" : " (attached to a running JVM)"));
                System.setProperty(STATE_PROPERTY, CAPTURING + judged.config().collections().size() + " collection(s)");
                warnings(judged.config()).forEach(AgentLog::warn);
                created.serveWhenAppSettles(premain && !deferred, inst, phases);
            } catch (Throwable t) {
                inert(couldNotStart(t));
                fail(couldNotStart(t) + "; Rowcast stays inert and the app runs on", t, failFast);
            }
        }

        /** A config that was read, checked and is to be served. */
        private record Judged(RowcastConfig config, RealtimeOptions realtime) {}

        /**
         * Reads and checks the config, once: on the start thread, or on the exit hook of an app that
         * ends before the start got to it (an exiting app waits for this alone, never for the hooks
         * or the server). Logs a bad one and leaves the agent inert; with failFast that throws.
         * Returns null when the config is not to be served or was judged already.
         */
        private synchronized Judged judgeOnce(StartPhases phases) {
            if (judged) {
                return null;
            }
            judged = true;
            try {
                RowcastConfig config = ConfigLoader.load(location);
                phases.end("config read and checked");
                if (!config.enabled()) {
                    inert(); // nor does it count as running: an attach may start it with another file
                    info(location + ": enabled: false; nothing is captured or served");
                    System.setProperty(STATE_PROPERTY, INERT + location + " says enabled: false");
                    return null;
                }
                RealtimeOptions realtime;
                try {
                    realtime = RealtimeSettings.from(config);
                } catch (IllegalArgumentException e) {
                    throw new UnusableSetting(ConfigLoader.locate(location, e.getMessage()), e);
                }
                phases.end("server settings");
                accepted = config;
                System.setProperty(STATE_PROPERTY, ACCEPTED);
                return new Judged(config, realtime);
            } catch (UnusableSetting e) {
                // a short secret, an unreadable key: serving without the auth the file asks for is worse than not serving
                inert(e.getMessage());
                fail(e.getMessage() + "; Rowcast stays inert and the app runs on", e, failFast);
            } catch (ConfigException e) {
                inert("config error:\n" + e.getMessage());
                fail("config error, Rowcast stays inert and the app runs on:\n" + e.getMessage(), e, failFast);
            } catch (Throwable t) {
                inert(couldNotStart(t));
                fail(couldNotStart(t) + "; Rowcast stays inert and the app runs on", t, failFast);
            }
            return null;
        }

        /** {@link #inert()}, with why, for attach to say. */
        private void inert(String why) {
            inert();
            System.setProperty(STATE_PROPERTY, INERT + why);
        }

        private void inert() {
            gate.close();
            AgentRuntime bound = runtime;
            ServerOutlet server = reserved;
            if (bound != null) {
                runtime = null;
                bound.shutdown(); // a start that failed after binding the port lets it go
            } else if (server != null) {
                server.close();
            }
            reserved = null;
            stoppedStarting();
        }

        /** The one line that says the agent captures: said once, by the start or by the exit hook. */
        private void report(String message) {
            if (reported.compareAndSet(false, true)) {
                info(message);
            }
        }

        /** The verdict on the config is logged even when the app ends first; then the server stops. */
        private void atExit() {
            exiting = true;
            AgentLog.exiting();
            judgeOnce(new StartPhases(startNanos)); // waits for a check under way on the start thread
            RowcastConfig config = accepted;
            if (config != null && !capturing) {
                report(location + " is valid (" + config.collections().size() + " collection(s)); the app ended "
                        + (System.nanoTime() - startNanos) / 1_000_000 + " ms into the agent's start, before capture began");
            }
            AgentRuntime running = runtime;
            ServerOutlet server = reserved;
            if (running != null) {
                running.shutdown();
            } else if (server != null) {
                server.closeAtExit();
            }
        }

        /**
         * Start-up is mostly class loading: with cores to spare, compiling the JSON Schema and
         * loading Byte Buddy run on their own threads while this one parses the YAML. Both are only
         * a head start: a fault in either is met and reported again on this thread. On two cores
         * the app's main thread and this one already fill the machine, and more threads only slow the app.
         */
        private void warmUp() {
            if (Runtime.getRuntime().availableProcessors() <= 2) {
                return;
            }
            ClassLoader loader = RowcastAgent.class.getClassLoader();
            daemon("rowcast-warm-up-schema", () -> {
                try {
                    Class.forName(SCHEMA_CHECK, true, loader);
                } catch (Throwable ignored) {
                    // see warmUp()
                }
            });
            daemon("rowcast-warm-up-instrument", () -> {
                try {
                    Instrumentations.warmUp();
                } catch (Throwable ignored) {
                    // see warmUp()
                }
            });
        }

        private void daemon(String name, Runnable work) {
            Thread thread = new Thread(work, name);
            thread.setDaemon(true);
            gate.exempt(thread);
            thread.start();
        }
    }

    /**
     * Wall and CPU time of each step of a start, as one line: at debug level, or on stderr with
     * {@code -Drowcast.debug.startPhases=true} (the start-up bench prints it with -Dstartup.phases=true).
     * The steps run on two threads (the start, then the server's); "@" is the time since premain.
     */
    static final class StartPhases {
        private static final boolean PRINT = Boolean.getBoolean("rowcast.debug.startPhases");
        private final long startNanos;
        private final StringBuilder steps = new StringBuilder();
        private long lastNanos;
        private long lastCpu;
        private Thread lastThread;

        StartPhases(long startNanos) {
            this.startNanos = startNanos;
            this.lastNanos = startNanos;
        }

        synchronized void end(String step) {
            long now = System.nanoTime();
            long cpu = cpuNanos();
            long cpuSpent = Thread.currentThread() == lastThread ? cpu - lastCpu : cpu;
            steps.append(steps.length() == 0 ? "" : ", ").append(step).append(' ').append((now - lastNanos) / 1_000_000).append(" ms");
            if (cpu >= 0) {
                steps.append(" (cpu ").append(cpuSpent / 1_000_000).append(')');
            }
            steps.append(" @").append((now - startNanos) / 1_000_000);
            lastNanos = now;
            lastCpu = cpu;
            lastThread = Thread.currentThread();
        }

        synchronized void log(String more) {
            String line = "start phases: " + steps + "; " + more;
            if (PRINT) {
                System.err.println("[rowcast] " + line);
            } else {
                AgentLog.debug(line);
            }
        }

        /** Only when printing: java.management is some 100 classes the start need not load otherwise. */
        private static long cpuNanos() {
            return PRINT ? java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : -1;
        }
    }

    /**
     * A start that failed, and why. One of the agent's own classes not found means the jar was
     * replaced since the JVM started (a rebuild, a deployment): the JVM reads it as it goes.
     */
    static String couldNotStart(Throwable t) {
        return "could not start (" + t + ")" + jarChanged(t);
    }

    private static String jarChanged(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            if (cause instanceof NoClassDefFoundError || cause instanceof ClassNotFoundException) {
                String message = String.valueOf(cause.getMessage());
                // not the bridge's classes, which a failed injection onto the boot class path leaves unfound too
                if ((message.startsWith("dev/rowcast/") || message.startsWith("dev.rowcast."))
                        && !message.startsWith("dev/rowcast/bootstrap/") && !message.startsWith("dev.rowcast.bootstrap.")) {
                    return ": the agent jar was probably replaced after this JVM started; restart the app";
                }
            }
        }
        return "";
    }

    private static void fail(String message, Throwable cause, boolean failFast) {
        if (failFast) {
            String stopping = message.replace("Rowcast stays inert and the app runs on", "-Drowcast.failFast=true stops the app");
            if (beforeMain) {
                // said once, on stderr itself (a logging backend that buffers would lose it at the halt); a
                // premain that threw would make the JVM abort with a crash report, the message repeated in its trace
                System.err.println("[rowcast] " + stopping);
                System.err.flush();
                Runtime.getRuntime().halt(1);
            }
            AgentLog.error(stopping);
            // attached to a running app, which runs on: the attach command reports the failure
            throw new IllegalStateException("[rowcast] " + cause.getMessage(), cause);
        }
        AgentLog.error(message);
    }

    /**
     * What a valid config still gets wrong, said at the start and by {@code check}: rows that go to
     * rooms anyone may join ({@link #openRooms}), and collections whose rows can reach nobody.
     */
    static List<String> warnings(RowcastConfig config) {
        List<String> warnings = new ArrayList<>();
        if (config.collections().isEmpty()) {
            warnings.add("no collections: Rowcast captures no row; name an entity or a table under collections:"
                    + " (the Socket.IO server still serves Rowcast.to(room).emit and relayed events)");
        }
        openRooms(config).ifPresent(warnings::add);
        for (var collection : config.collections().values()) {
            if (collection.events().isEmpty()) {
                warnings.add("collection " + collection.slug() + " publishes no event (events: []), so it captures nothing;"
                        + " list the ones it should, e.g. events: [create, update, delete]");
            } else if (collection.rooms().isEmpty() && !collection.broadcast()) {
                warnings.add("collection " + collection.slug() + " names no room (room: or rooms:) and has broadcast: false,"
                        + " so every row it captures is dropped and counted in EventsDropped; give it a room template,"
                        + " or set broadcast: true to send its rows to every client");
            }
        }
        return warnings;
    }

    /**
     * The warning for a config whose rows go to rooms built from them ({@code user:{user}}) while
     * any client may join any room: anyone who guesses {@code user:7} gets user 7's rows.
     */
    static Optional<String> openRooms(RowcastConfig config) {
        if (config.auth().rooms().isPresent()) {
            return Optional.empty();
        }
        List<String> open = new ArrayList<>();
        for (var collection : config.collections().values()) {
            for (var room : collection.rooms()) {
                if (!room.properties().isEmpty()) {
                    open.add(collection.slug() + " (" + room.source() + ")");
                    break;
                }
            }
        }
        if (open.isEmpty()) {
            return Optional.empty();
        }
        String which = open.size() == 1 ? "collection " + open.get(0) + " sends each row to a room"
                : "collections " + String.join(", ", open.subList(0, open.size() - 1)) + " and " + open.get(open.size() - 1)
                        + " send each row to a room";
        return Optional.of(which + " read from the row, but auth.rooms is not set, so any client may join any such room and"
                + " receive its rows; set auth.rooms (e.g. [\"user:{sub}\"]) to let each socket into its own rooms only");
    }

    private static void info(String message) {
        AgentLog.info(message);
    }

    /** A setting the schema accepts but the server cannot use (e.g. an HS256 secret shorter than 256 bits). */
    private static final class UnusableSetting extends RuntimeException {
        UnusableSetting(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static Path agentJar() throws URISyntaxException {
        return Path.of(RowcastAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
