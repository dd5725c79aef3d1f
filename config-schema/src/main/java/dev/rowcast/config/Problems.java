package dev.rowcast.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The problems found so far in one file; one per place, in file order. */
final class Problems {

    private final String file;
    private final List<ConfigProblem> found = new ArrayList<>();
    private final Set<String> places = new HashSet<>();
    private final Set<KeyPath> tainted = new HashSet<>();

    Problems(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    /** Adds a problem unless one is already reported at that place: the first, most specific, wins. */
    void add(int line, int column, String message) {
        if (places.add(line + ":" + column)) {
            found.add(new ConfigProblem(file, line, column, message));
        }
    }

    /**
     * Marks a value whose own problem is reported (an unset variable, say): what follows from it,
     * such as "must not be empty", would only repeat that problem.
     */
    void taint(KeyPath path) {
        tainted.add(path);
    }

    /** A problem at a value: {@code path: message}. */
    void at(SourceTree.Spot spot, KeyPath path, String message) {
        if (tainted.contains(path)) {
            return;
        }
        add(spot.line(), spot.column(), path.isRoot() ? message : path.display() + ": " + message);
    }

    /** A problem at a key (unknown, duplicate, misplaced): the column of the key itself. */
    void atKey(SourceTree.Spot spot, KeyPath path, String message) {
        add(spot.keyLine(), spot.keyColumn(), path.isRoot() ? message : path.display() + ": " + message);
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    List<ConfigProblem> sorted() {
        List<ConfigProblem> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
        return sorted;
    }
}
