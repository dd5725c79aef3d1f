package dev.rowcast.agent.route;

import java.util.Date;

/**
 * ISO-8601 for the java.util.Date family, whose toString() is not ISO. A {@code Timestamp} is an
 * instant, as a {@code Date} is: both are written in UTC with a {@code Z}, so a browser's
 * {@code new Date(...)} reads the same moment whatever its zone or the JVM's (a time without a zone
 * is read in the browser's own). A SQL {@code DATE} or {@code TIME} has no instant: written as is.
 */
final class IsoDates {

    private IsoDates() {}

    static String format(Date date) {
        if (date instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (date instanceof java.sql.Time t) {
            return t.toLocalTime().toString();
        }
        return date.toInstant().toString();
    }
}
