package dev.rowcast.agent.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A basic property's value that is not a plain one: through its converter, or as a JSON or array column. */
class ColumnValuesTest {

    /** Hibernate's converter contract, as a public interface declares it. */
    public interface Relational {
        Object toRelationalValue(Object domain);
    }

    /** An implementation the agent cannot call directly: not public. */
    private static final class HiddenConverter implements Relational {
        @Override
        public Object toRelationalValue(Object domain) {
            return "column:" + domain;
        }
    }

    /** A 6.x/7.x type: {@code getValueConverter()}. */
    public static final class ConvertedType {
        public Object getValueConverter() {
            return new HiddenConverter();
        }
    }

    /** A 5.x AttributeConverterTypeAdapter: {@code getAttributeConverter()}. */
    public static final class AdapterType {
        public Object getAttributeConverter() {
            return new HiddenConverter();
        }
    }

    /** A basic type without a converter (6.x's answer for a plain type). */
    public static final class PlainType {
        public Object getValueConverter() {
            return null;
        }
    }

    @Test
    void aConverterIsFoundOnEitherHibernatesTypeAndCalledThroughItsInterface() throws Exception {
        assertThat(ColumnConverter.of(new ConvertedType()).toColumn("p")).isEqualTo("column:p");
        assertThat(ColumnConverter.of(new AdapterType()).toColumn("p")).isEqualTo("column:p");
        assertThat(ColumnConverter.of(new PlainType())).isNull();
        assertThat(ColumnConverter.of(new Object())).isNull();
        assertThat(ColumnConverter.of(null)).isNull();
    }

    @Test
    void aJsonColumnsMapAndListsArePlainCopies() {
        Map<Object, Object> json = new LinkedHashMap<>();
        json.put("name", "a");
        json.put(7, List.of(1, 2.5, true));
        json.put("tags", new String[] {"x", "y"});
        json.put("none", null);
        Object copy = RowReader.structured(json);
        assertThat(copy).isInstanceOf(Map.class).isNotSameAs(json);
        assertThat(copy.toString()).isEqualTo("{name=a, 7=[1, 2.5, true], tags=[x, y], none=null}");
    }

    @Test
    void valueTypesHibernateMapsItselfAreTheirStandardText() throws Exception {
        assertThat(RowReader.basic(java.time.Duration.ofMinutes(90))).isEqualTo("PT1H30M");
        assertThat(RowReader.basic(java.util.Locale.UK)).isEqualTo("en_GB");
        assertThat(RowReader.basic(java.util.Currency.getInstance("EUR"))).isEqualTo("EUR");
        assertThat(RowReader.basic(java.util.TimeZone.getTimeZone("Europe/Paris"))).isEqualTo("Europe/Paris");
        assertThat(RowReader.basic(java.time.ZoneId.of("UTC"))).isEqualTo("UTC");
        assertThat(RowReader.basic(new java.net.URI("https://example.org/a"))).isEqualTo("https://example.org/a");
    }

    /** A Calendar (JPA's @Temporal Calendar) is its instant at its own offset, detached from the app's mutable object. */
    @Test
    void aCalendarIsItsInstantAtItsOffset() {
        java.util.Calendar paris = new java.util.GregorianCalendar(java.util.TimeZone.getTimeZone("Europe/Paris"));
        paris.setTimeInMillis(java.time.Instant.parse("2024-01-02T10:15:30Z").toEpochMilli());
        Object plain = RowReader.basic(paris);
        paris.add(java.util.Calendar.DAY_OF_MONTH, 1);
        assertThat(plain).isEqualTo(java.time.OffsetDateTime.parse("2024-01-02T11:15:30+01:00"));
    }

    enum Size { SMALL }

    @Test
    void primitiveArraysAreListsAndEnumKeysTheirNames() {
        assertThat(RowReader.structured(new int[] {1, 2})).isEqualTo(List.of(1, 2));
        assertThat(RowReader.structured(new double[] {0.5})).isEqualTo(List.of(0.5));
        assertThat(RowReader.structured(Map.of(Size.SMALL, 3))).isEqualTo(Map.of("SMALL", 3));
    }

    @Test
    void anAppObjectOrACycleInsideLeavesTheValueOut() {
        Object appKey = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("an app's toString is never called");
            }
        };
        assertThat(RowReader.structured(Map.of(appKey, 1))).isSameAs(RowReader.SKIP);
        assertThat(RowReader.structured(Map.of("price", new Object()))).isSameAs(RowReader.SKIP);
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThat(RowReader.structured(cycle)).isSameAs(RowReader.SKIP);
        // twice: 2^32 paths, cut by the values' budget rather than walked
        cycle.add(cycle);
        assertThat(RowReader.structured(cycle)).isSameAs(RowReader.SKIP);
        assertThat(RowReader.structured(new int[RowReader.MAX_VALUES])).isSameAs(RowReader.SKIP);
        assertThat(RowReader.structured(new int[RowReader.MAX_VALUES - 1])).isInstanceOf(List.class);
        assertThat(RowReader.structured(new Object())).isSameAs(RowReader.SKIP);
    }
}
