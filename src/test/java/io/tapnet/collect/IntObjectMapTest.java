package io.tapnet.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class IntObjectMapTest {

    @Test
    void putGetReplaceRemove() {
        IntObjectMap<String> m = new IntObjectMap<>();
        assertTrue(m.isEmpty());
        assertNull(m.put(0, "zero"));
        assertNull(m.put(-1, "minus one"));
        assertEquals("zero", m.put(0, "nought"));
        assertEquals("nought", m.get(0));
        assertEquals("minus one", m.get(-1));
        assertEquals(2, m.size());
        assertTrue(m.containsKey(-1));
        assertEquals("minus one", m.remove(-1));
        assertNull(m.remove(-1));
        assertFalse(m.containsKey(-1));
        assertEquals(1, m.size());
    }

    @Test
    void rejectsNullValues() {
        assertThrows(IllegalArgumentException.class, () -> new IntObjectMap<String>().put(1, null));
    }

    @Test
    void computeIfAbsentCallsTheFactoryOnce() {
        IntObjectMap<StringBuilder> m = new IntObjectMap<>();
        int[] calls = new int[1];
        StringBuilder first = m.computeIfAbsent(7, k -> {
            calls[0]++;
            return new StringBuilder("k" + k);
        });
        StringBuilder second = m.computeIfAbsent(7, k -> {
            calls[0]++;
            return new StringBuilder();
        });
        assertTrue(first == second);
        assertEquals(1, calls[0]);
        assertEquals("k7", first.toString());
    }

    @Test
    void growsPastItsInitialCapacity() {
        IntObjectMap<Integer> m = new IntObjectMap<>(2);
        for (int i = 0; i < 10_000; i++) {
            m.put(i * 256, i); // keys that agree in their low bits
        }
        assertEquals(10_000, m.size());
        for (int i = 0; i < 10_000; i++) {
            assertEquals(i, m.get(i * 256));
        }
    }

    @Test
    void clearThenReuse() {
        IntObjectMap<String> m = new IntObjectMap<>();
        m.put(1, "a");
        m.put(2, "b");
        m.clear();
        assertEquals(0, m.size());
        assertNull(m.get(1));
        m.put(2, "c");
        assertEquals("c", m.get(2));
        assertEquals(1, m.size());
    }

    /** Random puts and removes over a small key space against a HashMap, for many seeds. */
    @Test
    void behavesLikeAHashMapUnderRandomChurn() {
        for (int seed = 0; seed < 150; seed++) {
            Random r = new Random(seed);
            IntObjectMap<Integer> m = new IntObjectMap<>(1 + r.nextInt(8));
            Map<Integer, Integer> model = new HashMap<>();
            int keySpace = 1 + r.nextInt(200);
            int[] keys = new int[keySpace];
            for (int i = 0; i < keySpace; i++) {
                keys[i] = r.nextBoolean() ? r.nextInt() : i << 16;
            }
            for (int op = 0; op < 3_000; op++) {
                int key = keys[r.nextInt(keySpace)];
                int s = seed;
                int o = op;
                java.util.function.Supplier<String> where = () -> "seed " + s + " op " + o;
                int choice = r.nextInt(10);
                if (choice < 5) {
                    assertEquals(model.put(key, op), m.put(key, op), where);
                } else if (choice < 9) {
                    assertEquals(model.remove(key), m.remove(key), where);
                } else {
                    assertEquals(model.get(key), m.get(key), where);
                }
                assertEquals(model.size(), m.size(), where);
            }
            TreeMap<Integer, Integer> seen = new TreeMap<>();
            m.forEach((k, v) -> assertNull(seen.put(k, v), "forEach visits each key once"));
            assertEquals(new TreeMap<>(model), seen, "seed " + seed);
            for (int k : keys) {
                assertEquals(model.get(k), m.get(k));
            }
        }
    }
}
