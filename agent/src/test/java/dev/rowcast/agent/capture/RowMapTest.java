package dev.rowcast.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowMapTest {

    private static final String[] KEYS = {"id", "name", "qty", "owner"};

    private static RowMap row() {
        return new RowMap(KEYS, new Object[] {7L, "a", 1, null});
    }

    @Test
    void iteratesInColumnOrderWithNullValues() {
        List<String> seen = new ArrayList<>();
        row().forEach((k, v) -> seen.add(k + "=" + v));
        assertThat(seen).containsExactly("id=7", "name=a", "qty=1", "owner=null");
        assertThat(row().entrySet()).extracting(Map.Entry::getKey).containsExactly("id", "name", "qty", "owner");
        assertThat(row().keySet()).containsExactly("id", "name", "qty", "owner");
        assertThat(row().values()).containsExactly(7L, "a", 1, null);
    }

    @Test
    void getFindsKeysEqualButNotIdentical() {
        RowMap row = row();
        assertThat(row.get(new String("qty"))).isEqualTo(1);
        assertThat(row.get("missing")).isNull();
        assertThat(row.get(null)).isNull();
        assertThat(row.containsKey("owner")).isTrue();
        assertThat(row.containsKey("missing")).isFalse();
        assertThat(row.getOrDefault("owner", "x")).isNull();
        assertThat(row.getOrDefault("missing", "x")).isEqualTo("x");
        assertThat(row.containsValue(null)).isTrue();
        assertThat(row.size()).isEqualTo(4);
    }

    @Test
    void equalsTheLinkedHashMapItReplaces() {
        Map<String, Object> linked = new LinkedHashMap<>();
        linked.put("id", 7L);
        linked.put("name", "a");
        linked.put("qty", 1);
        linked.put("owner", null);
        assertThat(row()).isEqualTo(linked).hasSameHashCodeAs(linked);
        assertThat(row().toString()).isEqualTo(linked.toString());
    }

    @Test
    void cannotBeChanged() {
        RowMap row = row();
        assertThatThrownBy(() -> row.put("name", "b")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> row.remove("name")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> row.entrySet().iterator().next().setValue("b")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> {
            var it = row.entrySet().iterator();
            it.next();
            it.remove();
        }).isInstanceOf(UnsupportedOperationException.class);
        assertThat(row.get("name")).isEqualTo("a");
    }

    @Test
    void rejectsKeysAndValuesOfDifferentLengths() {
        assertThatThrownBy(() -> new RowMap(KEYS, new Object[3])).hasMessageContaining("4 keys but 3 values");
    }
}
