package dev.weft.crdt.internal;

import java.util.Arrays;

/**
 * Sorts {@code (seq << 32) | handle} keys by seq in linear time, for building the id indexes of a loaded snapshot
 * (whose items come in document order, not seq order): a least-significant-digit radix sort over the seq's
 * 31 bits in 11-bit digits, skipping digits that are the same in every key. Short ranges use a comparison sort.
 */
final class SeqSort {
    private static final int BITS = 11;
    private static final int BUCKETS = 1 << BITS;
    /** Below this many keys a comparison sort is cheaper than the bucket counts. */
    private static final int SMALL = 256;

    private SeqSort() {
    }

    /**
     * Sorts {@code keys[from, to)} by their upper 32 bits (the seq, {@code >= 0}); postcondition: ascending seqs
     * (keys of equal seqs, which a valid snapshot does not have, in some order).
     */
    static void sort(long[] keys, int from, int to) {
        int n = to - from;
        if (n < SMALL) {
            Arrays.sort(keys, from, to);
            return;
        }
        long or = 0, and = -1;
        for (int i = from; i < to; i++) {
            or |= keys[i];
            and &= keys[i];
        }
        long[] src = keys, dst = new long[n];
        int srcOff = from, dstOff = 0;
        int[] count = new int[BUCKETS];
        for (int shift = 32; shift < 63; shift += BITS) {
            if (((or ^ and) >>> shift & (BUCKETS - 1)) == 0) {
                continue; // this digit is the same in every key
            }
            Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[(int) (src[srcOff + i] >>> shift) & (BUCKETS - 1)]++;
            }
            for (int b = 0, sum = 0; b < BUCKETS; b++) {
                int c = count[b];
                count[b] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                long k = src[srcOff + i];
                dst[dstOff + count[(int) (k >>> shift) & (BUCKETS - 1)]++] = k;
            }
            long[] t = src;
            src = dst;
            dst = t;
            int o = srcOff;
            srcOff = dstOff;
            dstOff = o;
        }
        if (src != keys) {
            System.arraycopy(src, srcOff, keys, from, n);
        }
    }
}
