package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionStateTest {

    private static PendingWrite write(String name) {
        return new PendingWrite(name, new Object[0], 1);
    }

    @Test
    void rollbackToSavepointDropsOnlyWhatCameAfterIt() {
        ConnectionState state = new ConnectionState();
        Object outer = new Object();
        Object inner = new Object();
        state.add(write("a"));
        state.mark(outer);
        state.add(write("b"));
        state.mark(inner);
        state.add(write("c"));
        state.rollbackTo(outer);
        state.add(write("d"));
        // inner died with the rollback to outer: rolling back to it now changes nothing
        state.rollbackTo(inner);
        assertThat(state.drain()).extracting(PendingWrite::sql).containsExactly("a", "d");
        assertThat(state.isEmpty()).isTrue();
    }

    @Test
    void releasedSavepointCanNoLongerBeRolledBackTo() {
        ConnectionState state = new ConnectionState();
        Object savepoint = new Object();
        state.mark(savepoint);
        state.add(write("a"));
        state.release(savepoint);
        state.rollbackTo(savepoint);
        assertThat(state.drain()).extracting(PendingWrite::sql).containsExactly("a");
    }

    @Test
    void aTransactionThatOnlySetASavepointStillEndsIt() {
        ConnectionState state = new ConnectionState();
        Object savepoint = new Object();
        state.mark(savepoint);
        // the commit of a transaction with a savepoint and no write: the savepoint ends with it
        assertThat(state.drainOnly()).isNull();
        assertThat(state.drain()).isEmpty();
        state.add(write("a"));
        state.rollbackTo(savepoint);
        assertThat(state.drain()).extracting(PendingWrite::sql).containsExactly("a");
    }

    @Test
    void anAbortIsTakenOnce() {
        ConnectionState state = new ConnectionState();
        assertThat(state.takeAborted()).isFalse();
        state.abort();
        assertThat(state.takeAborted()).isTrue();
        assertThat(state.takeAborted()).isFalse();
    }

    @Test
    void aDrainedListIsNotChangedByTheNextTransaction() {
        ConnectionState state = new ConnectionState();
        state.add(write("a"));
        // the pipeline thread may still be reading it while the app writes on
        var committed = state.drain();
        state.add(write("b"));
        assertThat(committed).extracting(PendingWrite::sql).containsExactly("a");
        assertThat(state.drain()).extracting(PendingWrite::sql).containsExactly("b");
        assertThat(state.drain()).isEmpty();
    }

    @Test
    void aTransactionOfOneWriteIsDrainedAsThatWriteAndOfMoreAsTheirList() {
        ConnectionState state = new ConnectionState();
        PendingWrite a = write("a");
        state.add(a);
        assertThat(state.drainOnly()).isSameAs(a);
        assertThat(state.isEmpty()).isTrue();
        assertThat(state.drainOnly()).isNull();

        state.add(write("b"));
        state.add(write("c"));
        assertThat(state.drainOnly()).isNull();
        assertThat(state.drain()).extracting(PendingWrite::sql).containsExactly("b", "c");

        // a savepoint before the only write: the write still comes out once, and rolling back drops it
        Object savepoint = new Object();
        state.mark(savepoint);
        state.add(write("d"));
        assertThat(state.drainOnly()).isNull();
        assertThat(state.drain()).extracting(PendingWrite::sql).containsExactly("d");
        state.add(write("e"));
        state.mark(savepoint);
        state.add(write("f"));
        state.rollbackTo(savepoint);
        assertThat(state.drain()).extracting(PendingWrite::sql).containsExactly("e");
    }

    @Test
    void theAutocommitModeIsUnknownUntilSetAndAfterItIsForgotten() {
        ConnectionState state = new ConnectionState();
        assertThat(state.autoCommitKnown()).isFalse();
        assertThat(state.autoCommitOn()).isFalse();
        state.autoCommit(true);
        assertThat(state.autoCommitKnown()).isTrue();
        assertThat(state.autoCommitOn()).isTrue();
        state.autoCommit(false);
        assertThat(state.autoCommitKnown()).isTrue();
        assertThat(state.autoCommitOn()).isFalse();
        state.forgetAutoCommit();
        assertThat(state.autoCommitKnown()).isFalse();
    }
}
