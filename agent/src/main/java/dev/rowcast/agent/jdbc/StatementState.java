package dev.rowcast.agent.jdbc;

import dev.rowcast.bootstrap.Bridge;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** A prepared statement of interest: its connection and SQL, the current parameters, the batch. */
final class StatementState {

    final Object connection;
    /** The SQL of a write; null for a statement of transaction control (and a plain Statement's state). */
    final String sql;
    /** The transaction control this prepared statement runs (COMMIT, ROLLBACK TO s, ...); null for a write. */
    final TransactionSql control;
    private Object[] params = new Object[8];
    private int maxIndex;
    /**
     * The batch in the driver's order, one entry per addBatch: the parameters of this statement's SQL
     * (addBatch()), a statement's SQL (addBatch(sql)), or {@link #SKIPPED} for one of no interest.
     * The driver's update counts are by that order, so every entry keeps its place.
     */
    private List<Object> batch = new ArrayList<>();
    /** An INSERT prepared with RETURN_GENERATED_KEYS or key columns. */
    boolean keysRequested;
    /** The last execution asked for generated keys. */
    boolean lastAskedKeys;
    /** The key rows of the last execution, while the app may still read them. */
    KeyRows lastKeys;
    /** The last execution returned its rows as a result set (RETURNING), not as generated keys. */
    boolean lastReturnsRows;
    /**
     * executeBatch() calls on this statement in progress (a pool's and the driver's). MySQL's driver
     * clears the batch inside its executeBatch(), before the call returns with the counts of the
     * entries it cleared: a clear then is the driver's own, and the entries stay for the counts.
     */
    int executingBatch;

    /** A query of the key the connection's last insert generated ({@link IdentityQuery}). */
    boolean identity;

    /** A batch entry that writes no configured table, kept so that the entries after it meet their counts. */
    static final Object SKIPPED = new Object();

    StatementState(Object connection, String sql) {
        this(connection, sql, null);
    }

    StatementState(Object connection, String sql, TransactionSql control) {
        this.connection = connection;
        this.sql = sql;
        this.control = control;
    }

    void set(int index, Object value) {
        if (index < 1) {
            return;
        }
        if (index > params.length) {
            params = Arrays.copyOf(params, Math.max(index, params.length * 2));
        }
        params[index - 1] = value;
        maxIndex = Math.max(maxIndex, index);
    }

    /**
     * The parameters read from the driver (see {@link Bridge#parametersRead}): each non-null value
     * replaces what was recorded at its place, {@link Bridge#SQL_NULL} with null. The count is the
     * statement's own, whichever setters ran.
     */
    void read(Object[] values) {
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value != null) {
                set(i + 1, value == Bridge.SQL_NULL ? null : value);
            }
        }
        if (values.length > maxIndex) {
            if (values.length > params.length) {
                params = Arrays.copyOf(params, values.length);
            }
            maxIndex = values.length;
        }
    }

    /**
     * The parameters now, handed over: the statement goes on with a copy, since JDBC keeps them for
     * the next execution. The one the app's next setters write is thus always newly made: a
     * statement lives long, and stores into an old array would each take G1's slow write barrier.
     */
    Object[] snapshot() {
        Object[] out = params.length == maxIndex ? params : Arrays.copyOf(params, maxIndex);
        params = Arrays.copyOf(out, out.length); // not clone(): a profile had it in the VM's slow JVM_Clone
        return out;
    }

    void addToBatch(Object entry) {
        batch.add(entry);
    }

    boolean batchEmpty() {
        return batch.isEmpty();
    }

    /** The batch so far, handed over; the statement starts a new one. */
    List<Object> takeBatch() {
        List<Object> taken = batch;
        batch = new ArrayList<>();
        return taken;
    }

    void clearBatch() {
        batch.clear();
    }

    /** Whether the current parameters are these (a write's copy of them). */
    boolean holds(Object[] values) {
        if (values.length != maxIndex) {
            return false;
        }
        for (int i = 0; i < maxIndex; i++) {
            if (!Objects.deepEquals(params[i], values[i])) {
                return false;
            }
        }
        return true;
    }

    void clearParams() {
        Arrays.fill(params, null);
        maxIndex = 0;
    }
}
