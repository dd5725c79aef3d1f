package dev.rowcast.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowRingTest {

    private static final Object MARK = new Object();

    /** Values keep their type: an Integer comes back an Integer, a Long a Long, the rest as they were. */
    @Test
    void valuesComeBackAsTheyWerePut() {
        RowRing ring = new RowRing(10, 5);
        ring.put(1, new Object[] {7, 7L, "7", null, MARK});
        assertThat(ring.get(1L)).containsExactly(7, 7L, "7", null, MARK);
        assertThat(ring.get(1L)[0]).isInstanceOf(Integer.class);
        assertThat(ring.get(1L)[1]).isInstanceOf(Long.class);
    }

    /** An id bound as an int, a long or a decimal literal is one key; text is another. */
    @Test
    void wholeNumberIdsMeetAndTextStaysApart() {
        RowRing ring = new RowRing(10, 1);
        ring.put(7, new Object[] {"int"});
        ring.put("7", new Object[] {"text"});
        assertThat(ring.get(7L)).containsExactly("int");
        assertThat(ring.get(new BigDecimal("7.0"))).containsExactly("int");
        assertThat(ring.get("7")).containsExactly("text");
        assertThat(ring.remove(7L)).containsExactly("int");
        assertThat(ring.get(7)).isNull();
        assertThat(ring.get("7")).containsExactly("text");
    }

    /** Past the bound the entry put longest ago goes; one put again in place keeps its turn. */
    @Test
    void theOldestEntryGoesPastTheBound() {
        RowRing ring = new RowRing(3, 1);
        ring.put(1, new Object[] {"a"});
        ring.put(2, new Object[] {"b"});
        ring.put(3, new Object[] {"c"});
        ring.put(1, new Object[] {"a2"});
        ring.put(4, new Object[] {"d"});
        assertThat(ring.get(1)).isNull();
        assertThat(ring.get(2)).containsExactly("b");
        assertThat(ring.get(4)).containsExactly("d");
    }

    /** A ring of no entries keeps nothing, and a negative bound is refused. */
    @Test
    void aBoundOfZeroKeepsNothing() {
        RowRing ring = new RowRing(0, 1);
        ring.put(1, new Object[] {"a"});
        assertThat(ring.get(1)).isNull();
        assertThat(ring.remove(1)).isNull();
        ring.clear();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RowRing(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Random puts, gets, removes, doubts, changes of every entry and clears over colliding keys,
     * across growth and wrap-around, against a model: each new key takes the next insertion number, and the key that took the
     * number one bound before it, if still kept, goes.
     */
    @Test
    void agreesWithAModelUnderRandomUse() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int bound : new int[] {1, 2, 37, 300, 1000}) {
            RowRing ring = new RowRing(bound, 2);
            Map<Object, Object[]> values = new HashMap<>();
            Map<Object, Long> turns = new HashMap<>();
            Map<Long, Object> byTurn = new HashMap<>();
            Set<Object> doubted = new HashSet<>();
            long turn = 0;
            for (int step = 0; step < 50_000; step++) {
                Object id = id(random, bound);
                Object key = RowMemory.key(id);
                int op = random.nextInt(100);
                if (op < 45) {
                    Object[] put = {random.nextInt(1000), random.nextBoolean() ? "v" + step : (Object) (long) step};
                    if (!values.containsKey(key)) {
                        Object evicted = byTurn.remove(turn - bound);
                        if (evicted != null) {
                            values.remove(evicted);
                            turns.remove(evicted);
                            doubted.remove(evicted);
                        }
                        turns.put(key, turn);
                        byTurn.put(turn, key);
                        turn++;
                    }
                    values.put(key, put);
                    doubted.remove(key);
                    ring.put(id, put);
                } else if (op < 72) {
                    assertThat(ring.get(id)).as("seed %d, bound %d, step %d, get %s", seed, bound, step, id).isEqualTo(values.get(key));
                    assertThat(ring.certain(id)).as("seed %d, bound %d, step %d, certain %s", seed, bound, step, id)
                            .isEqualTo(values.containsKey(key) && !doubted.contains(key));
                } else if (op < 94) {
                    Object[] expected = values.remove(key);
                    doubted.remove(key);
                    Long was = turns.remove(key);
                    if (was != null) {
                        byTurn.remove(was);
                    }
                    assertThat(ring.remove(id)).as("seed %d, bound %d, step %d, remove %s", seed, bound, step, id).isEqualTo(expected);
                } else if (op < 96) {
                    // the entries whose first value is a multiple of three, their key as the ring gives it
                    values.forEach((k, v) -> {
                        if ((Integer) v[0] % 3 == 0) {
                            doubted.add(k);
                        }
                    });
                    ring.forEachSlot(slot -> {
                        assertThat(ring.keyIn(slot, values.keySet())).isTrue();
                        if ((Integer) ring.cell(slot, 0) % 3 == 0) {
                            ring.doubtAt(slot);
                        }
                    });
                } else if (op < 99) {
                    values.replaceAll((k, v) -> (Integer) v[0] % 2 == 1 ? new Object[] {(Integer) v[0] + 1, v[1]} : v);
                    ring.forEachSlot(slot -> {
                        if ((Integer) ring.cell(slot, 0) % 2 == 1) {
                            ring.setAt(slot, new Object[] {(Integer) ring.cell(slot, 0) + 1, ring.cell(slot, 1)});
                        }
                    });
                } else {
                    ring.clear();
                    values.clear();
                    turns.clear();
                    byTurn.clear();
                    doubted.clear();
                    turn = 0;
                }
            }
            for (int id = 0; id < bound * 3; id++) {
                assertThat(ring.get(id)).as("seed %d, bound %d, final get %d", seed, bound, id).isEqualTo(values.get(RowMemory.key(id)));
            }
        }
    }

    private static Object id(Random random, int bound) {
        int n = random.nextInt(bound * 3 + 2);
        return switch (random.nextInt(4)) {
            case 0 -> n;
            case 1 -> (long) n;
            case 2 -> "k" + n;
            default -> new BigDecimal(n).setScale(1);
        };
    }
}
