package dev.rowcast.config;

/**
 * One thing wrong with a configuration file, where an editor can jump to it.
 *
 * @param file    the file name as it was given to the loader
 * @param line    1-based line, or 0 when the problem is the file as a whole
 * @param column  1-based column, or 0 when the problem is the file as a whole
 * @param message the key path and what to do, e.g. {@code server: unknown key 'prot' (did you mean 'port'?)}
 */
public record ConfigProblem(String file, int line, int column, String message) {

    /** {@code file:line:column: message}, the form compilers use, so terminals and IDEs link it. */
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column + ": " + message : file + ": " + message;
    }
}
