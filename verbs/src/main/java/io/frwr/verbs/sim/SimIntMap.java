package io.frwr.verbs.sim;

import java.util.function.Consumer;

/** int (non-zero) to object, open addressing with linear probing; no boxing on lookups. Not thread-safe. */
final class SimIntMap<V> {
    private int[] keys;
    private Object[] values;
    private int mask;
    private int size;

    SimIntMap() {
        keys = new int[16];
        values = new Object[16];
        mask = 15;
    }

    private static int hash(int k) {
        final int h = k * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    V get(int key) {
        int i = hash(key) & mask;
        while (true) {
            final int k = keys[i];
            if (k == key) {
                return (V) values[i];
            }
            if (k == 0) {
                return null;
            }
            i = (i + 1) & mask;
        }
    }

    void put(int key, V value) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0 is reserved");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int i = hash(key) & mask;
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == 0) {
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    @SuppressWarnings("unchecked")
    V remove(int key) {
        int i = hash(key) & mask;
        while (keys[i] != key) {
            if (keys[i] == 0) {
                return null;
            }
            i = (i + 1) & mask;
        }
        final V old = (V) values[i];
        // backward-shift deletion: move later entries of the probe run into the hole when allowed
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (keys[j] == 0) {
                break;
            }
            final int home = hash(keys[j]) & mask;
            final boolean homeInHoleToJ = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!homeInHoleToJ) {
                keys[i] = keys[j];
                values[i] = values[j];
                i = j;
            }
        }
        keys[i] = 0;
        values[i] = null;
        size--;
        return old;
    }

    @SuppressWarnings("unchecked")
    void forEachValue(Consumer<V> action) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                action.accept((V) values[i]);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void grow() {
        final int[] oldKeys = keys;
        final Object[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                put(oldKeys[i], (V) oldValues[i]);
            }
        }
    }
}
