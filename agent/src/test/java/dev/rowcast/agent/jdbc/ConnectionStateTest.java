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
}
