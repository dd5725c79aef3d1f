package dev.rowcast.config;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Turns SnakeYAML's syntax errors into a sentence with the usual fix. */
final class YamlHints {

    private YamlHints() {}

    /** Where to point: at the '*' of a mistaken alias, else where the parser gave up. */
    static Mark mark(MarkedYAMLException e) {
        if (isAlias(e) && e.getContextMark() != null) {
            return e.getContextMark();
        }
        return e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    }

    private static boolean isAlias(MarkedYAMLException e) {
        return (e.getContext() != null && e.getContext().contains("alias"))
                || (e.getProblem() != null && e.getProblem().contains("alias"));
    }

    static String explain(MarkedYAMLException e) {
        String problem = e.getProblem() == null ? "" : e.getProblem();
        String context = e.getContext() == null ? "" : e.getContext();
        if (problem.contains("'\\t'") || problem.contains("\\t(TAB)")) {
            return "a tab is not allowed for indentation in YAML: indent with spaces";
        }
        if (isAlias(e)) {
            return "YAML reads a leading '*' as an alias: quote the value, as in origin: \"*\"";
        }
        if (problem.contains("found unknown escape character")) {
            return problem + ": in double quotes write \\\\ for a backslash, or use single quotes";
        }
        if (problem.contains("mapping values are not allowed here")) {
            return "a ': ' inside a value starts a mapping here: quote the value, or check the indentation above";
        }
        if (context.contains("while scanning a quoted scalar")) {
            return "a quoted value is not closed: add its closing quote";
        }
        if (problem.contains("expected a single document")) {
            return "only one YAML document is read: remove the '---' and what follows, or merge the documents";
        }
        String text = (context.isEmpty() ? "" : context + ": ") + problem;
        return "not valid YAML: " + text.replace('\n', ' ').trim();
    }
}
