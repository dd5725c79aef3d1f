package dev.rowcast.agent.jdbc;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Locale;
import net.sf.jsqlparser.statement.create.table.ColDataType;

/**
 * A cast the SQL puts on a value the app binds as text ({@code ?::jsonb}, {@code CAST(? AS TIMESTAMP
 * WITH TIME ZONE)}, as jOOQ writes its timestamps on PostgreSQL): the database reads the text as
 * that type, and so does the row. Text that does not read as the type stays the text.
 */
enum TextCast {
    /** json, jsonb: the document. */
    JSON {
        @Override
        Object read(String text) {
            return new DriverValues.JsonDocument(text).parsed();
        }
    },
    /** timestamptz, timestamp with time zone: an instant, written as such (a text without an offset: a local date-time). */
    TIMESTAMP_WITH_ZONE {
        @Override
        Object read(String text) {
            return DATE_TIME.parseBest(text.trim(), OffsetDateTime::from, LocalDateTime::from);
        }
    },
    /** timestamp [without time zone]: a local date-time. */
    TIMESTAMP {
        @Override
        Object read(String text) {
            return LocalDateTime.from(DATE_TIME.parse(text.trim()));
        }
    };

    /** {@code 2025-01-02 03:04:05}, with a T or a space, any fraction, and an offset or none ({@code +00}, {@code +05:30}, {@code Z}). */
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:mm", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);

    abstract Object read(String text);

    /** The value as the cast reads it: text is read, anything else is as bound. */
    Object apply(Object value) {
        if (value instanceof String text) {
            try {
                return read(text);
            } catch (RuntimeException notThatType) {
                // DateTimeParseException; DateTimeException when the text has no date-time of this kind
                return text;
            }
        }
        return value;
    }

    /** The cast to this SQL type, or null for a type whose text is kept as bound. */
    static TextCast of(ColDataType type) {
        if (type == null || type.getDataType() == null) {
            return null;
        }
        String name = type.getDataType().toLowerCase(Locale.ROOT).replaceAll("\\(\\s*\\d+\\s*\\)", "").replaceAll("\\s+", " ").trim();
        return switch (name) {
            case "json", "jsonb" -> JSON;
            case "timestamptz", "timestamp with time zone" -> TIMESTAMP_WITH_ZONE;
            case "timestamp", "timestamp without time zone" -> TIMESTAMP;
            default -> null;
        };
    }
}
