package dev.rowcast.config;

import java.util.ArrayList;
import java.util.List;

/** Where a value sits in the file: {@code collections.notifications.room}, {@code auth.rooms[1]}. */
final class KeyPath {

    static final KeyPath ROOT = new KeyPath(List.of());

    private final List<Object> segments;

    private KeyPath(List<Object> segments) {
        this.segments = segments;
    }

    static KeyPath of(List<Object> segments) {
        return new KeyPath(List.copyOf(segments));
    }

    KeyPath key(String name) {
        List<Object> next = new ArrayList<>(segments);
        next.add(name);
        return new KeyPath(List.copyOf(next));
    }

    KeyPath index(int index) {
        List<Object> next = new ArrayList<>(segments);
        next.add(index);
        return new KeyPath(List.copyOf(next));
    }

    KeyPath parent() {
        return segments.isEmpty() ? this : new KeyPath(segments.subList(0, segments.size() - 1));
    }

    boolean isRoot() {
        return segments.isEmpty();
    }

    /** The last key, or null for the root or a list item. */
    String lastKey() {
        return segments.isEmpty() || !(segments.get(segments.size() - 1) instanceof String s) ? null : s;
    }

    /** A JSON Pointer, the key the position index uses. */
    String pointer() {
        StringBuilder pointer = new StringBuilder();
        for (Object segment : segments) {
            pointer.append('/').append(segment.toString().replace("~", "~0").replace("/", "~1"));
        }
        return pointer.toString();
    }

    /** As a reader writes it: {@code auth.rooms[1]}; the root is {@code (top level)}. */
    String display() {
        if (segments.isEmpty()) {
            return "(top level)";
        }
        StringBuilder text = new StringBuilder();
        for (Object segment : segments) {
            if (segment instanceof Integer index) {
                text.append('[').append(index).append(']');
            } else {
                if (text.length() > 0) {
                    text.append('.');
                }
                String name = (String) segment;
                text.append(name.isEmpty() || name.contains(".") ? "'" + name + "'" : name);
            }
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyPath that && segments.equals(that.segments);
    }

    @Override
    public int hashCode() {
        return segments.hashCode();
    }

    @Override
    public String toString() {
        return display();
    }
}
