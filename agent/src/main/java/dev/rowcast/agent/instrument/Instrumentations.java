package dev.rowcast.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.rowcast.agent.AgentLog;
import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/** Installs every instrumentation with one Byte Buddy AgentBuilder, retransforming classes already loaded. */
public final class Instrumentations {

    private Instrumentations() {}

    public static ResettableClassFileTransformer install(Instrumentation inst, boolean jdbc) {
        return builder(jdbc).installOn(inst);
    }

    /**
     * Builds (and drops) the full builder so Byte Buddy's classes load on a spare core while the
     * config is read; touches no bridge class, which must first reach the boot class path.
     */
    public static void warmUp() {
        builder(true);
    }

    private static AgentBuilder builder(boolean jdbc) {
        ClassFileLocator agentClasses = ClassFileLocator.ForClassLoader.of(Instrumentations.class.getClassLoader());
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
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
        builder = HibernateInstrumentation.apply(builder);
        if (jdbc) {
            builder = JdbcInstrumentation.apply(builder);
        }
        return builder;
    }

    /** A class the agent could not instrument is one log line; the class loads unchanged. */
    private static final class FaultListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
            AgentLog.warnOnce("instrument-" + typeName, "cannot instrument " + typeName + " (" + throwable + "); it runs uninstrumented", throwable);
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader classLoader, JavaModule module, boolean loaded, DynamicType dynamicType) {
            AgentLog.debug("instrumented " + type.getName());
        }
    }
}
