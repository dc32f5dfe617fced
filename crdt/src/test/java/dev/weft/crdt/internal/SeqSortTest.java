package dev.weft.crdt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The radix sort of snapshot index keys orders seqs exactly as a comparison sort does (seeded random inputs). */
class SeqSortTest {
    @Test
    void randomKeysSortBySeqLikeAComparisonSort() {
        SplittableRandom rnd = new SplittableRandom(15);
        for (int round = 0; round < 300; round++) {
            int n = rnd.nextInt(4) == 0 ? rnd.nextInt(300) : rnd.nextInt(20_000);
            int bound = switch (rnd.nextInt(4)) {
                case 0 -> 1 << 11;      // one digit
                case 1 -> 1 << 22;      // two digits
                case 2 -> Integer.MAX_VALUE;
                default -> 1 + rnd.nextInt(n + 1);
            };
            int pad = rnd.nextInt(5);
            long[] keys = new long[n + 2 * pad];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = ((long) rnd.nextInt(bound) << 32) | i; // distinct handles, seqs may repeat
            }
            long[] expected = keys.clone();
            Arrays.sort(expected, pad, pad + n);
            long[] actual = keys.clone();
            SeqSort.sort(actual, pad, pad + n);
            // equal seqs may come in another order: compare the seqs, and the keys as multisets
            for (int i = 0; i < keys.length; i++) {
                assertThat(actual[i] >>> 32).as("round %d, n %d, index %d", round, n, i).isEqualTo(expected[i] >>> 32);
            }
            long[] sortedActual = actual.clone();
            Arrays.sort(sortedActual, pad, pad + n);
            assertThat(sortedActual).as("round %d: same keys", round).isEqualTo(expected);
        }
    }
}
