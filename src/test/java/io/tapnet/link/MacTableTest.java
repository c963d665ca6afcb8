package io.tapnet.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MacTableTest {
    static final long AGING = 1_000;

    @Test
    void learnsLooksUpAndMoves() {
        MacTable t = new MacTable(8, AGING);
        assertTrue(t.learn(0x0200_0000_0001L, 3, 0));
        assertEquals(3, t.lookup(0x0200_0000_0001L, 0));
        assertTrue(t.learn(0x0200_0000_0001L, 5, 10));
        assertEquals(5, t.lookup(0x0200_0000_0001L, 10));
        assertEquals(1, t.size());
        assertEquals(-1, t.lookup(0x0200_0000_0002L, 10));
    }

    @Test
    void theAllZeroAndAllOnesAddressesAreOrdinaryKeys() {
        // The table stores mac + 1 so that 0 can mark an empty slot: 00:00:00:00:00:00 must still work.
        MacTable t = new MacTable(8, AGING);
        assertTrue(t.learn(0L, 1, 0));
        assertTrue(t.learn(0xffff_ffff_ffffL, 2, 0));
        assertEquals(1, t.lookup(0L, 0));
        assertEquals(2, t.lookup(0xffff_ffff_ffffL, 0));
        assertEquals(2, t.size());
    }

    @Test
    void agingIsStrictlyOlderThanTheAgingTime() {
        MacTable t = new MacTable(8, AGING);
        t.learn(7, 1, 100);
        assertEquals(1, t.lookup(7, 100 + AGING));
        assertEquals(-1, t.lookup(7, 100 + AGING + 1));
        assertEquals(0, t.size(), "a lookup that finds a stale entry removes it");
    }

    @Test
    void expireRemovesOnlyStaleEntries() {
        MacTable t = new MacTable(16, AGING);
        for (int i = 0; i < 10; i++) {
            t.learn(i, i, i * 100L);
        }
        assertEquals(3, t.expire(100 + AGING + 150)); // learned at 0, 100, 200 are older than AGING
        assertEquals(7, t.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(i < 3 ? -1 : i, t.lookup(i, 1300));
        }
    }

    @Test
    void isBoundedAndCountsLearnFailures() {
        MacTable t = new MacTable(4, AGING);
        for (int i = 0; i < 4; i++) {
            assertTrue(t.learn(i, 0, 0));
        }
        assertFalse(t.learn(99, 0, 0));
        assertFalse(t.learn(100, 0, 0));
        assertEquals(2, t.learnFailures());
        assertEquals(4, t.size());
        assertTrue(t.learn(2, 1, 5), "a known address still refreshes when the table is full");
        assertEquals(1, t.lookup(2, 5));
        t.flushPort(0);
        assertEquals(1, t.size());
        assertTrue(t.learn(99, 0, 5), "room again after a flush");
    }

    /**
     * A full table whose entries have all aged out holds nothing a lookup would return, so a new
     * address must be learned in place of a stale one rather than counted as a learn failure (and its
     * traffic flooded) until the next sweep, which for the default aging time is up to 75 s away.
     */
    @Test

    void aFullTableOfAgedEntriesStillLearnsANewAddress() {
        MacTable t = new MacTable(2, AGING);
        t.learn(1, 1, 0);
        t.learn(2, 1, 0);
        assertTrue(t.learn(3, 2, AGING + 1), "both old entries are past the aging time");
        assertEquals(2, t.lookup(3, AGING + 1));
        assertEquals(0, t.learnFailures());
    }

    @Test
    void flushPortRemovesExactlyThatPortsEntries() {
        MacTable t = new MacTable(64, AGING);
        for (int i = 0; i < 60; i++) {
            t.learn(i * 7919L, i % 3, 0);
        }
        t.flushPort(1);
        assertEquals(40, t.size());
        for (int i = 0; i < 60; i++) {
            assertEquals(i % 3 == 1 ? -1 : i % 3, t.lookup(i * 7919L, 0));
        }
    }

    @Test
    void clearEmptiesTheTable() {
        MacTable t = new MacTable(8, AGING);
        t.learn(1, 1, 0);
        t.learn(2, 2, 0);
        t.clear();
        assertEquals(0, t.size());
        assertEquals(-1, t.lookup(1, 0));
        assertTrue(t.learn(3, 3, 0));
        assertEquals(List.of(new MacTable.Entry(3, 3, 0)), t.entries(0));
    }

    @Test
    void rejectsANonPositiveLimit() {
        assertThrows(IllegalArgumentException.class, () -> new MacTable(0, AGING));
    }

    /** The reference: what the table must behave like, with no hashing to get wrong. */
    static final class Model {
        record Slot(int port, long lastSeen) {
        }

        final Map<Long, Slot> map = new HashMap<>();
        final int limit;
        final long aging;
        long failures;

        Model(int limit, long aging) {
            this.limit = limit;
            this.aging = aging;
        }

        int lookup(long mac, long now) {
            Slot s = map.get(mac);
            if (s == null) {
                return -1;
            }
            if (now - s.lastSeen > aging) {
                map.remove(mac);
                return -1;
            }
            return s.port;
        }

        boolean learn(long mac, int port, long now) {
            if (map.containsKey(mac)) {
                map.put(mac, new Slot(port, now));
                return true;
            }
            if (map.size() >= limit) {
                failures++;
                return false;
            }
            map.put(mac, new Slot(port, now));
            return true;
        }

        boolean isFullWithStaleEntries(long mac, long now) {
            return !map.containsKey(mac) && map.size() >= limit
                    && map.values().stream().anyMatch(slot -> now - slot.lastSeen > aging);
        }

        int expire(long now) {
            int n = 0;
            for (Iterator<Slot> it = map.values().iterator(); it.hasNext(); ) {
                if (now - it.next().lastSeen > aging) {
                    it.remove();
                    n++;
                }
            }
            return n;
        }

        void flushPort(int port) {
            map.values().removeIf(s -> s.port == port);
        }

        List<MacTable.Entry> entries(long now) {
            List<MacTable.Entry> out = new ArrayList<>();
            map.forEach((mac, s) -> {
                if (now - s.lastSeen <= aging) {
                    out.add(new MacTable.Entry(mac, s.port, now - s.lastSeen));
                }
            });
            out.sort(Comparator.comparingLong(MacTable.Entry::mac));
            return out;
        }
    }

    /**
     * Heavy churn against a HashMap model: random learns, lookups (which delete stale entries), sweeps
     * and port flushes over a key space larger than the table, so that probe chains are long, wrap
     * around the end of the arrays, and backward-shift deletion runs in every shape. After every
     * operation the size agrees; regularly, every key is looked up in both.
     */
    @Test
    void behavesLikeAHashMapUnderRandomChurn() {
        for (int seed = 0; seed < 100; seed++) {
            Random r = new Random(seed);
            int limit = 1 + r.nextInt(seed % 4 == 0 ? 8 : 64);
            MacTable table = new MacTable(limit, AGING);
            Model model = new Model(limit, AGING);
            int keySpace = limit * 3 + 1;
            long[] keys = new long[keySpace];
            for (int i = 0; i < keySpace; i++) {
                // Some keys differ in few bits, some are random, one is all ones.
                keys[i] = switch (i % 3) {
                    case 0 -> i;
                    case 1 -> r.nextLong() & 0xffff_ffff_ffffL;
                    default -> 0x0200_0000_0000L | ((long) i << 20);
                };
            }
            keys[keySpace - 1] = 0xffff_ffff_ffffL;
            long now = 0;
            for (int op = 0; op < 3_000; op++) {
                now += r.nextInt(40);
                long key = keys[r.nextInt(keySpace)];
                int choice = r.nextInt(100);
                int s = seed;
                int o = op;
                java.util.function.Supplier<String> where = () -> "seed " + s + " op " + o;
                if (choice < 50) {
                    int port = r.nextInt(4);
                    if (model.isFullWithStaleEntries(key, now)) {
                        // Whether a full table reclaims a stale slot on learn is tested on its own
                        // (aFullTableOfAgedEntriesStillLearnsANewAddress); here, sweep first.
                        assertEquals(model.expire(now), table.expire(now), where);
                    }
                    assertEquals(model.learn(key, port, now), table.learn(key, port, now), where);
                } else if (choice < 90) {
                    assertEquals(model.lookup(key, now), table.lookup(key, now), where);
                } else if (choice < 96) {
                    assertEquals(model.expire(now), table.expire(now), where);
                } else {
                    int port = r.nextInt(4);
                    model.flushPort(port);
                    table.flushPort(port);
                }
                assertEquals(model.map.size(), table.size(), where);
                assertEquals(model.failures, table.learnFailures(), where);
                if (op % 97 == 0) {
                    List<MacTable.Entry> actual = new ArrayList<>(table.entries(now));
                    actual.sort(Comparator.comparingLong(MacTable.Entry::mac));
                    assertEquals(model.entries(now), actual, where);
                    for (long k : keys) {
                        assertEquals(model.lookup(k, now), table.lookup(k, now), where);
                    }
                    assertEquals(model.map.size(), table.size(), where);
                }
            }
        }
    }
}
