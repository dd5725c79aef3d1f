package dev.rowcast.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.rowcast.bootstrap.Bridge;
import dev.rowcast.bootstrap.KeyBridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * JDBC drivers' Connection, Statement and PreparedStatement: the SQL of each prepared statement,
 * its parameters and batches, each execute, and the transaction boundaries. Every advice only
 * hands its values to the bridge; wrappers (pool proxies) are told apart there.
 */
public final class JdbcInstrumentation {

    private JdbcInstrumentation() {}

    public static AgentBuilder apply(AgentBuilder builder) {
        ClassLoader agent = JdbcInstrumentation.class.getClassLoader();
        String self = JdbcInstrumentation.class.getName();
        ElementMatcher.Junction<MethodDescription> concrete = isPublic().and(not(isAbstract()));
        // prepareStatement(sql, RETURN_GENERATED_KEYS | int[] columnIndexes | String[] columnNames)
        ElementMatcher.Junction<MethodDescription> prepareWithKeys = named("prepareStatement").and(
                takesArguments(String.class, int.class).or(takesArguments(String.class, int[].class))
                        .or(takesArguments(String.class, String[].class)));
        return builder
                .type(not(isInterface()).and(hasSuperType(named("java.sql.Connection"))))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(agent)
                        .advice(concrete.and(namedOneOf("prepareStatement", "prepareCall")).and(takesArgument(0, String.class))
                                        .and(not(prepareWithKeys)),
                                self + "$PrepareAdvice")
                        .advice(concrete.and(prepareWithKeys), self + "$PrepareWithKeysAdvice")
                        .advice(concrete.and(named("createArrayOf")).and(takesArguments(String.class, Object[].class)),
                                self + "$CreateArrayAdvice")
                        .advice(concrete.and(named("commit")).and(takesArguments(0)), self + "$CommitAdvice")
                        .advice(concrete.and(named("rollback")).and(takesArguments(0)), self + "$RollbackAdvice")
                        .advice(concrete.and(named("rollback")).and(takesArguments(1)), self + "$RollbackToSavepointAdvice")
                        .advice(concrete.and(named("setSavepoint")), self + "$SetSavepointAdvice")
                        .advice(concrete.and(named("releaseSavepoint")).and(takesArguments(1)), self + "$ReleaseSavepointAdvice")
                        .advice(concrete.and(named("setAutoCommit")).and(takesArguments(boolean.class)), self + "$AutoCommitAdvice")
                        .advice(concrete.and(named("close")).and(takesArguments(0)), self + "$ConnectionCloseAdvice")
                        .advice(concrete.and(named("execSQLUpdate")).and(takesArguments(String.class)), self + "$ConnectionSqlAdvice"))
                .type(not(isInterface()).and(hasSuperType(named("java.sql.Statement"))))
                .transform(statements(agent, self, concrete))
                // generated keys reach the app through a result set: see KeyBridge
                .type(not(isInterface()).and(hasSuperType(named("java.sql.ResultSet"))))
                .transform(new AgentBuilder.Transformer.ForAdvice().include(agent)
                        .advice(concrete.and(named("next")).and(takesArguments(0)), self + "$ResultSetNextAdvice")
                        .advice(concrete.and(named("close")).and(takesArguments(0)), self + "$ResultSetCloseAdvice"));
    }

    /**
     * The advice of Statement and its subtypes. H2 2.x's prepared statement has its simple setters'
     * values read as it executes, not hooked: see {@link H2Parameters}.
     */
    private static AgentBuilder.Transformer statements(ClassLoader agent, String self, ElementMatcher.Junction<MethodDescription> concrete) {
        AgentBuilder.Transformer.ForAdvice common = new AgentBuilder.Transformer.ForAdvice().include(agent)
                .advice(concrete.and(namedOneOf("execute", "executeUpdate", "executeLargeUpdate")).and(takesArguments(String.class)),
                        self + "$ExecuteSqlAdvice")
                .advice(concrete.and(namedOneOf("execute", "executeUpdate", "executeLargeUpdate")).and(takesArguments(2))
                                .and(takesArgument(0, String.class)),
                        self + "$ExecuteSqlWithKeysAdvice")
                .advice(concrete.and(named("executeQuery")).and(takesArguments(0)), self + "$ExecuteQueryAdvice")
                .advice(concrete.and(named("executeQuery")).and(takesArguments(String.class)), self + "$ExecuteQuerySqlAdvice")
                .advice(concrete.and(named("getGeneratedKeys")).and(takesArguments(0)), self + "$GeneratedKeysAdvice")
                .advice(concrete.and(named("getResultSet")).and(takesArguments(0)), self + "$GetResultSetAdvice")
                .advice(concrete.and(namedOneOf("execute", "executeUpdate", "executeLargeUpdate")).and(takesArguments(0)),
                        self + "$ExecutePreparedAdvice")
                .advice(concrete.and(namedOneOf("executeBatch", "executeLargeBatch")).and(takesArguments(0)),
                        self + "$ExecuteBatchAdvice")
                .advice(concrete.and(named("addBatch")).and(takesArguments(String.class)), self + "$AddBatchSqlAdvice")
                .advice(concrete.and(named("addBatch")).and(takesArguments(0)), self + "$AddBatchAdvice")
                .advice(concrete.and(named("clearBatch")).and(takesArguments(0)), self + "$ClearBatchAdvice")
                .advice(concrete.and(named("clearParameters")).and(takesArguments(0)), self + "$ClearParametersAdvice")
                .advice(concrete.and(named("close")).and(takesArguments(0)), self + "$StatementCloseAdvice");
        AgentBuilder.Transformer.ForAdvice hooked = setters(common, self, concrete, none());
        AgentBuilder.Transformer.ForAdvice read = setters(common, self, concrete, H2Parameters.readSetters())
                // by name: the advice's class names H2's, which the agent's class loader does not have
                .advice(concrete.and(H2Parameters.readingCalls()), H2Parameters.class.getName() + "$ReadAdvice");
        return (builder, type, loader, module, domain) -> (H2Parameters.readable(type, loader) ? read
                : type.getName().startsWith(HIKARI_PROXIES) ? common : hooked).transform(builder, type, loader, module, domain);
    }

    /**
     * HikariCP's proxy statements, whose setters hand each value to the driver's statement. A
     * proxy's statement never has a state (the driver's prepare, inside the proxy's, is the one
     * that reports), so hooks on its setters would only look it up, six times a row.
     */
    static final String HIKARI_PROXIES = "com.zaxxer.hikari.pool.";

    /** The setters' advice, but for the setters {@code except} names. */
    private static AgentBuilder.Transformer.ForAdvice setters(AgentBuilder.Transformer.ForAdvice advice, String self,
                                                              ElementMatcher.Junction<MethodDescription> concrete,
                                                              ElementMatcher.Junction<MethodDescription> except) {
        ElementMatcher.Junction<MethodDescription> kept = concrete.and(not(except));
        return advice
                .advice(kept.and(named("setNull")).and(takesArgument(0, int.class)), self + "$SetNullAdvice")
                .advice(kept.and(primitiveSetter(long.class)), self + "$SetLongAdvice")
                .advice(kept.and(primitiveSetter(int.class)), self + "$SetIntAdvice")
                .advice(kept.and(primitiveSetter(double.class)), self + "$SetDoubleAdvice")
                .advice(kept.and(primitiveSetter(boolean.class)), self + "$SetBooleanAdvice")
                .advice(kept.and(nameStartsWith("set")).and(not(named("setNull"))).and(takesArgument(0, int.class))
                                // setObject(i, x, type, scaleOrLength) too
                                .and(takesArguments(2).or(takesArguments(3)).or(takesArguments(4))).and(returns(void.class))
                                .and(not(takesArguments(int.class, long.class))).and(not(takesArguments(int.class, int.class)))
                                .and(not(takesArguments(int.class, double.class))).and(not(takesArguments(int.class, boolean.class))),
                        self + "$SetParameterAdvice");
    }

    /**
     * A setter of one primitive, {@code setLong(int, long)} and the like: see {@link SetLongAdvice}.
     * Not {@code setNull(int, int)}, whose second int is a type.
     */
    private static ElementMatcher.Junction<MethodDescription> primitiveSetter(Class<?> type) {
        return isPublic().and(not(isAbstract())).and(nameStartsWith("set")).and(not(named("setNull")))
                .and(takesArguments(int.class, type)).and(returns(void.class));
    }

    /** Of nested prepare calls (a pool's, then the driver's), the innermost reports: see Bridge's Calls. */
    public static final class PrepareAdvice {
        private PrepareAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter() {
            return Bridge.prepareEnter();
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Enter int mark, @Advice.This Object connection, @Advice.Argument(0) String sql,
                                @Advice.Return Object statement, @Advice.Thrown Throwable thrown) {
            if (Bridge.prepareInnermost(mark) && thrown == null && statement != null) {
                Bridge.statementPrepared(connection, statement, sql);
            }
        }
    }

    /** See {@link PrepareAdvice}; the statement's wish for keys is noted at every layer (a wrapper's has no state, and ignores it). */
    public static final class PrepareWithKeysAdvice {
        private PrepareWithKeysAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter() {
            return Bridge.prepareEnter();
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Enter int mark, @Advice.This Object connection, @Advice.Argument(0) String sql,
                                @Advice.Argument(value = 1, typing = Assigner.Typing.DYNAMIC) Object keys,
                                @Advice.Return Object statement, @Advice.Thrown Throwable thrown) {
            boolean innermost = Bridge.prepareInnermost(mark);
            if (thrown == null && statement != null) {
                if (innermost) {
                    Bridge.statementPrepared(connection, statement, sql);
                }
                // also when not innermost: PostgreSQL's prepareStatement(sql, keys) calls its own prepareStatement(sql)
                if (KeyBridge.asksForKeys(keys)) {
                    KeyBridge.keysRequested(statement);
                }
            }
        }
    }

    public static final class CommitAdvice {
        private CommitAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object connection, @Advice.Thrown Throwable thrown) {
            Bridge.committed(connection, thrown);
        }
    }

    public static final class RollbackAdvice {
        private RollbackAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object connection, @Advice.Thrown Throwable thrown) {
            Bridge.rolledBack(connection, null, thrown);
        }
    }

    public static final class RollbackToSavepointAdvice {
        private RollbackToSavepointAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object connection, @Advice.Argument(0) Object savepoint,
                                @Advice.Thrown Throwable thrown) {
            Bridge.rolledBack(connection, savepoint, thrown);
        }
    }

    public static final class SetSavepointAdvice {
        private SetSavepointAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object connection, @Advice.Return Object savepoint,
                                @Advice.Thrown Throwable thrown) {
            if (thrown == null && savepoint != null) {
                Bridge.savepointSet(connection, savepoint);
            }
        }
    }

    public static final class ReleaseSavepointAdvice {
        private ReleaseSavepointAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object connection, @Advice.Argument(0) Object savepoint,
                                @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                Bridge.savepointReleased(connection, savepoint);
            }
        }
    }

    public static final class AutoCommitAdvice {
        private AutoCommitAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object connection, @Advice.Argument(0) boolean autoCommit,
                                @Advice.Thrown Throwable thrown) {
            Bridge.autoCommitSet(connection, autoCommit, thrown);
        }
    }

    public static final class ConnectionCloseAdvice {
        private ConnectionCloseAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object connection) {
            Bridge.connectionClosed(connection);
        }
    }

    /** pgjdbc's {@code execSQLUpdate(sql)}: the transaction SQL of its XA resource. */
    public static final class ConnectionSqlAdvice {
        private ConnectionSqlAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object connection, @Advice.Argument(0) String sql, @Advice.Thrown Throwable thrown) {
            Bridge.connectionSql(connection, sql, thrown);
        }
    }

    /**
     * Nested execute calls (a pool's, then the driver's; a driver's method calling its own) see one
     * write, which the capture records once: the entry's mark tells it what was recorded inside
     * (see Bridge's Calls). A call inside execute(sql, keys) on the same statement is the keyed
     * call's own work and does not report.
     */
    public static final class ExecuteSqlAdvice {
        private ExecuteSqlAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter() {
            return Bridge.executeEnter();
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Enter int mark, @Advice.This Object statement, @Advice.Argument(0) String sql,
                                @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result,
                                @Advice.Thrown Throwable thrown) {
            if (!KeyBridge.insideKeyedExecute(statement)) {
                Bridge.executed(statement, sql, false, result, thrown, mark);
            } else {
                Bridge.executeExit();
            }
        }
    }

    /** execute(sql, keys): reported once per statement; a driver's own execute(sql) inside it is not. */
    public static final class ExecuteSqlWithKeysAdvice {
        private ExecuteSqlWithKeysAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.This Object statement, @Advice.Local("mark") int mark) {
            mark = Bridge.executeEnter();
            return KeyBridge.keyedExecuteEnter(statement);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Enter Object outer, @Advice.Local("mark") int mark, @Advice.This Object statement,
                                @Advice.Argument(0) String sql,
                                @Advice.Argument(value = 1, typing = Assigner.Typing.DYNAMIC) Object keys,
                                @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result,
                                @Advice.Thrown Throwable thrown) {
            KeyBridge.executedWithKeys(outer, statement, sql, keys, result, thrown, mark);
        }
    }

    /** See {@link ExecuteSqlAdvice}. */
    public static final class ExecuteQueryAdvice {
        private ExecuteQueryAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter() {
            return Bridge.executeEnter();
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Enter int mark, @Advice.This Object statement, @Advice.Return Object resultSet,
                                @Advice.Thrown Throwable thrown) {
            KeyBridge.queried(statement, null, resultSet, thrown, mark);
        }
    }

    /** See {@link ExecuteSqlAdvice}. */
    public static final class ExecuteQuerySqlAdvice {
        private ExecuteQuerySqlAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter() {
            return Bridge.executeEnter();
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Enter int mark, @Advice.This Object statement, @Advice.Argument(0) String sql,
                                @Advice.Return Object resultSet, @Advice.Thrown Throwable thrown) {
            KeyBridge.queried(statement, sql, resultSet, thrown, mark);
        }
    }

    public static final class GeneratedKeysAdvice {
        private GeneratedKeysAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object statement, @Advice.Return Object resultSet) {
            KeyBridge.resultSetReturned(statement, resultSet, true);
        }
    }

    public static final class GetResultSetAdvice {
        private GetResultSetAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object statement, @Advice.Return Object resultSet) {
            KeyBridge.resultSetReturned(statement, resultSet, false);
        }
    }

    /** Every result set of the app runs this: one volatile read unless a key set is watched. */
    public static final class ResultSetNextAdvice {
        private ResultSetNextAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object resultSet, @Advice.Return boolean hasRow, @Advice.Thrown Throwable thrown) {
            if (KeyBridge.watching && thrown == null) {
                KeyBridge.rowRead(resultSet, hasRow);
            }
        }
    }

    public static final class ResultSetCloseAdvice {
        private ResultSetCloseAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object resultSet) {
            if (KeyBridge.watching) {
                KeyBridge.resultSetClosed(resultSet);
            }
        }
    }

    /** See {@link ExecuteSqlAdvice}. */
    public static final class ExecutePreparedAdvice {
        private ExecutePreparedAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter() {
            return Bridge.executeEnter();
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Enter int mark, @Advice.This Object statement,
                                @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result,
                                @Advice.Thrown Throwable thrown) {
            Bridge.executed(statement, null, false, result, thrown, mark);
        }
    }

    /** See {@link ExecuteSqlAdvice}; its entry is told too, as a driver may clear the batch before the call returns. */
    public static final class ExecuteBatchAdvice {
        private ExecuteBatchAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static int enter(@Advice.This Object statement) {
            return Bridge.batchEnter(statement);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Enter int mark, @Advice.This Object statement, @Advice.Return Object result,
                                @Advice.Thrown Throwable thrown) {
            Bridge.executed(statement, null, true, result, thrown, mark);
        }
    }

    public static final class AddBatchSqlAdvice {
        private AddBatchSqlAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object statement, @Advice.Argument(0) String sql,
                                @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                Bridge.batchAdded(statement, sql);
            }
        }
    }

    public static final class AddBatchAdvice {
        private AddBatchAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object statement, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                Bridge.batchAdded(statement, null);
            }
        }
    }

    public static final class ClearBatchAdvice {
        private ClearBatchAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object statement) {
            Bridge.batchCleared(statement);
        }
    }

    public static final class ClearParametersAdvice {
        private ClearParametersAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object statement) {
            Bridge.parametersCleared(statement);
        }
    }

    /**
     * The setters run six times a row in a typical insert: their advice runs on a normal return only
     * (a setter that threw set nothing), so the driver's method gets no handler wrapped around it.
     */
    public static final class SetNullAdvice {
        private SetNullAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object statement, @Advice.Argument(0) int index) {
            Bridge.parameterSet(statement, index, null);
        }
    }

    /** The elements of an array the app will bind with setArray: see JdbcCapture's Recent. */
    public static final class CreateArrayAdvice {
        private CreateArrayAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(1) Object[] elements, @Advice.Return Object array) {
            Bridge.arrayCreated(array, elements);
        }
    }

    /** See {@link SetNullAdvice}. */
    public static final class SetParameterAdvice {
        private SetParameterAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object statement, @Advice.Argument(0) int index,
                                @Advice.Argument(value = 1, typing = Assigner.Typing.DYNAMIC) Object value) {
            Bridge.parameterSet(statement, index, value);
        }
    }

    /**
     * See {@link SetNullAdvice}. The value goes to the bridge unboxed: boxing it here would put
     * {@code Long.valueOf} into the driver's setter, one of the methods the app's loop calls most.
     */
    public static final class SetLongAdvice {
        private SetLongAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object statement, @Advice.Argument(0) int index, @Advice.Argument(1) long value) {
            Bridge.parameterSetLong(statement, index, value);
        }
    }

    /** See {@link SetLongAdvice}. */
    public static final class SetIntAdvice {
        private SetIntAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object statement, @Advice.Argument(0) int index, @Advice.Argument(1) int value) {
            Bridge.parameterSetInt(statement, index, value);
        }
    }

    /** See {@link SetLongAdvice}. */
    public static final class SetDoubleAdvice {
        private SetDoubleAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object statement, @Advice.Argument(0) int index, @Advice.Argument(1) double value) {
            Bridge.parameterSetDouble(statement, index, value);
        }
    }

    /** See {@link SetLongAdvice}. */
    public static final class SetBooleanAdvice {
        private SetBooleanAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object statement, @Advice.Argument(0) int index, @Advice.Argument(1) boolean value) {
            Bridge.parameterSetBoolean(statement, index, value);
        }
    }

    /** Each close() of the hierarchy: H2's prepared statement's calls its plain statement's through super. */
    public static final class StatementCloseAdvice {
        private StatementCloseAdvice() {}

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.This Object statement, @Advice.Origin Class<?> declaring) {
            Bridge.statementClosed(statement, declaring);
        }
    }
}
