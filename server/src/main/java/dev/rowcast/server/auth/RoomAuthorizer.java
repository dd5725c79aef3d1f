package dev.rowcast.server.auth;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides which rooms a socket may join and emit into, from the {@code auth.rooms} patterns:
 * {@code user:{sub}} is the literal {@code user:} followed by the socket's {@code sub} claim,
 * {@code chat:*} is {@code chat:} followed by anything non-empty. A claim value is matched
 * literally (a {@code *} in it is just a character). Patterns are compiled once; a check
 * compares string regions, with no regex and no allocation.
 */
public final class RoomAuthorizer {
    private static final RoomAuthorizer ALLOW_ALL = new RoomAuthorizer(null);

    private final List<Pattern> patterns; // null: any room

    private RoomAuthorizer(List<Pattern> patterns) {
        this.patterns = patterns;
    }

    /** Allows every room: the plugin's behaviour, used when {@code auth.rooms} is absent. */
    public static RoomAuthorizer allowAll() {
        return ALLOW_ALL;
    }

    /** From the options: {@link #allowAll()} when {@code auth.rooms} is absent. */
    public static RoomAuthorizer of(AuthOptions options) {
        return options.rooms().map(RoomAuthorizer::compile).orElse(ALLOW_ALL);
    }

    /**
     * @param patterns e.g. {@code ["user:{sub}", "chat:*"]}; an empty list allows no room
     * @throws IllegalArgumentException naming the pattern and what is wrong with it
     */
    public static RoomAuthorizer compile(List<String> patterns) {
        List<Pattern> compiled = new ArrayList<>(patterns.size());
        for (String pattern : patterns) {
            compiled.add(Pattern.compile(pattern));
        }
        return new RoomAuthorizer(List.copyOf(compiled));
    }

    /** True when some pattern, with {@code {claim}}s taken from {@code claims}, matches {@code room}. */
    public boolean allows(String room, Map<String, Object> claims) {
        if (patterns == null) {
            return room != null;
        }
        if (room == null || room.isEmpty()) {
            return false;
        }
        for (Pattern pattern : patterns) {
            if (pattern.matches(room, claims)) {
                return true;
            }
        }
        return false;
    }

    /**
     * For a room refused: a pattern that starts as the room does but reads a claim this token has no
     * usable value for, as {@code {"user:{userId}", "userId"}}; null when no pattern does.
     */
    public String[] missingClaim(String room, Map<String, Object> claims) {
        if (patterns == null || room == null) {
            return null;
        }
        for (Pattern pattern : patterns) {
            String claim = pattern.missingClaim(room, claims);
            if (claim != null) {
                return new String[] {pattern.source, claim};
            }
        }
        return null;
    }

    /** True when no pattern restricts rooms. */
    public boolean allowsAll() {
        return patterns == null;
    }

    /**
     * A claim as room text: a non-empty string, or an integral number in plain digits (Payload's
     * numeric user ids); anything else (absent, empty, fractional, a list...) has no text.
     */
    static String claimText(Object value) {
        if (value instanceof String s) {
            return s.isEmpty() ? null : s;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            return value.toString();
        }
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            try {
                return new BigDecimal(value.toString()).toBigIntegerExact().toString();
            } catch (ArithmeticException | NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** One pattern: literal and {@code {claim}} parts, optionally ending in {@code *}. */
    private static final class Pattern {
        private final String[] literals; // literals[i] precedes claims[i]; the last one ends the pattern
        private final String[] claims;
        private final String[][] claimPaths; // the dotted claims split once, for nested lookups
        private final boolean wildcard;
        private final String source;

        private Pattern(String source, String[] literals, String[] claims, boolean wildcard) {
            this.source = source;
            this.literals = literals;
            this.claims = claims;
            this.claimPaths = new String[claims.length][];
            for (int i = 0; i < claims.length; i++) {
                claimPaths[i] = claims[i].split("\\.", -1);
            }
            this.wildcard = wildcard;
        }

        static Pattern compile(String pattern) {
            if (pattern == null || pattern.isEmpty()) {
                throw new IllegalArgumentException("auth.rooms: an empty pattern matches no room; remove it");
            }
            boolean wildcard = pattern.endsWith("*");
            String body = wildcard ? pattern.substring(0, pattern.length() - 1) : pattern;
            List<String> literals = new ArrayList<>();
            List<String> claims = new ArrayList<>();
            StringBuilder literal = new StringBuilder();
            for (int i = 0; i < body.length(); i++) {
                char c = body.charAt(i);
                if (c == '*') {
                    throw bad(pattern, "'*' is only allowed at the end (e.g. chat:*)");
                } else if (c == '}') {
                    throw bad(pattern, "'}' at position " + (i + 1) + " has no matching '{'");
                } else if (c == '{') {
                    int close = body.indexOf('}', i);
                    if (close < 0) {
                        throw bad(pattern, "'{' at position " + (i + 1) + " is never closed");
                    }
                    String claim = body.substring(i + 1, close).trim();
                    if (claim.isEmpty() || claim.indexOf('{') >= 0) {
                        throw bad(pattern, "'{...}' must name one token claim, e.g. {sub}");
                    }
                    if (close + 1 == body.length() && wildcard) {
                        throw bad(pattern, "a {claim} directly before '*' lets sub=1 reach the rooms of sub=12;"
                                + " put a separator between them, e.g. user:{sub}:*");
                    }
                    literals.add(literal.toString());
                    literal.setLength(0);
                    claims.add(claim);
                    i = close;
                } else {
                    literal.append(c);
                }
            }
            literals.add(literal.toString());
            return new Pattern(pattern, literals.toArray(new String[0]), claims.toArray(new String[0]), wildcard);
        }

        private static IllegalArgumentException bad(String pattern, String problem) {
            return new IllegalArgumentException("auth.rooms: pattern '" + pattern + "': " + problem);
        }

        boolean matches(String room, Map<String, Object> tokenClaims) {
            return walk(room, tokenClaims) == MATCHES;
        }

        /**
         * The claim this pattern would have matched the room with but for the token's want of it;
         * null when the room matches, or parts from the pattern before such a claim (another room,
         * another user's).
         */
        String missingClaim(String room, Map<String, Object> tokenClaims) {
            int walked = walk(room, tokenClaims);
            return walked >= 0 ? claims[walked] : null;
        }

        private static final int MATCHES = -1;
        private static final int PARTS = -2;

        /**
         * Walks the room along the pattern: {@link #MATCHES}, {@link #PARTS} when the room parts from
         * it, or the index of the first claim the token has no usable value for.
         */
        private int walk(String room, Map<String, Object> tokenClaims) {
            int at = 0;
            for (int i = 0; i < claims.length; i++) {
                if (!room.startsWith(literals[i], at)) {
                    return PARTS;
                }
                at += literals[i].length();
                String value = claimText(tokenClaims == null ? null : lookup(tokenClaims, claims[i], claimPaths[i]));
                if (value == null) {
                    return i;
                }
                if (!room.startsWith(value, at)) {
                    return PARTS;
                }
                at += value.length();
            }
            String tail = literals[claims.length];
            if (!room.startsWith(tail, at)) {
                return PARTS;
            }
            at += tail.length();
            return (wildcard ? room.length() > at : room.length() == at) ? MATCHES : PARTS;
        }

        /** A claim by its name, or through nested objects by a dotted path ({@code org.id}). */
        private static Object lookup(Map<String, Object> claims, String name, String[] path) {
            Object direct = claims.get(name);
            if (direct != null || path.length == 1) {
                return direct;
            }
            Object current = claims;
            for (String part : path) {
                if (!(current instanceof Map<?, ?> map)) {
                    return null;
                }
                current = map.get(part);
            }
            return current;
        }
    }
}
