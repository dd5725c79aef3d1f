package dev.rowcast.agent;

import dev.rowcast.agent.instrument.InstrumentGate;
import java.util.function.BooleanSupplier;

/**
 * Waits for the app's own start to settle. A class of its own, not AgentRuntime's: the start waits
 * here before the bridge is on the boot class path, and loading AgentRuntime would load the
 * bridge's {@code Sink} from the agent jar instead.
 */
final class SettleWatch {

    /** One step of watching the app settle. */
    private static final long SETTLE_STEP_MILLIS = 200;
    /** Classes the whole JVM may load in one step and still count as settled. */
    private static final long SETTLED_CLASSES = 30;
    /** CPU the whole process may use in one step and still count as settled, as a share of one core. */
    private static final double SETTLED_CPU_SHARE = 0.3;
    /** Above this share of the whole machine's CPU in use, a quiet app may only be starved: not settled. */
    private static final double SETTLED_MACHINE_LOAD = 0.9;
    /** Quiet steps in a row that make a settled app. */
    private static final int SETTLED_STEPS = 3;
    /** The server starts after this at the latest, settled or not (an app that keeps loading classes). */
    private static final long SETTLE_MAX_MILLIS = 10_000;

    private SettleWatch() {}

    /**
     * Until, for a few steps in a row, the JVM loads few classes and leaves CPU unused that it
     * could have had: the app's start-up is then over. A starting app on a machine busy with other
     * work gets so little CPU that it loads few classes and uses little, so a saturated machine
     * never counts as calm (the wait then ends at its maximum). The classes are counted by the gate
     * (before it is registered, by listing the loaded classes, a few ms each time: so only in a
     * step whose CPU was calm). Returns at once when {@code cutShort} says so.
     */
    static void await(InstrumentGate gate, BooleanSupplier cutShort) {
        ProcessLoad load = new ProcessLoad();
        long deadline = System.nanoTime() + SETTLE_MAX_MILLIS * 1_000_000;
        long loaded = -1; // unknown: the last step was busy
        long used = load.cpuNanos();
        int quiet = 0;
        while (quiet < SETTLED_STEPS && System.nanoTime() < deadline && !cutShort.getAsBoolean()) {
            try {
                Thread.sleep(SETTLE_STEP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long nowUsed = load.cpuNanos();
            double machine = load.machineLoad(); // negative if unknown
            boolean calm = nowUsed - used < SETTLED_CPU_SHARE * SETTLE_STEP_MILLIS * 1_000_000 && machine < SETTLED_MACHINE_LOAD;
            used = nowUsed;
            long nowLoaded = calm ? gate.classesDefined() : -1;
            // a calm step after a busy one has no count to compare with: the next calm steps judge the classes
            calm = calm && (loaded < 0 || nowLoaded - loaded < SETTLED_CLASSES);
            quiet = calm ? quiet + 1 : 0;
            loaded = nowLoaded;
        }
    }
}
