package dev.rowcast.config;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Locale;
import java.util.Map;

/**
 * A dotted property path such as {@code user} or {@code user.id}, split once. Reading it does a map
 * lookup per segment; a plain object is read through an accessor found once per class.
 */
final class PropertyPath {

    private final String text;
    private final String head;
    private final Segment[] tail;

    private PropertyPath(String text, String head, Segment[] tail) {
        this.text = text;
        this.head = head;
        this.tail = tail;
    }

    /** Throws IllegalArgumentException naming the fault when a segment is empty or has a space. */
    static PropertyPath parse(String text) {
        String[] names = text.split("\\.", -1);
        for (String name : names) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException(text.isEmpty()
                        ? "empty '{}': name a property inside it, such as {user}"
                        : "'{" + text + "}' has an empty part: write it like {user.id}");
            }
            for (int i = 0; i < name.length(); i++) {
                if (Character.isWhitespace(name.charAt(i))) {
                    throw new IllegalArgumentException("'{" + text + "}' has a space in it: write it like {user.id}");
                }
            }
        }
        Segment[] tail = new Segment[names.length - 1];
        for (int i = 1; i < names.length; i++) {
            tail[i - 1] = new Segment(names[i]);
        }
        // interned: a row's keys are mostly interned names too, and a row map compares by identity first
        return new PropertyPath(text, names[0].intern(), tail);
    }

    String text() {
        return text;
    }

    /** The first property the path reads, the row's own: {@code user} of {@code user.id}. */
    String head() {
        return head;
    }

    /** The value at this path, or null when any step is missing or null. */
    Object read(Map<String, ?> row) {
        Object value = row.get(head);
        for (int i = 0; i < tail.length && value != null; i++) {
            value = tail[i].step(value, i == tail.length - 1);
        }
        return value;
    }

    /** One segment after the first; knows how to read itself from a map or from any class. */
    private static final class Segment {
        private final String name;
        private final ClassValue<MethodHandle> accessors;

        Segment(String name) {
            this.name = name;
            this.accessors = new ClassValue<>() {
                @Override
                protected MethodHandle computeValue(Class<?> type) {
                    return accessor(type, name);
                }
            };
        }

        Object step(Object value, boolean last) {
            if (value instanceof Map<?, ?> map) {
                return map.get(name);
            }
            if (RoomValues.isScalar(value)) {
                // an association already reduced to its identifier: {user.id} reads the id itself
                return last && name.equals("id") ? value : null;
            }
            MethodHandle accessor = accessors.get(value.getClass());
            if (accessor == null) {
                return null;
            }
            try {
                return accessor.invoke(value);
            } catch (Throwable e) {
                return null; // a getter that throws leaves this part unresolved: no room, not a crash
            }
        }
    }

    /** A public getter (getX, isX, x()) or public field named {@code name}, or null. */
    static MethodHandle accessor(Class<?> type, String name) {
        if (!Modifier.isPublic(type.getModifiers())) {
            return null;
        }
        String capital = name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        for (String candidate : new String[] {"get" + capital, "is" + capital, name}) {
            try {
                Method method = type.getMethod(candidate);
                if (method.getReturnType() != void.class && !Modifier.isStatic(method.getModifiers())) {
                    return lookup.unreflect(method).asType(MethodType.methodType(Object.class, Object.class));
                }
            } catch (ReflectiveOperationException | SecurityException ignored) {
                // try the next spelling
            }
        }
        try {
            Field field = type.getField(name);
            if (!Modifier.isStatic(field.getModifiers())) {
                return lookup.unreflectGetter(field).asType(MethodType.methodType(Object.class, Object.class));
            }
        } catch (ReflectiveOperationException | SecurityException ignored) {
            // no such property
        }
        return null;
    }

    @Override
    public String toString() {
        return text;
    }
}
