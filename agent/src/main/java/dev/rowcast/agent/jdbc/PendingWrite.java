package dev.rowcast.agent.jdbc;

/**
 * One successful execution of a row write, waiting in its connection's buffer for the commit:
 * the SQL, a copy of the parameters it ran with, and the update count the driver reported
 * (-1 when unknown, e.g. {@code execute()} or {@code SUCCESS_NO_INFO}).
 *
 * @param keys      the rows of generated keys (or RETURNING rows) the app reads for this execution,
 *                  shared by the writes of one batch; null when the statement returns none
 * @param hibernate run by Hibernate's flush: not published when Hibernate reports its table's rows
 *                  itself (see {@link HibernateTables})
 */
record PendingWrite(String sql, Object[] params, long updateCount, KeyRows keys, boolean hibernate) {

    PendingWrite(String sql, Object[] params, long updateCount) {
        this(sql, params, updateCount, null, false);
    }

    PendingWrite(String sql, Object[] params, long updateCount, KeyRows keys) {
        this(sql, params, updateCount, keys, false);
    }

    /** This write, run by Hibernate's flush. */
    PendingWrite inHibernate() {
        return new PendingWrite(sql, params, updateCount, keys, true);
    }
}
