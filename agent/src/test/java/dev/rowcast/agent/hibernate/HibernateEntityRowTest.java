package dev.rowcast.agent.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The row a Hibernate entity's values become: the map the listener used to build with a LinkedHashMap, put for put. */
class HibernateEntityRowTest {

    private static final Object SKIP = RowReader.SKIP;

    private static EntityCapture.Entity owner() {
        return new EntityCapture.Entity(new Object(), null, new String[] {"name", "items", "tags", "since"}, new String[] {"id"}, null, null, null);
    }

    @Test
    void identifierFirstThenEveryPropertyInOrder() {
        Map<String, Object> row = owner().row(new Object[] {7L, "alice", null, null, "2024-01-02"});
        assertThat(row.keySet()).containsExactly("id", "name", "items", "tags", "since");
        assertThat(row.values()).containsExactly(7L, "alice", null, null, "2024-01-02");
        assertThat(row).isEqualTo(linked(new Object[] {"id", 7L, "name", "alice", "items", null, "tags", null, "since", "2024-01-02"}));
    }

    @Test
    void collectionsAreLeftOutAndTheOthersKeepTheirOrder() {
        EntityCapture.Entity owner = owner();
        Map<String, Object> both = owner.row(new Object[] {7L, "alice", SKIP, SKIP, "2024"});
        assertThat(both.keySet()).containsExactly("id", "name", "since");
        assertThat(both.values()).containsExactly(7L, "alice", "2024");

        // a row that leaves out another set of properties gets its own keys, not the last row's
        Map<String, Object> one = owner.row(new Object[] {8L, "bob", null, SKIP, "2025"});
        assertThat(one).isEqualTo(linked(new Object[] {"id", 8L, "name", "bob", "items", null, "since", "2025"}));
        assertThat(one.keySet()).containsExactly("id", "name", "items", "since");

        Map<String, Object> again = owner.row(new Object[] {9L, "carol", SKIP, SKIP, "2026"});
        assertThat(again.keySet()).containsExactly("id", "name", "since");
        assertThat(again.get("name")).isEqualTo("carol");
    }

    @Test
    void aShorterStateKeepsTheKeysItHasValuesFor() {
        Map<String, Object> row = owner().row(new Object[] {7L, "alice"});
        assertThat(row).isEqualTo(linked(new Object[] {"id", 7L, "name", "alice"}));
        assertThat(row.keySet()).containsExactly("id", "name");
    }

    /** An identifier that is a value object behind a converter: the column's value, in the event and in data. */
    @Test
    void anIdentifierBehindAConverterIsItsColumnsValue() throws Exception {
        EntityCapture.Entity ticket = new EntityCapture.Entity(new Object(), null, new String[] {"title"}, new String[] {"code"},
                null, null, ColumnConverter.of(new ColumnValuesTest.ConvertedType()));
        Object[] values = new Object[2];
        Object code = new Object() {
            @Override
            public String toString() {
                return "T-7";
            }
        };
        assertThat(ticket.identifier(null, code, null, values)).isEqualTo("column:T-7");
        assertThat(values[0]).isEqualTo("column:T-7");
    }

    @Test
    void keysAndValuesStayPairedWhateverIsLeftOut() {
        EntityCapture.Entity line = new EntityCapture.Entity(new Object(), null, new String[] {"note", "tags"},
                new String[] {"orderId", "lineNo"}, null, null, null);
        Map<String, Object> row = line.row(new Object[] {7L, SKIP, "first", SKIP});
        assertThat(row).isEqualTo(linked(new Object[] {"orderId", 7L, "note", "first"}));
        assertThat(line.row(new Object[] {SKIP, SKIP, SKIP, SKIP})).isEmpty();
    }

    @Test
    void aDirtyCollectionLeftOutOfTheRowIsNotAChange() {
        EntityCapture.Entity owner = owner();
        Map<String, Object> row = owner.row(new Object[] {7L, "alice", SKIP, SKIP, "2024"});
        assertThat(owner.changes(new int[] {0, 1, 3}, row)).containsExactly("name", "since");
        assertThat(owner.changes(new int[] {2}, row)).isEmpty();
    }

    @Test
    void aPropertyNamedLikeTheIdentifierKeepsTheLinkedMapPath() {
        EntityCapture.Entity entity = new EntityCapture.Entity(new Object(), null, new String[] {"id", "name"}, new String[] {"id"}, null, null, null);
        assertThat(entity.keys).isNull();
    }

    private static Map<String, Object> linked(Object[] pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
