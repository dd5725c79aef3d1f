package dev.rowcast.agent.hibernate;

import dev.rowcast.agent.AgentLog;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The session factories Hibernate had built before capture started: every SessionFactoryImpl
 * (5.x to 7.x) puts itself in {@code org.hibernate.internal.SessionFactoryRegistry.INSTANCE} until
 * it is closed, one registry per class loader that loaded Hibernate. The agent's start waits for
 * the app's start to settle before it hooks SessionFactoryImpl, and an agent attached to a running
 * app comes later still: this is how both find the factories built meanwhile.
 */
public final class RegisteredFactories {

    static final String REGISTRY = "org.hibernate.internal.SessionFactoryRegistry";
    private static final String FACTORY = "org.hibernate.internal.SessionFactoryImpl";
    /** The registry's map from a factory's UUID to the factory: private, the same in 5.6, 6.x and 7.x. */
    private static final String MAP_FIELD = "sessionFactoryMap";

    private RegisteredFactories() {}

    /** The open factories of every Hibernate the JVM has loaded; none when it has loaded none. */
    public static List<Object> find(Instrumentation inst) {
        List<Object> factories = new ArrayList<>();
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (REGISTRY.equals(type.getName())) {
                factories.addAll(of(type));
            }
        }
        return factories;
    }

    /**
     * The threads inside a SessionFactoryImpl constructor now. A constructor that began before the
     * class was hooked runs to its end without the hook, and its factory enters the registry only
     * as it returns (5.6 adds it last, 6.x and 7.x through an observer at the end): neither the
     * hook nor {@link #find} sees it then. Spring Boot builds its factory late in its start, so a
     * start that settles, or an attach, can meet one halfway. Asked once the hook is in.
     */
    public static List<Thread> building() {
        List<Thread> threads = new ArrayList<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (inConstructor(stack)) {
                threads.add(thread);
            }
        });
        return threads;
    }

    /** Whether {@code thread} is still inside a SessionFactoryImpl constructor. */
    public static boolean building(Thread thread) {
        return inConstructor(thread.getStackTrace());
    }

    private static boolean inConstructor(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if ("<init>".equals(frame.getMethodName()) && FACTORY.equals(frame.getClassName())) {
                return true;
            }
        }
        return false;
    }

    /** The factories in one Hibernate's registry; none, and one warning, when it cannot be read. */
    static List<Object> of(Class<?> registryType) {
        try {
            Object registry = registryType.getField("INSTANCE").get(null);
            Field map = registryType.getDeclaredField(MAP_FIELD);
            map.setAccessible(true);
            return new ArrayList<>(((Map<?, ?>) map.get(registry)).values());
        } catch (ReflectiveOperationException | RuntimeException e) {
            AgentLog.warnOnce("session-factory-registry", "cannot list the session factories Hibernate built before Rowcast"
                    + " started (" + e + "); their entity rows are not captured, those of factories built later are", e);
            return List.of();
        }
    }
}
