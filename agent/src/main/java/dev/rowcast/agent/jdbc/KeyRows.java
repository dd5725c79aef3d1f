package dev.rowcast.agent.jdbc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The key rows of one execution (a single write, or a whole batch), in the order the driver
 * returns them, filled on the app's thread as the app reads them. Sealed when its writes are
 * handed to the pipeline: a row read after that is not attached, so an event never depends on
 * how fast the pipeline thread is.
 */
final class KeyRows {

    /** Rows the execution wrote (the sum of its update counts), or -1 when the driver did not say. */
    final long expected;
    /** The rows are those the statement wrote (its RETURNING clause), not generated keys, which a driver may leave out. */
    private final boolean returning;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private boolean sealed;
    /** How many rows the result set held, once the app read past its last before the seal; -1 until then. */
    private long held = -1;
    /** The connection whose autocommitted writes wait for these keys, else null. */
    private ConnectionState parkedIn;
    /** The one value of a query of the last generated key ({@link IdentityQuery}), read as the row's {@code id}. */
    final boolean identity;

    KeyRows(long expected) {
        this(expected, false);
    }

    KeyRows(long expected, boolean returning) {
        this(expected, returning, false);
    }

    private KeyRows(long expected, boolean returning, boolean identity) {
        this.expected = expected;
        this.returning = returning;
        this.identity = identity;
    }

    /** The key of one inserted row, which a query of the last generated key returns as its one value. */
    static KeyRows identity() {
        return new KeyRows(1, false, true);
    }

    /** The app's next() said false after {@code rows} rows. */
    synchronized void ended(long rows) {
        if (!sealed) {
            held = rows;
        }
    }

    /** For a RETURNING statement whose rows the app read to their end: how many it wrote; else -1. */
    synchronized long returned() {
        return returning ? held : -1;
    }

    synchronized void put(int index, Map<String, Object> row) {
        if (sealed) {
            return;
        }
        while (rows.size() <= index) {
            rows.add(null);
        }
        rows.set(index, row);
    }

    synchronized boolean sealed() {
        return sealed;
    }

    synchronized void seal() {
        sealed = true;
        parkedIn = null;
    }

    synchronized void parkIn(ConnectionState state) {
        parkedIn = state;
    }

    synchronized ConnectionState parkedIn() {
        return parkedIn;
    }

    /** The rows read before the seal; null at a row the app has not reached. */
    synchronized List<Map<String, Object>> snapshot() {
        return Collections.unmodifiableList(new ArrayList<>(rows));
    }

    /** Hands out the key rows to the created rows of the execution's writes, in order. */
    static final class Cursor {

        private final List<Map<String, Object>> rows;
        private int next;

        Cursor(List<Map<String, Object>> rows) {
            this.rows = rows;
        }

        /** The key row of the next created row, or null when the app did not read that far. */
        Map<String, Object> next() {
            Map<String, Object> row = next < rows.size() ? rows.get(next) : null;
            next++;
            return row;
        }

        void skip(int count) {
            next += count;
        }
    }
}
