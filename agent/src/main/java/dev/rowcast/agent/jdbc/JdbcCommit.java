package dev.rowcast.agent.jdbc;

import java.util.List;

/**
 * A committed JDBC transaction's writes, in execution order, handed to the pipeline thread. Most
 * transactions hold one write, which is its own commit: nothing more is made for it on the app's
 * thread.
 */
public sealed interface JdbcCommit permits PendingWrite, JdbcCommit.Writes {

    int size();

    PendingWrite write(int i);

    static JdbcCommit of(List<PendingWrite> writes) {
        return writes.size() == 1 ? writes.get(0) : new Writes(writes);
    }

    /** Two writes or more. */
    record Writes(List<PendingWrite> writes) implements JdbcCommit {

        @Override
        public int size() {
            return writes.size();
        }

        @Override
        public PendingWrite write(int i) {
            return writes.get(i);
        }
    }
}
