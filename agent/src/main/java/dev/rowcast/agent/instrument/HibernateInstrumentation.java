package dev.rowcast.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;

import dev.rowcast.bootstrap.Bridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

/**
 * Hibernate 5.x–7.x: every SessionFactoryImpl constructor reports the new factory (its
 * listeners are appended then), and the ActionQueue methods that run entity SQL mark the thread
 * so the JDBC layer does not report those rows a second time.
 */
public final class HibernateInstrumentation {

    private HibernateInstrumentation() {}

    public static AgentBuilder apply(AgentBuilder builder) {
        return builder
                .type(named("org.hibernate.internal.SessionFactoryImpl"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(HibernateInstrumentation.class.getClassLoader())
                        .advice(isConstructor(), HibernateInstrumentation.class.getName() + "$SessionFactoryAdvice"))
                .type(named("org.hibernate.engine.spi.ActionQueue"))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(HibernateInstrumentation.class.getClassLoader())
                        .advice(namedOneOf("executeActions", "executeInserts", "addResolvedEntityInsertAction"),
                                HibernateInstrumentation.class.getName() + "$ActionQueueAdvice"));
    }

    public static final class SessionFactoryAdvice {
        private SessionFactoryAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object sessionFactory) {
            Bridge.sessionFactoryBuilt(sessionFactory);
        }
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
