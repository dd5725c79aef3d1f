package dev.rowcast.agent.jdbc;

import java.util.List;

/**
 * A committed JDBC transaction's writes, in execution order, handed to the pipeline thread. Most
 * transactions hold one write, which is its own commit: nothing more is made for it on the app's
 * thread, and the pipeline's clock gives its time.
 */
public sealed interface JdbcCommit permits PendingWrite, JdbcCommit.Writes {

    int size();

    PendingWrite write(int i);

    /** The commit's time, epoch millis, when it was read at the commit; 0 when the pipeline's time of taking it stands for it. */
    default long committedAt() {
        return 0;
    }

    static JdbcCommit of(List<PendingWrite> writes) {
        return writes.size() == 1 ? writes.get(0) : new Writes(writes, 0);
    }

    /**
     * Writes that waited after their commit for the app to read their generated keys: the time of
     * the commit, read then, is theirs.
     */
    static JdbcCommit committedAt(List<PendingWrite> writes, long committedAt) {
        return new Writes(writes, committedAt);
    }

    /** Two writes or more, or writes published after their commit. */
    record Writes(List<PendingWrite> writes, long committedAt) implements JdbcCommit {

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
