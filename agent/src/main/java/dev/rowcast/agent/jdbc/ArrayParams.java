package dev.rowcast.agent.jdbc;

import java.lang.ref.WeakReference;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Array parameters: a Java array given to {@code setObject}, and a {@code java.sql.Array} the app
 * made with {@code createArrayOf} and bound with {@code setArray}. A driver's Array is read back by a
 * call of its own, which may ask the database on the app's connection, so the agent never reads
 * it: the elements it was made of, which {@link Made} keeps per thread, stand for it.
 */
final class ArrayParams {

    /** The most values an array is copied with, nested arrays' values counted; a larger array is left out. */
    static final int MAX_VALUES = 10_000;
    /** The most characters of text and bytes, all values together, an array is copied with. */
    static final int MAX_CHARS = 1_000_000;

    static final JdbcRows.Unreadable TOO_LARGE = new JdbcRows.Unreadable(
            "an array of more than " + MAX_VALUES + " values or " + MAX_CHARS + " characters");

    private ArrayParams() {}

    /** A Java array (Object[], int[], nested) of plain values as an unmodifiable list, else {@link JdbcRows.Unreadable}. */
    static Object copy(Object array) {
        return copy(array, new int[] {MAX_VALUES, MAX_CHARS});
    }

    private static Object copy(Object array, int[] budget) {
        int length = Array.getLength(array);
        if (length > budget[0]) {
            return TOO_LARGE;
        }
        List<Object> copy = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            Object item = Array.get(array, i);
            Object plain;
            if (item != null && item.getClass().isArray() && !(item instanceof byte[])) {
                plain = copy(item, budget);
            } else {
                plain = JdbcCapture.copy(item);
                if (plain instanceof DriverValues.JsonDocument json) {
                    plain = json.text(); // a json[] element stays its text: documents are parsed at the top level only
                }
                budget[0]--;
                budget[1] -= plain instanceof byte[] bytes ? bytes.length : plain instanceof String text ? text.length() : 0;
                if (budget[0] < 0 || budget[1] < 0) {
                    return TOO_LARGE;
                }
            }
            if (plain == TOO_LARGE) {
                return TOO_LARGE;
            }
            if (plain instanceof JdbcRows.Unreadable) {
                return new JdbcRows.Unreadable("an array holding " + item.getClass().getName());
            }
            copy.add(plain);
        }
        return Collections.unmodifiableList(copy);
    }

    /**
     * The java.sql.Arrays one app thread made last with createArrayOf, held weakly, each with the
     * elements it was made of (the app's own array, not copied: most arrays an app makes are never
     * bound to a statement the agent follows). An app makes a row's arrays, then binds them, so a
     * few suffice. The elements of an Array the collector took go at the thread's next createArrayOf.
     */
    static final class Made {
        private static final int SIZE = 8;
        private final WeakReference<?>[] arrays = new WeakReference<?>[SIZE];
        private final Object[][] elements = new Object[SIZE][];
        private int next;

        void add(Object array, Object[] of) {
            for (int i = 0; i < SIZE; i++) {
                Object held = arrays[i] == null ? null : arrays[i].get();
                if (held == array) {
                    return; // a pool's createArrayOf returning its driver's, which made the array
                }
                if (held == null) {
                    arrays[i] = null;
                    elements[i] = null;
                }
            }
            arrays[next] = new WeakReference<>(array);
            elements[next] = of;
            next = (next + 1) % SIZE;
        }

        /** The elements this Array was made of, or null when this thread did not make it lately. */
        Object[] elementsOf(Object array) {
            for (int i = 0; i < SIZE; i++) {
                if (arrays[i] != null && arrays[i].get() == array) {
                    return elements[i];
                }
            }
            return null;
        }
    }
}
