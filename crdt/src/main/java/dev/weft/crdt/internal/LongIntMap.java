package dev.weft.crdt.internal;

import java.util.Arrays;

/**
 * An open-addressing hash map from non-negative {@code long} keys to {@code int} values, without boxing. Linear
 * probing, load factor at most 1/2, no removal. Used for agent id → agent index.
 */
final class LongIntMap {
    private static final long EMPTY = -1;
    /** Keys, {@link #EMPTY} in free slots; length is a power of two. */
    private long[] keys = new long[16];
    private int[] values = new int[16];
    private int size;

    LongIntMap() {
        Arrays.fill(keys, EMPTY);
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** The value of {@code key}, or -1. */
    int get(long key) {
        int mask = keys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    /** Associates {@code key >= 0} with {@code value}. */
    void put(long key, int value) {
        if ((size + 1) * 2 > keys.length) {
            long[] ok = keys;
            int[] ov = values;
            keys = new long[ok.length * 2];
            values = new int[ok.length * 2];
            Arrays.fill(keys, EMPTY);
            size = 0;
            for (int i = 0; i < ok.length; i++) {
                if (ok[i] != EMPTY) {
                    put(ok[i], ov[i]);
                }
            }
        }
        int mask = keys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            if (keys[i] == EMPTY) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
        }
    }
}
