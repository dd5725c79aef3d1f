package dev.rowcast.config;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.StringConcatException;
import java.lang.invoke.StringConcatFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A compiled room template such as {@code user:{user}} or {@code org:{author.org}:posts}. Compiling
 * parses it once and builds its concatenation; evaluating a row only looks up the named properties
 * and joins the text.
 */
public final class RoomTemplate {

    private final String source;
    private final String[] literals;
    private final PropertyPath[] paths;
    private final int literalLength;
    private final MethodHandle concat;
    /**
     * The rooms of recent values of a one-placeholder template ({@code user:{user}}), by value: rows
     * mostly go to rooms seen before, so a hit makes no string and hands out one whose hash is already
     * known. Direct-mapped, read and written without locks: each slot holds an immutable {@link Seen}.
     */
    private final Seen[] seen;

    private static final int SEEN_SLOTS = 512;

    /** A value, its room, and that room as a list of one (what a collection with this template alone routes to). */
    private record Seen(Object value, String room, List<String> alone) {}

    private RoomTemplate(String source, String[] literals, PropertyPath[] paths) {
        this.source = source;
        this.literals = literals;
        this.paths = paths;
        int length = 0;
        for (String literal : literals) {
            length += literal.length();
        }
        this.literalLength = length;
        // one part is joined by join(); building a concatenation for it would spin classes at start for nothing
        this.concat = paths.length < 2 ? null : concatenation(literals, paths.length);
        this.seen = paths.length == 1 ? new Seen[SEEN_SLOTS] : null;
    }

    /**
     * Compiles a template.
     *
     * @throws IllegalArgumentException when a brace is unbalanced or a {@code {}} is empty; the
     *     message says what to write instead
     */
    public static RoomTemplate compile(String template) {
        TemplateParts parts = new TemplateParts(template);
        PropertyPath[] paths = new PropertyPath[parts.names.size()];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = PropertyPath.parse(parts.names.get(i));
        }
        return new RoomTemplate(template, parts.literals.toArray(new String[0]), paths);
    }

    /**
     * The room of this row, or null when a part is missing, null or empty: a row is never sent to
     * {@code user:null}.
     */
    public String evaluate(Map<String, ?> row) {
        if (paths.length == 0) {
            return source;
        }
        if (seen != null) {
            List<String> room = roomList(row);
            return room.isEmpty() ? null : room.get(0);
        }
        String[] values = new String[paths.length];
        for (int i = 0; i < paths.length; i++) {
            String value = RoomValues.format(paths[i].read(row));
            if (value == null) {
                return null;
            }
            values[i] = value;
        }
        if (concat != null) {
            try {
                return (String) concat.invokeExact(values);
            } catch (Throwable e) {
                throw new IllegalStateException("[rowcast] joining room template '" + source + "' failed", e);
            }
        }
        StringBuilder room = new StringBuilder(literalLength + 12 * values.length).append(literals[0]);
        for (int i = 0; i < values.length; i++) {
            room.append(values[i]).append(literals[i + 1]);
        }
        return room.toString();
    }

    /**
     * {@link #evaluate} as a list, unmodifiable and perhaps shared: the one room, or none. A value seen
     * recently gives the list it gave before, so routing a row to a room seen before makes nothing.
     */
    public List<String> roomList(Map<String, ?> row) {
        String room;
        if (seen == null) {
            room = evaluate(row);
        } else {
            Object value = paths[0].read(row);
            if (cacheable(value)) {
                Seen hit = seenOrMade(value);
                return hit == null ? List.of() : hit.alone;
            }
            room = join(RoomValues.format(value)); // a value no cache keeps (a decimal, a date): made each time
        }
        return room == null ? List.of() : List.of(room);
    }

    /** The cached room of a cacheable value, made and cached on a miss; null when the value gives no room. */
    private Seen seenOrMade(Object value) {
        int slot = (value.hashCode() * 0x9E3779B9 >>> 16) & (SEEN_SLOTS - 1);
        Seen hit = seen[slot];
        // equal values of one of these classes always format alike (an Integer never equals a Long)
        if (hit != null && hit.value.equals(value)) {
            return hit;
        }
        String room = join(RoomValues.format(value));
        if (room == null) {
            return null;
        }
        Seen made = new Seen(value, room, List.of(room));
        seen[slot] = made;
        return made;
    }

    /** Immutable values whose equality means the same text. */
    private static boolean cacheable(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof String || value instanceof UUID
                || value instanceof Short || value instanceof Byte;
    }

    private String join(String value) {
        if (value == null) {
            return null;
        }
        return literals[0] + value + literals[1];
    }

    /**
     * The JDK's own string concatenation for this template's shape, as javac emits for {@code a + b}:
     * it sizes the result once and copies each part once, about twice as fast as a StringBuilder.
     * Null when a literal holds the recipe's tag characters (then the builder serves).
     */
    private static MethodHandle concatenation(String[] literals, int parts) {
        StringBuilder recipe = new StringBuilder();
        for (int i = 0; i < literals.length; i++) {
            if (literals[i].indexOf('\u0001') >= 0 || literals[i].indexOf('\u0002') >= 0) {
                return null;
            }
            recipe.append(literals[i]);
            if (i < parts) {
                recipe.append('\u0001');
            }
        }
        Class<?>[] arguments = new Class<?>[parts];
        Arrays.fill(arguments, String.class);
        try {
            return StringConcatFactory.makeConcatWithConstants(MethodHandles.lookup(), "room",
                            MethodType.methodType(String.class, arguments), recipe.toString())
                    .dynamicInvoker().asSpreader(String[].class, parts)
                    .asType(MethodType.methodType(String.class, String[].class));
        } catch (StringConcatException | IllegalArgumentException e) {
            return null; // e.g. more parts than the factory takes: the builder serves
        }
    }

    /** The property paths this template reads, e.g. [user] or [author.org]. */
    public List<String> properties() {
        List<String> names = new ArrayList<>(paths.length);
        for (PropertyPath path : paths) {
            names.add(path.text());
        }
        return List.copyOf(names);
    }

    /** The row's own properties (a table's columns) this template reads, each once: [author] for {author.org}-{author}. */
    public List<String> columns() {
        List<String> names = new ArrayList<>(paths.length);
        for (PropertyPath path : paths) {
            if (!names.contains(path.head())) {
                names.add(path.head());
            }
        }
        return List.copyOf(names);
    }

    /** The template as written. */
    public String source() {
        return source;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RoomTemplate that && source.equals(that.source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return source;
    }
}
