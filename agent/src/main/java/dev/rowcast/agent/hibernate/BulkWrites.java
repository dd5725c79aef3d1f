package dev.rowcast.agent.hibernate;

import dev.rowcast.config.Operation;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a Hibernate query's bulk write names: its entity (HQL, JPQL, criteria) or its table (native SQL). */
final class BulkWrites {

    /** {@code update [versioned] X}, {@code delete [from] X}, {@code insert into X}, after any comments. */
    private static final Pattern TARGET = Pattern.compile(
            "^\\s*(?:/\\*.*?\\*/\\s*)*(update(?:\\s+versioned)?|delete(?:\\s+from)?|insert\\s+into)\\s+([\\w.$\"`\\[\\]]+)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private BulkWrites() {}

    /** The entity or table the statement writes, null when it names none this way. */
    static String target(String statement) {
        Matcher m = TARGET.matcher(statement);
        return m.find() && !m.group(2).equalsIgnoreCase("from") ? m.group(2) : null;
    }

    /** What the statement does to its rows, by its first word; null when it is none of the three. */
    static Operation operation(String statement) {
        Matcher m = TARGET.matcher(statement);
        if (!m.find()) {
            return null;
        }
        String verb = m.group(1).toLowerCase(Locale.ROOT);
        return verb.startsWith("update") ? Operation.UPDATE : verb.startsWith("delete") ? Operation.DELETE : Operation.CREATE;
    }

    /**
     * The entity a 6.x or 7.x query's statement writes ({@code getSqmStatement().getTarget()
     * .getEntityName()}: criteria too); null for 5.6's queries, which have only their text.
     */
    static String sqmTarget(Object query) {
        try {
            Object statement = query.getClass().getMethod("getSqmStatement").invoke(query);
            Object target = statement.getClass().getMethod("getTarget").invoke(statement);
            Object name = target.getClass().getMethod("getEntityName").invoke(target);
            return name instanceof String entity ? entity : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** A table's name without schema, quotes or case: {@code "PUBLIC"."Item"} is {@code item}. */
    static String plainTable(String name) {
        String last = name.substring(name.lastIndexOf('.') + 1);
        return last.replaceAll("[\"`\\[\\]]", "").toLowerCase(Locale.ROOT);
    }

}
