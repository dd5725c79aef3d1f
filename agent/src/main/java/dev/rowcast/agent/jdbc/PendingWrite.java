package dev.rowcast.agent.jdbc;

import dev.rowcast.agent.capture.CapturedRow;

/**
 * One successful execution of a row write, waiting in its connection's buffer for the commit:
 * the SQL, a copy of the parameters it ran with, and the update count the driver reported
 * (-1 when unknown, e.g. {@code execute()} or {@code SUCCESS_NO_INFO}). Or a row Hibernate's
 * StatelessSession wrote on the connection, read already ({@link #entity}).
 *
 * @param keys      the rows of generated keys (or RETURNING rows) the app reads for this execution,
 *                  shared by the writes of one batch; null when the statement returns none
 * @param hibernate run by Hibernate's flush: not published when Hibernate reports its table's rows
 *                  itself (see {@link HibernateTables})
 * @param entity    the row of a StatelessSession's write (sql and params null), published with the
 *                  transaction; null for a JDBC execution
 */
record PendingWrite(String sql, Object[] params, long updateCount, KeyRows keys, boolean hibernate, CapturedRow entity)
        implements JdbcCommit {

    PendingWrite(String sql, Object[] params, long updateCount) {
        this(sql, params, updateCount, null, false, null);
    }

    PendingWrite(String sql, Object[] params, long updateCount, KeyRows keys) {
        this(sql, params, updateCount, keys, false, null);
    }

    /** A row Hibernate has read already, waiting for the transaction as a JDBC write does. */
    static PendingWrite of(CapturedRow entity) {
        return new PendingWrite(null, null, 1, null, true, entity);
    }

    /** This write with the key rows a later query of its generated key returns ({@link IdentityQuery}). */
    PendingWrite withKeys(KeyRows rows) {
        return new PendingWrite(sql, params, updateCount, rows, hibernate, entity);
    }

    /** This write, run by Hibernate's flush. */
    PendingWrite inHibernate() {
        return new PendingWrite(sql, params, updateCount, keys, true, entity);
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public PendingWrite write(int i) {
        return this;
    }
}
