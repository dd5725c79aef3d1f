package dev.rowcast.config;

import java.util.ArrayList;
import java.util.List;

/** Splits {@code a{x}b{y}c} into literals [a, b, c] and names [x, y], checking the braces. */
final class TemplateParts {

    final List<String> literals = new ArrayList<>();
    final List<String> names = new ArrayList<>();

    /** Throws IllegalArgumentException naming the fault and its fix. */
    TemplateParts(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("is empty: write a room name such as user:{user}");
        }
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '}') {
                throw new IllegalArgumentException("'" + text + "' has a '}' without its '{' at character " + (i + 1)
                        + ": remove it or open it with '{'");
            }
            if (c != '{') {
                literal.append(c);
                i++;
                continue;
            }
            int close = text.indexOf('}', i + 1);
            int nested = text.indexOf('{', i + 1);
            if (close < 0 || (nested >= 0 && nested < close)) {
                throw new IllegalArgumentException("'" + text + "' has an unbalanced '{' at character " + (i + 1)
                        + ": close it, as in '" + suggestClosed(text, i, nested) + "'");
            }
            literals.add(literal.toString());
            literal.setLength(0);
            names.add(text.substring(i + 1, close).strip());
            i = close + 1;
        }
        literals.add(literal.toString());
    }

    private static String suggestClosed(String text, int open, int nested) {
        int end = nested >= 0 ? nested : text.length();
        int nameEnd = open + 1;
        while (nameEnd < end && (Character.isLetterOrDigit(text.charAt(nameEnd)) || text.charAt(nameEnd) == '_'
                || text.charAt(nameEnd) == '.' || text.charAt(nameEnd) == '$')) {
            nameEnd++;
        }
        return text.substring(0, nameEnd) + "}" + text.substring(nameEnd);
    }
}
