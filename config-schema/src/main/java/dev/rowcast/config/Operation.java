package dev.rowcast.config;

import java.util.Locale;

/** A write that can become an event; {@link #wireName()} is the event's {@code operation}. */
public enum Operation {
    CREATE,
    UPDATE,
    DELETE;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** {@code create}, {@code update} or {@code delete}, as in rowcast.yml and on the wire. */
    public String wireName() {
        return wireName;
    }

    /** The operation of a wire name, or null. */
    public static Operation ofWireName(String name) {
        for (Operation operation : values()) {
            if (operation.wireName().equals(name)) {
                return operation;
            }
        }
        return null;
    }
}
