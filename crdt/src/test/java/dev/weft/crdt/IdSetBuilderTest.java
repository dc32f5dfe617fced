package dev.weft.crdt;

import dev.weft.crdt.model.IdSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link IdSet.Builder} against a set of single ids: ranges added in any order — ascending, descending, shuffled,
 * overlapping, touching, continuing the previous one, several agents — build the set of exactly those ids, reported
 * as sorted, maximal, non-touching ranges.
 */
class IdSetBuilderTest {

    @TestFactory
    Stream<DynamicTest> builtSetHoldsExactlyTheAddedIdsAsMaximalSortedRanges() {
        return LongStream.range(0, 200).mapToObj(seed -> DynamicTest.dynamicTest("seed=" + seed, () -> run(seed)));
    }

    private static void run(long seed) {
        Random rnd = new Random(seed);
        int agents = 1 + rnd.nextInt(4);
        int count = rnd.nextInt(seed % 10 == 0 ? 400 : 40);
        int order = rnd.nextInt(3); // 0 as generated, 1 ascending, 2 descending
        List<long[]> ranges = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long agent = 3 + rnd.nextInt(agents) * 1_000_000_007L;
            long start = rnd.nextInt(300);
            long end = start + rnd.nextInt(rnd.nextInt(4) == 0 ? 40 : 4); // some empty ranges
            ranges.add(new long[]{agent, start, end});
            if (rnd.nextInt(4) == 0) { // one that continues it, as a delete spanning split items adds
                ranges.add(new long[]{agent, end, end + 1 + rnd.nextInt(5)});
            }
        }
        if (order > 0) {
            ranges.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
            if (order == 2) {
                java.util.Collections.reverse(ranges);
            }
        }
        IdSet.Builder b = new IdSet.Builder();
        TreeMap<Long, TreeSet<Long>> expected = new TreeMap<>();
        for (long[] r : ranges) {
            b.add(r[0], r[1], r[2]);
            for (long s = r[1]; s < r[2]; s++) {
                expected.computeIfAbsent(r[0], k -> new TreeSet<>()).add(s);
            }
        }
        assertThat(b.isEmpty()).isEqualTo(ranges.stream().allMatch(r -> r[1] == r[2]));
        IdSet set = b.build();

        List<long[]> reported = new ArrayList<>();
        set.forEachRange((agent, start, end) -> reported.add(new long[]{agent, start, end}));
        List<long[]> want = new ArrayList<>();
        for (var e : expected.entrySet()) {
            long runStart = -1, prev = -2;
            for (long s : e.getValue()) {
                if (s != prev + 1) {
                    if (runStart >= 0) {
                        want.add(new long[]{e.getKey(), runStart, prev + 1});
                    }
                    runStart = s;
                }
                prev = s;
            }
            want.add(new long[]{e.getKey(), runStart, prev + 1});
        }
        assertThat(reported).as("seed %d", seed).containsExactlyElementsOf(want);
        assertThat(set.size()).isEqualTo(expected.values().stream().mapToLong(TreeSet::size).sum());
        assertThat(set.rangeCount()).isEqualTo(want.size());
        assertThat(set.agents()).containsExactly(expected.keySet().stream().mapToLong(Long::longValue).toArray());
    }

    @Test
    void touchingAndOverlappingRangesMergeAcrossAnyOrder() {
        IdSet s = new IdSet.Builder().add(1, 10, 12).add(1, 0, 5).add(1, 5, 7).add(1, 11, 15).add(0, 3, 4).build();
        assertThat(s).isEqualTo(IdSet.range(0, 3, 4).union(IdSet.range(1, 0, 7)).union(IdSet.range(1, 10, 15)));
        assertThat(s.rangeCount()).isEqualTo(3);
    }
}
