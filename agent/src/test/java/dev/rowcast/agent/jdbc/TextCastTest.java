package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.statement.create.table.ColDataType;
import org.junit.jupiter.api.Test;

/** Text the SQL casts to JSON or a timestamp reads as one; other text, and values not bound as text, stay as bound. */
class TextCastTest {

    @Test
    void textCastToATimestampWithZoneIsThatInstant() {
        assertThat(TextCast.TIMESTAMP_WITH_ZONE.apply("2025-01-02 03:04:05+00:00")).isEqualTo(OffsetDateTime.parse("2025-01-02T03:04:05Z"));
        assertThat(TextCast.TIMESTAMP_WITH_ZONE.apply("2025-01-02 03:04:05.123456+05:30"))
                .isEqualTo(OffsetDateTime.parse("2025-01-02T03:04:05.123456+05:30"));
        assertThat(TextCast.TIMESTAMP_WITH_ZONE.apply("2025-01-02 03:04:05+00")).isEqualTo(OffsetDateTime.parse("2025-01-02T03:04:05Z"));
        assertThat(TextCast.TIMESTAMP_WITH_ZONE.apply("2025-01-02T03:04:05Z")).isEqualTo(OffsetDateTime.parse("2025-01-02T03:04:05Z"));
        // no offset: the database reads it in its session's zone, which the agent does not know
        assertThat(TextCast.TIMESTAMP_WITH_ZONE.apply("2025-01-02 03:04:05")).isEqualTo(LocalDateTime.parse("2025-01-02T03:04:05"));
    }

    @Test
    void textCastToATimestampIsThatLocalDateTime() {
        assertThat(TextCast.TIMESTAMP.apply("2025-01-02 03:04:05.5")).isEqualTo(LocalDateTime.parse("2025-01-02T03:04:05.5"));
    }

    @Test
    void textCastToJsonIsTheDocument() {
        assertThat(TextCast.JSON.apply("{\"owner\": 8, \"tags\": [\"x\"]}")).isEqualTo(Map.of("owner", 8, "tags", List.of("x")));
    }

    @Test
    void textThatIsNotOfTheTypeAndValuesNotBoundAsTextStayAsBound() {
        assertThat(TextCast.TIMESTAMP_WITH_ZONE.apply("now")).isEqualTo("now");
        assertThat(TextCast.TIMESTAMP.apply("2025-13-45 99:00:00")).isEqualTo("2025-13-45 99:00:00");
        assertThat(TextCast.JSON.apply("{not json")).isEqualTo("{not json");
        OffsetDateTime bound = OffsetDateTime.parse("2025-01-02T03:04:05Z");
        assertThat(TextCast.TIMESTAMP_WITH_ZONE.apply(bound)).isSameAs(bound);
        assertThat(TextCast.JSON.apply(null)).isNull();
    }

    @Test
    void theSqlTypesNamesAreReadAsTheyAreWritten() {
        assertThat(TextCast.of(type("TIMESTAMP WITH TIME ZONE"))).isEqualTo(TextCast.TIMESTAMP_WITH_ZONE);
        assertThat(TextCast.of(type("timestamp(6) with time zone"))).isEqualTo(TextCast.TIMESTAMP_WITH_ZONE);
        assertThat(TextCast.of(type("timestamptz"))).isEqualTo(TextCast.TIMESTAMP_WITH_ZONE);
        assertThat(TextCast.of(type("timestamp"))).isEqualTo(TextCast.TIMESTAMP);
        assertThat(TextCast.of(type("jsonb"))).isEqualTo(TextCast.JSON);
        assertThat(TextCast.of(type("JSON"))).isEqualTo(TextCast.JSON);
        assertThat(TextCast.of(type("uuid"))).isNull();
        assertThat(TextCast.of(type("varchar(20)"))).isNull();
    }

    private static ColDataType type(String name) {
        ColDataType type = new ColDataType();
        type.setDataType(name);
        return type;
    }
}
