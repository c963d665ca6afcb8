package io.tapnet.collect;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * An open-addressing hash map from {@code int} keys (IPv4 addresses, mostly) to objects, so that
 * lookups on the forwarding path neither box the key nor allocate.
 */
public final class IntObjectMap<V> {
    private int[] keys;
    private Object[] values;
    private boolean[] used;
    private int size;
    private int mask;

    public IntObjectMap() {
        this(16);
    }

    public IntObjectMap(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new int[capacity];
        values = new Object[capacity];
        used = new boolean[capacity];
        mask = capacity - 1;
    }

    private static int hash(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    @SuppressWarnings("unchecked")
    public V get(int key) {
        int i = hash(key) & mask;
        while (used[i]) {
            if (keys[i] == key) {
                return (V) values[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    public boolean containsKey(int key) {
        return get(key) != null;
    }

    /** Stores {@code value} (non-null) under {@code key}, returning the previous value. */
    @SuppressWarnings("unchecked")
    public V put(int key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("null value");
        }
        int i = hash(key) & mask;
        while (used[i]) {
            if (keys[i] == key) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = key;
        values[i] = value;
        size++;
        if (size * 2 > keys.length) {
            rehash(keys.length * 2);
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    public V computeIfAbsent(int key, IntFunction<V> factory) {
        V v = get(key);
        if (v == null) {
            v = factory.apply(key);
            put(key, v);
        }
        return v;
    }

    /** Removes {@code key} with backward-shift deletion, so probes never meet a tombstone. */
    @SuppressWarnings("unchecked")
    public V remove(int key) {
        int i = hash(key) & mask;
        while (used[i]) {
            if (keys[i] == key) {
                V old = (V) values[i];
                deleteAt(i);
                return old;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    private void deleteAt(int hole) {
        size--;
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            if (!used[i]) {
                break;
            }
            int home = hash(keys[i]) & mask;
            // Move entry i into the hole unless its home lies cyclically in (hole, i].
            boolean homeBetween = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!homeBetween) {
                keys[hole] = keys[i];
                values[hole] = values[i];
                hole = i;
            }
        }
        used[hole] = false;
        values[hole] = null;
        keys[hole] = 0;
    }

    private void rehash(int capacity) {
        int[] oldKeys = keys;
        Object[] oldValues = values;
        boolean[] oldUsed = used;
        keys = new int[capacity];
        values = new Object[capacity];
        used = new boolean[capacity];
        mask = capacity - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldUsed[i]) {
                int j = hash(oldKeys[i]) & mask;
                while (used[j]) {
                    j = (j + 1) & mask;
                }
                used[j] = true;
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
                size++;
            }
        }
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void clear() {
        Arrays.fill(used, false);
        Arrays.fill(values, null);
        size = 0;
    }

    /** Visits every entry; the visitor must not modify the map. */
    @SuppressWarnings("unchecked")
    public void forEach(IntObjectVisitor<V> visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (used[i]) {
                visitor.visit(keys[i], (V) values[i]);
            }
        }
    }

    /** A consumer of map entries. */
    @FunctionalInterface
    public interface IntObjectVisitor<V> {
        void visit(int key, V value);
    }
}
