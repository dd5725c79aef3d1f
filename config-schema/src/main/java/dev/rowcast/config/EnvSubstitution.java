package dev.rowcast.config;

import java.util.Map;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} in a value, from the environment; {@code $${} writes a
 * literal {@code ${}. The default applies when the variable is unset or empty, as in a shell.
 */
final class EnvSubstitution {

    /** Receives each fault with its character offset in the value. */
    interface Faults {
        void fault(int offset, String message);
    }

    private EnvSubstitution() {}

    static boolean mayContain(String value) {
        return value.indexOf('$') >= 0;
    }

    /** As {@link #apply(String, Map, boolean, Faults)} for a value that is no secret. */
    static String apply(String value, Map<String, String> env, Faults faults) {
        return apply(value, env, false, faults);
    }

    /** @param secret whether the value is a secret, which a missing variable's message never suggests writing into the file */
    static String apply(String value, Map<String, String> env, boolean secret, Faults faults) {
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '$' && value.startsWith("$${", i)) {
                out.append("${");
                i += 3;
                continue;
            }
            if (c != '$' || !value.startsWith("${", i)) {
                out.append(c);
                i++;
                continue;
            }
            int close = value.indexOf('}', i + 2);
            if (close < 0) {
                faults.fault(i, "'" + value.substring(i) + "' is not closed: write ${NAME} or ${NAME:-default}");
                return out.toString();
            }
            String body = value.substring(i + 2, close);
            int separator = body.indexOf(":-");
            String name = separator < 0 ? body : body.substring(0, separator);
            if (!isName(name)) {
                faults.fault(i, "'${" + body + "}' does not name a variable: a name is letters, digits and _,"
                        + " as in ${NAME} or ${NAME:-default}");
            } else {
                String set = env.get(name);
                if (set != null && !(set.isEmpty() && separator >= 0)) {
                    out.append(set);
                } else if (separator >= 0) {
                    out.append(body, separator + 2, body.length());
                } else {
                    faults.fault(i, "environment variable " + name + " is not set: " + (secret
                            ? "set it in the environment the app starts in (a secret has no place in the file)"
                            : "set it, or give a default as in ${" + name + ":-value}"));
                }
            }
            i = close + 1;
        }
        return out.toString();
    }

    private static boolean isName(String name) {
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }
}
