package dev.rowcast.agent;

import dev.rowcast.agent.instrument.Instrumentations;
import dev.rowcast.agent.outlet.RealtimeSettings;
import dev.rowcast.config.ConfigException;
import dev.rowcast.config.ConfigLoader;
import dev.rowcast.config.ConfigLocator;
import dev.rowcast.config.RowcastConfig;
import dev.rowcast.server.realtime.RealtimeOptions;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class}). Finds and reads the
 * config, puts the bridge on the boot class path, then hands over to {@link AgentRuntime}.
 * Whatever goes wrong here is one log line and a live application, unless
 * {@code -Drowcast.failFast=true} asks for the app to stop instead.
 */
public final class RowcastAgent {

    /** Relocated with Byte Buddy by the shade plugin, so it names only the agent's copy. */
    private static final String BYTE_BUDDY_SAFE = "net.bytebuddy.safe";

    private static volatile boolean started;

    private RowcastAgent() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, true);
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
        try {
            AgentArgs args = AgentArgs.parse(rawArgs);
            Optional<Path> location = ConfigLocator.ofThisProcess().locate(args.get("config"));
            if (location.isEmpty()) {
                AgentLog.info("no rowcast.yml found (looked at " + ConfigLocator.SEARCHED + "); Rowcast stays inert");
                return;
            }
            // before any Byte Buddy class loads (warmUp does): the agent's own (relocated) Byte Buddy
            // then uses no sun.misc.Unsafe, which JDK 24+ warns about on the app's stderr
            if (System.getProperty(BYTE_BUDDY_SAFE) == null) {
                System.setProperty(BYTE_BUDDY_SAFE, "true");
            }
            warmUp();
            RowcastConfig config = ConfigLoader.load(location.get());
            if (!config.enabled()) {
                AgentLog.info(location.get() + ": enabled: false; nothing is captured or served");
                return;
            }
            RealtimeOptions realtime;
            try {
                realtime = RealtimeSettings.from(config);
            } catch (IllegalArgumentException e) {
                throw new UnusableSetting(location.get() + ": " + e.getMessage(), e);
            }
            BootstrapInjector.inject(inst, agentJar());
            AgentRuntime.start(config, realtime, inst);
            started = true;
            AgentLog.info("capturing " + config.collections().size() + " collection(s) from " + location.get()
                    + " in " + (System.nanoTime() - startNanos) / 1_000_000 + " ms" + (premain ? "" : " (attached to a running JVM)"));
        } catch (UnusableSetting e) {
            // a short secret, an unreadable key: serving without the auth the file asks for is worse than not serving
            fail(e.getMessage() + "; Rowcast stays inert and the app runs on", e, failFast);
        } catch (ConfigException e) {
            fail("config error, Rowcast stays inert and the app runs on:\n" + e.getMessage(), e, failFast);
        } catch (Throwable t) {
            fail("could not start (" + t + "); Rowcast stays inert and the app runs on", t, failFast);
        }
    }

    /** The config-schema class that compiles the JSON Schema once, in its static initialiser. */
    private static final String SCHEMA_CHECK = "dev.rowcast.config.SchemaCheck";

    /**
     * Start-up is mostly class loading: compiling the JSON Schema and loading Byte Buddy run on
     * spare threads while this one parses the YAML. Both are only a head start: a fault in either
     * is met and reported again on this thread.
     */
    private static void warmUp() {
        ClassLoader loader = RowcastAgent.class.getClassLoader();
        daemon("rowcast-warm-up-schema", () -> Class.forName(SCHEMA_CHECK, true, loader));
        daemon("rowcast-warm-up-instrument", () -> {
            Instrumentations.warmUp();
            return null;
        });
    }

    private static void daemon(String name, Callable<?> work) {
        Thread thread = new Thread(() -> {
            try {
                work.call();
            } catch (Throwable ignored) {
                // see warmUp(): the premain thread does the same work and reports its faults
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void fail(String message, Throwable cause, boolean failFast) {
        if (failFast) {
            AgentLog.error(message.replace("the app runs on", "-Drowcast.failFast=true stops the app"));
            // a premain that throws makes the JVM exit before main() runs
            throw new IllegalStateException("[rowcast] " + cause.getMessage(), cause);
        }
        AgentLog.error(message);
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
