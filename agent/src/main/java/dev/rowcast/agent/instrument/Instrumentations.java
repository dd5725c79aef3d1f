package dev.rowcast.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.rowcast.agent.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Builds every instrumentation as one Byte Buddy AgentBuilder. Its transformer is not registered
 * with the JVM: {@link InstrumentGate} hands it only the classes that may need advice.
 */
public final class Instrumentations {

    private Instrumentations() {}

    /**
     * Opens the gate onto Byte Buddy; classes loaded before the gate are retransformed.
     *
     * @param phases told the end of each step, for the start's timings
     */
    public static void install(Instrumentation inst, InstrumentGate gate, boolean jdbc, Consumer<String> phases) {
        ClassFileTransformer transformer;
        try {
            transformer = builder(jdbc).makeRaw();
        } catch (RuntimeException | LinkageError e) {
            gate.open(null, false); // SessionFactoryImpl's hook needs no Byte Buddy
            throw e;
        }
        phases.accept("Byte Buddy built");
        gate.open(transformer, jdbc);
        phases.accept("hooks installed");
    }

    /**
     * Builds (and drops) the full builder so Byte Buddy's classes load on a spare core while the
     * config is read; touches no bridge class, which must first reach the boot class path.
     */
    public static void warmUp() {
        builder(true).makeRaw();
    }

    static AgentBuilder builder(boolean jdbc) {
        ClassFileLocator agentClasses = ClassFileLocator.ForClassLoader.of(Instrumentations.class.getClassLoader());
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(new SharedTypePoolCache())
                .with(new AgentBuilder.LocationStrategy.Compound(
                        AgentBuilder.LocationStrategy.ForClassLoader.STRONG,
                        new AgentBuilder.LocationStrategy.Simple(agentClasses)))
                .with(new FaultListener())
                .ignore(nameStartsWith("dev.rowcast.")
                        .or(nameStartsWith("net.bytebuddy."))
                        .or(nameStartsWith("java."))
                        .or(nameStartsWith("jdk."))
                        .or(nameStartsWith("sun."))
                        .or(nameStartsWith("com.sun."))
                        .or(isSynthetic()));
        builder = HibernateInstrumentation.apply(builder, jdbc);
        if (jdbc) {
            builder = JdbcInstrumentation.apply(builder);
        }
        return builder;
    }

    /**
     * One cache of parsed class files per class loader, kept across class loads: the JDBC matchers
     * walk the super types of each class the gate lets through, which share most of them. Weak keys: a class loader the
     * app drops is not held; soft values: the memory can be reclaimed under pressure.
     */
    private static final class SharedTypePoolCache extends AgentBuilder.PoolStrategy.WithTypePoolCache {
        private final Map<ClassLoader, TypePool.CacheProvider> caches = Collections.synchronizedMap(new WeakHashMap<>());
        private final TypePool.CacheProvider bootstrap = new TypePool.CacheProvider.Simple.UsingSoftReference();

        SharedTypePoolCache() {
            super(TypePool.Default.ReaderMode.FAST);
        }

        @Override
        protected TypePool.CacheProvider locate(ClassLoader classLoader) {
            return classLoader == null ? bootstrap
                    : caches.computeIfAbsent(classLoader, loader -> new TypePool.CacheProvider.Simple.UsingSoftReference());
        }
    }

    /** A class the agent could not instrument is one log line; the class loads unchanged. */
    private static final class FaultListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
            if (superTypeAbsent(throwable)) {
                // a class the app only probes for (Spring's web resolvers without spring-web): it cannot load either
                AgentLog.debug("skipped " + typeName + ": " + throwable.getMessage());
                return;
            }
            AgentLog.warnOnce("instrument-" + typeName, "cannot instrument " + typeName + " (" + throwable + "); it runs uninstrumented", throwable);
        }

        private static boolean superTypeAbsent(Throwable throwable) {
            for (Throwable t = throwable; t != null; t = t.getCause()) {
                if (t instanceof TypePool.Resolution.NoSuchTypeException) return true;
            }
            return false;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader classLoader, JavaModule module, boolean loaded, DynamicType dynamicType) {
            AgentLog.debug("instrumented " + type.getName());
        }
    }
}
