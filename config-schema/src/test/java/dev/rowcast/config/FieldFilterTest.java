package dev.rowcast.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldFilterTest {

    private static Map<String, Object> row() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 1);
        row.put("email", "a@example.com");
        row.put("passwordHash", "x");
        row.put("name", "Ann");
        return row;
    }

    @Test
    void excludeDropsTheNamedFieldsAndKeepsTheRowOrder() {
        Map<String, Object> sent = FieldFilter.exclude(List.of("passwordHash")).apply(row());

        assertThat(sent.keySet()).containsExactly("id", "email", "name");
    }

    @Test
    void includeKeepsOnlyTheNamedFieldsInTheRowOrderNotTheListOrder() {
        Map<String, Object> sent = FieldFilter.include(List.of("name", "id", "missing")).apply(row());

        assertThat(sent.keySet()).containsExactly("id", "name");
    }

    /** A JDBC row names its columns (folded to lower case); the rule may name the entity's property. */
    @Test
    void aNameMatchesTheFieldWhateverItsCaseAndUnderscores() {
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("id", 1);
        columns.put("passwordhash", "x");
        columns.put("password_hash", "y");
        columns.put("PASSWORD_HASH", "z");
        columns.put("name", "Ann");

        assertThat(FieldFilter.exclude(List.of("passwordHash")).apply(columns).keySet()).containsExactly("id", "name");
        assertThat(FieldFilter.exclude(List.of("password_hash")).apply(row()).keySet()).containsExactly("id", "email", "name");
        assertThat(FieldFilter.include(List.of("ID", "passwordHash")).apply(columns).keySet())
                .containsExactly("id", "passwordhash", "password_hash", "PASSWORD_HASH");
    }

    @Test
    void filteringLeavesTheRowItselfUntouched() {
        Map<String, Object> row = row();

        FieldFilter.include(List.of("id")).apply(row);

        assertThat(row).hasSize(4);
        assertThat(FieldFilter.ALL.apply(row)).isEqualTo(row);
    }
}
