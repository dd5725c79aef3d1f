package dev.rowcast.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A compiled {@code auth.rooms} entry such as {@code user:{sub}} or {@code chat:*}: {@code {claim}}
 * is that claim of the socket's token, a final {@code *} matches any non-empty rest. Matching
 * compares text in place; nothing is parsed or built per call.
 */
public final class RoomPattern {

    private final String source;
    private final String[] literals;
    private final PropertyPath[] claims;
    private final boolean wildcard;

    private RoomPattern(String source, String[] literals, PropertyPath[] claims, boolean wildcard) {
        this.source = source;
        this.literals = literals;
        this.claims = claims;
        this.wildcard = wildcard;
    }

    /**
     * Compiles a pattern.
     *
     * @throws IllegalArgumentException when a brace is unbalanced, a {@code {}} is empty, or a
     *     {@code *} is not the last character; the message says what to write instead
     */
    public static RoomPattern compile(String pattern) {
        boolean wildcard = pattern.endsWith("*");
        String body = wildcard ? pattern.substring(0, pattern.length() - 1) : pattern;
        int star = body.indexOf('*');
        if (star >= 0) {
            throw new IllegalArgumentException("'" + pattern + "' can never match as meant: '*' may only end a pattern"
                    + " (it matches any non-empty rest), as in 'chat:*'");
        }
        TemplateParts parts = body.isEmpty() && wildcard ? null : new TemplateParts(body);
        if (parts == null) {
            return new RoomPattern(pattern, new String[] {""}, new PropertyPath[0], true);
        }
        PropertyPath[] claims = new PropertyPath[parts.names.size()];
        for (int i = 0; i < claims.length; i++) {
            claims[i] = PropertyPath.parse(parts.names.get(i));
        }
        return new RoomPattern(pattern, parts.literals.toArray(new String[0]), claims, wildcard);
    }

    /** Whether a socket with these token claims may use {@code room}. */
    public boolean matches(String room, Map<String, ?> claims) {
        if (room == null) {
            return false;
        }
        int at = 0;
        for (int i = 0; i < this.claims.length; i++) {
            if (!room.startsWith(literals[i], at)) {
                return false;
            }
            at += literals[i].length();
            String value = claims == null ? null : RoomValues.format(this.claims[i].read(claims));
            if (value == null || !room.startsWith(value, at)) {
                return false;
            }
            at += value.length();
        }
        String last = literals[literals.length - 1];
        if (!room.startsWith(last, at)) {
            return false;
        }
        at += last.length();
        return wildcard ? room.length() > at : room.length() == at;
    }

    /** The claims this pattern reads, e.g. [sub]. */
    public List<String> claims() {
        List<String> names = new ArrayList<>(claims.length);
        for (PropertyPath claim : claims) {
            names.add(claim.text());
        }
        return List.copyOf(names);
    }

    public String source() {
        return source;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RoomPattern that && source.equals(that.source);
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
