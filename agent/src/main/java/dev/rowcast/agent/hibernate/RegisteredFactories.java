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
 * app comes later still: this is how both find the factories built meanwhile. A factory still
 * being built then reports itself as it enters the registry (see the agent's SessionFactoryHook).
 * One that never enters it (Quarkus builds its SessionFactoryImpl itself) is reported by its next
 * session's constructor.
 */
public final class RegisteredFactories {

    static final String REGISTRY = "org.hibernate.internal.SessionFactoryRegistry";
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
