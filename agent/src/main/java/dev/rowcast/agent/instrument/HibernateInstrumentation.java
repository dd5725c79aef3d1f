package dev.rowcast.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;

import dev.rowcast.bootstrap.Bridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Hibernate 5.x–7.x: the ActionQueue methods that run the flush's SQL mark the thread, so the JDBC
 * layer does not report a second time the rows Hibernate reports (see HibernateTables).
 * (SessionFactoryImpl is hooked by {@link SessionFactoryHook}.)
 * An identity insert runs at persist time, through {@code executeInserts()} and {@code execute(action)}
 * (5.6 to 7.4); hooking those rather than {@code addResolvedEntityInsertAction} leaves a persist that
 * only queues its insert (sequence or assigned ids) unmarked, and spares it the two calls.
 */
public final class HibernateInstrumentation {

    private HibernateInstrumentation() {}

    public static AgentBuilder apply(AgentBuilder builder) {
        return builder
                .type(named("org.hibernate.engine.spi.ActionQueue"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(HibernateInstrumentation.class.getClassLoader())
                        .advice(namedOneOf("executeActions", "executeInserts", "execute"),
                                HibernateInstrumentation.class.getName() + "$ActionQueueAdvice"));
    }

    public static final class ActionQueueAdvice {
        private ActionQueueAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter() {
            Bridge.hibernateEnter();
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit() {
            Bridge.hibernateExit();
        }
    }
}
