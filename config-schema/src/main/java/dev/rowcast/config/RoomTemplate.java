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

    private RoomTemplate(String source, String[] literals, PropertyPath[] paths) {
        this.source = source;
        this.literals = literals;
        this.paths = paths;
        int length = 0;
        for (String literal : literals) {
            length += literal.length();
        }
        this.literalLength = length;
        this.concat = paths.length == 0 ? null : concatenation(literals, paths.length);
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
        return new RoomTemplate(template, parts.literals.toArray(String[]::new), paths);
    }

    /**
     * The room of this row, or null when a part is missing, null or empty: a row is never sent to
     * {@code user:null}.
     */
    public String evaluate(Map<String, ?> row) {
        if (paths.length == 0) {
            return source;
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
