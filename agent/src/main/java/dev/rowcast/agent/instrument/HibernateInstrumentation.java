package dev.rowcast.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.rowcast.bootstrap.Bridge;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Hibernate 5.x–7.x: the ActionQueue methods that run the flush's SQL mark the thread, so the JDBC
 * layer does not report a second time the rows Hibernate reports (see HibernateTables); only when
 * the JDBC layer is hooked (a rule names a table).
 * (SessionFactoryImpl is hooked by {@link SessionFactoryHook}.)
 * An identity insert runs at persist time, through {@code executeInserts()} and {@code execute(action)}
 * (5.6 to 7.4); hooking those rather than {@code addResolvedEntityInsertAction} leaves a persist that
 * only queues its insert (sequence or assigned ids) unmarked, and spares it the two calls.
 *
 * <p>A StatelessSession has no action queue and no post-commit events. Where it tells its own
 * listeners of each write ({@code firePostInsert}, {@code firePostUpdate}, {@code firePostUpsert},
 * {@code firePostDelete}: 6.6 and 7.x), those calls hand the row over, and its write methods mark the
 * thread as the flush does, so that the JDBC layer leaves their SQL to them. A StatelessSession
 * without them (5.6) is left to the JDBC layer, as any JDBC write.
 */
public final class HibernateInstrumentation {

    static final String STATELESS_SESSION = "org.hibernate.internal.StatelessSessionImpl";
    private static final String PERSISTER = "org.hibernate.persister.entity.EntityPersister";

    private HibernateInstrumentation() {}

    /**
     * @param jdbc whether the JDBC hooks are in: the marks are for them alone, and without them the
     *             flush and a StatelessSession's writes run unmarked
     */
    public static AgentBuilder apply(AgentBuilder builder, boolean jdbc) {
        ClassLoader agent = HibernateInstrumentation.class.getClassLoader();
        String self = HibernateInstrumentation.class.getName();
        ElementMatcher.Junction<TypeDescription> reportsItsWrites = named(STATELESS_SESSION)
                .and(declaresMethod(named("firePostInsert"))).and(declaresMethod(named("firePostUpdate")))
                .and(declaresMethod(named("firePostUpsert"))).and(declaresMethod(named("firePostDelete")));
        AgentBuilder.Transformer.ForAdvice stateless = new AgentBuilder.Transformer.ForAdvice().include(agent);
        if (jdbc) {
            builder = builder
                    .type(named("org.hibernate.engine.spi.ActionQueue"))
                    .transform(new AgentBuilder.Transformer.ForAdvice().include(agent)
                            // not the private executeActions(list): only these two call it, in 5.6 to 7.4
                            .advice(named("executeActions").and(takesArguments(0)).or(namedOneOf("executeInserts", "execute")),
                                    self + "$HibernateSqlAdvice"));
            // the (String, Object) forms, which the others and the *Multiple forms call
            stateless = stateless.advice(namedOneOf("insert", "update", "upsert", "delete")
                    .and(takesArguments(String.class, Object.class)), self + "$HibernateSqlAdvice");
        }
        builder = builder
                .type(namedOneOf(InstrumentGate.BULK_QUERIES.stream().map(name -> name.replace('/', '.')).toArray(String[]::new)))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(agent)
                        .advice(named("doExecuteUpdate").and(takesArguments(0)).and(not(isAbstract())), self + "$BulkWriteAdvice"));
        return builder
                .type(reportsItsWrites)
                .transform(stateless
                        // (entity, id, state, persister): not 7.x's firePostUpdate of a collection, four arguments too in 7.2
                        .advice(namedOneOf("firePostInsert", "firePostUpdate", "firePostUpsert").and(takesArguments(4))
                                        .and(takesArgument(2, Object[].class)).and(takesArgument(3, named(PERSISTER))),
                                self + "$StatelessWriteAdvice")
                        .advice(named("firePostDelete").and(takesArguments(3)).and(takesArgument(2, named(PERSISTER))),
                                self + "$StatelessDeleteAdvice")
                        .advice(namedOneOf("insertMultiple", "updateMultiple", "upsertMultiple", "deleteMultiple")
                                .and(takesArguments(List.class)), self + "$StatelessBatchAdvice"));
    }

    /** Marks the thread while Hibernate runs SQL whose rows it reports itself. */
    public static final class HibernateSqlAdvice {
        private HibernateSqlAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter() {
            return Bridge.hibernateEnter();
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Enter Object calls) {
            Bridge.hibernateExit(calls);
        }
    }

    /**
     * A query's bulk write (HQL, JPQL, criteria or native SQL): Hibernate reports none of its rows to
     * its listeners, so the agent tells a collection that misses them.
     */
    public static final class BulkWriteAdvice {
        private BulkWriteAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter() {
            return Bridge.bulkEnter();
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Enter Object calls, @Advice.This Object query, @Advice.Return int count,
                                @Advice.Thrown Throwable thrown) {
            Bridge.bulkExit(calls, query, count, thrown == null);
        }
    }

    /** {@code firePostInsert}, {@code firePostUpdate} or {@code firePostUpsert}: which one, by its name. */
    public static final class StatelessWriteAdvice {
        private StatelessWriteAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object session, @Advice.Origin("#m") String fired, @Advice.Argument(0) Object entity,
                                 @Advice.Argument(1) Object id, @Advice.Argument(2) Object[] state, @Advice.Argument(3) Object persister) {
            Bridge.statelessWritten(session, fired, entity, id, state, persister);
        }
    }

    /**
     * 7.x's {@code insertMultiple} and the like: their rows are told of as each joins the JDBC
     * batch, which runs at the end; they are handed on only if the call returns.
     */
    public static final class StatelessBatchAdvice {
        private StatelessBatchAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter() {
            Bridge.statelessBatchEnter();
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Thrown Throwable thrown) {
            Bridge.statelessBatchExit(thrown == null);
        }
    }

    public static final class StatelessDeleteAdvice {
        private StatelessDeleteAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object session, @Advice.Argument(0) Object entity, @Advice.Argument(1) Object id,
                                 @Advice.Argument(2) Object persister) {
            Bridge.statelessWritten(session, "firePostDelete", entity, id, null, persister);
        }
    }
}
