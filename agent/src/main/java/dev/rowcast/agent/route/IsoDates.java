package dev.rowcast.agent.route;

import java.util.Date;

/** ISO-8601 for the java.util.Date family, whose toString() is not ISO. */
final class IsoDates {

    private IsoDates() {}

    static String format(Date date) {
        if (date instanceof java.sql.Date d) {
            return d.toLocalDate().toString();
        }
        if (date instanceof java.sql.Time t) {
            return t.toLocalTime().toString();
        }
        if (date instanceof java.sql.Timestamp ts) {
            return ts.toLocalDateTime().toString();
        }
        return date.toInstant().toString();
    }
}
