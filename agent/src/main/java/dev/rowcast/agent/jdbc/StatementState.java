package dev.rowcast.agent.jdbc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A prepared statement of interest: its connection and SQL, the current parameters, the batch. */
final class StatementState {

    final Object connection;
    final String sql;
    private Object[] params = new Object[8];
    private int maxIndex;
    final List<Object[]> batch = new ArrayList<>();
    final List<String> batchSql = new ArrayList<>();

    StatementState(Object connection, String sql) {
        this.connection = connection;
        this.sql = sql;
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

    Object[] snapshot() {
        return Arrays.copyOf(params, maxIndex);
    }

    void clearParams() {
        Arrays.fill(params, null);
        maxIndex = 0;
    }
}
