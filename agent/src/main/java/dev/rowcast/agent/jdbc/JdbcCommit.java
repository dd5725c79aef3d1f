package dev.rowcast.agent.jdbc;

import java.util.List;

/**
 * A committed JDBC transaction's writes, in execution order, handed to the pipeline thread. Most
 * transactions hold one write, which it keeps as it is: no list is made for it on the app's thread.
 */
public final class JdbcCommit {

    /** A {@link PendingWrite}, or a {@code List<PendingWrite>} of two or more. */
    private final Object writes;
    private final long ts;

    JdbcCommit(List<PendingWrite> writes, long ts) {
        this.writes = writes;
        this.ts = ts;
    }

    JdbcCommit(PendingWrite write, long ts) {
        this.writes = write;
        this.ts = ts;
    }

    @SuppressWarnings("unchecked")
    List<PendingWrite> writes() {
        return writes instanceof PendingWrite write ? List.of(write) : (List<PendingWrite>) writes;
    }

    /** The commit's time, epoch millis. */
    long ts() {
        return ts;
    }
}
