package dev.rowcast.bootstrap;

/**
 * What the agent does with the calls advice makes into {@link Bridge}. Lives on the boot class
 * path with the bridge, so only JDK types cross it; the agent installs the one implementation.
 */
public interface Sink {

    void sessionFactoryBuilt(Object sessionFactory);

    void statementPrepared(Object connection, Object statement, String sql);

    void parameterSet(Object statement, int index, Object value);

    void parametersCleared(Object statement);

    /** See {@link Bridge#readsParameters}. */
    boolean readsParameters(Object statement);

    /** See {@link Bridge#parametersRead}. */
    void parametersRead(Object statement, Object[] values);

    /** See {@link Bridge#parametersUnread}. */
    void parametersUnread(Object statement, Throwable cause);

    /** Connection.createArrayOf(typeName, elements) returned {@code array}. */
    void arrayCreated(Object array, Object[] elements);

    void batchAdded(Object statement, String sqlOrNull);

    void batchCleared(Object statement);

    /** An executeBatch() or executeLargeBatch() call begins; {@link #executed} with {@code batch} true ends it. */
    void batchExecuting(Object statement);

    /**
     * A Statement/PreparedStatement execute* call returned (thrown is null) or threw.
     *
     * @param mark the call's entry mark: see {@link Bridge#nestedRecord}
     */
    void executed(Object statement, String sqlOrNull, boolean batch, Object result, Throwable thrown, int mark);

    /** @param declaring the class whose close() the hook is in: a subclass's close may call it through super */
    void statementClosed(Object statement, Class<?> declaring);

    void committed(Object connection, Throwable thrown);

    void rolledBack(Object connection, Object savepointOrNull, Throwable thrown);

    void savepointSet(Object connection, Object savepoint);

    void savepointReleased(Object connection, Object savepoint);

    void autoCommitSet(Object connection, boolean autoCommit, Throwable thrown);

    void connectionClosed(Object connection);

    /** SQL a driver ran on its connection without a statement (pgjdbc's execSQLUpdate). */
    void connectionSql(Object connection, String sql, Throwable thrown);

    /** See {@link Bridge#statelessWritten}. */
    void statelessWritten(Object session, String fired, Object entity, Object id, Object[] state, Object persister);

    /** See {@link Bridge#statelessBatchEnter} ({@code enter}) and {@link Bridge#statelessBatchExit}. */
    void statelessBatch(boolean enter, boolean returned);

    /** A Hibernate query's bulk write (HQL, JPQL, criteria or native) returned its update count; see {@link Bridge#bulkExit}. */
    void bulkExecuted(Object query, int count);

    void emit(String room, String event, Object payload);
}
