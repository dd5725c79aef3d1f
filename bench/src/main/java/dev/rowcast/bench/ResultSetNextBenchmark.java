package dev.rowcast.bench;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the agent adds to every {@code ResultSet.next()} of the app (the generated-keys watch):
 * rows (per second; 1024 per invocation) read with next() + getInt through a cursor whose next() carries the exit advice as
 * Byte Buddy inlines it (a read of a static flag, the call behind it, a suppressing handler),
 * against its peer, the same cursor without it. Another case has another result set watched, so
 * every next() takes the slow path: a scan of the watched sets that finds nothing; and one shows
 * what a volatile flag would cost (why KeyBridge's is not volatile).
 *
 * <p>The cursor does only what PostgreSQL's next() does once its rows are fetched (no decoding,
 * no I/O), so the ratio here is an upper bound on what the check costs a real app.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ResultSetNextBenchmark.ROWS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(2)
public class ResultSetNextBenchmark {

    static final int ROWS = 1024;

    private final List<Object[]> values = new ArrayList<>(ROWS);
    private final Object otherSet = new Object();

    @Setup
    public void rows() {
        for (int i = 0; i < ROWS; i++) {
            values.add(new Object[] {i * 31, "row " + i});
        }
    }

    @Setup(Level.Iteration)
    public void watch() {
        KeyWatch.unwatch();
    }

    @Benchmark
    public long peerPlainNext() {
        PlainCursor cursor = new PlainCursor(values);
        long sum = 0;
        while (cursor.next()) {
            sum += cursor.getInt();
        }
        return sum;
    }

    @Benchmark
    public long advisedNextNothingWatched() {
        AdvisedCursor cursor = new AdvisedCursor(values);
        long sum = 0;
        while (cursor.next()) {
            sum += cursor.getInt();
        }
        return sum;
    }

    @Benchmark
    public long volatileFlagNextNothingWatched() {
        VolatileFlagCursor cursor = new VolatileFlagCursor(values);
        long sum = 0;
        while (cursor.next()) {
            sum += cursor.getInt();
        }
        return sum;
    }

    @Benchmark
    public long advisedNextAnotherSetWatched() {
        KeyWatch.watch(otherSet);
        AdvisedCursor cursor = new AdvisedCursor(values);
        long sum = 0;
        while (cursor.next()) {
            sum += cursor.getInt();
        }
        return sum;
    }

    /*
     * The three cursors below repeat one another on purpose: each is a final class of its own, as a
     * driver's ResultSet is, so the JIT sees one monomorphic next() per benchmark; a shared base or
     * a flag would put a type check or a branch into exactly the loop being measured.
     */

    /** A forward-only cursor shaped like PostgreSQL's: a list of rows, the current one in a field. */
    static final class PlainCursor {
        private final List<Object[]> rows;
        private Object[] thisRow;
        private int row = -1;

        PlainCursor(List<Object[]> rows) {
            this.rows = rows;
        }

        boolean next() {
            if (++row >= rows.size()) {
                thisRow = null;
                return false;
            }
            thisRow = rows.get(row);
            return true;
        }

        int getInt() {
            return (Integer) thisRow[0];
        }
    }

    /** The same cursor with the agent's ResultSetNextAdvice inlined at the exit of next(). */
    static final class AdvisedCursor {
        private final List<Object[]> rows;
        private Object[] thisRow;
        private int row = -1;

        AdvisedCursor(List<Object[]> rows) {
            this.rows = rows;
        }

        boolean next() {
            boolean hasRow;
            if (++row >= rows.size()) {
                thisRow = null;
                hasRow = false;
            } else {
                thisRow = rows.get(row);
                hasRow = true;
            }
            try {
                if (KeyWatch.watching) {
                    KeyWatch.rowRead(this, hasRow);
                }
            } catch (Throwable ignored) {
                // suppress = Throwable.class
            }
            return hasRow;
        }

        int getInt() {
            return (Integer) thisRow[0];
        }
    }

    /** The advised cursor had the flag been volatile: it keeps the JIT from hoisting the cursor's loads. */
    static final class VolatileFlagCursor {
        private final List<Object[]> rows;
        private Object[] thisRow;
        private int row = -1;

        VolatileFlagCursor(List<Object[]> rows) {
            this.rows = rows;
        }

        boolean next() {
            boolean hasRow;
            if (++row >= rows.size()) {
                thisRow = null;
                hasRow = false;
            } else {
                thisRow = rows.get(row);
                hasRow = true;
            }
            try {
                if (KeyWatch.volatileWatching) {
                    KeyWatch.rowRead(this, hasRow);
                }
            } catch (Throwable ignored) {
                // suppress = Throwable.class
            }
            return hasRow;
        }

        int getInt() {
            return (Integer) thisRow[0];
        }
    }

    /** The agent's KeyBridge flag and WatchedResultSets lookup, as they run on the app's thread. */
    static final class KeyWatch {
        static boolean watching;
        static volatile boolean volatileWatching;
        @SuppressWarnings("unchecked")
        private static volatile WeakReference<Object>[] watches = new WeakReference[0];
        static int hits;

        @SuppressWarnings("unchecked")
        static void watch(Object set) {
            if (watches.length == 0) {
                watches = new WeakReference[] {new WeakReference<>(set)};
                watching = true;
                volatileWatching = true;
            }
        }

        @SuppressWarnings("unchecked")
        static void unwatch() {
            watches = new WeakReference[0];
            watching = false;
            volatileWatching = false;
        }

        static void rowRead(Object set, boolean hasRow) {
            for (WeakReference<Object> w : watches) {
                if (w.get() == set) {
                    hits++;
                }
            }
        }
    }
}
