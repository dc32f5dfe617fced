package dev.weft.crdt;

import dev.weft.crdt.sim.SimNetwork;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * The long variant of {@link RandomizedConvergenceTest}: many more seeds and longer runs, with and without
 * garbage collection. Run with {@code mvn -pl crdt test -Dgroups=slow -Dtest=RandomizedConvergenceForeverTest}
 * ({@code -Dweft.sim.forever.seeds=N} and {@code -Dweft.sim.forever.base=B} pick the seed range).
 */
@Tag("slow")
class RandomizedConvergenceForeverTest {
    @TestFactory
    Stream<DynamicTest> manySeedsConverge() {
        long base = Long.getLong("weft.sim.forever.base", 100_000L);
        int seeds = Integer.getInteger("weft.sim.forever.seeds", 2000);
        int steps = Integer.getInteger("weft.sim.forever.steps", 1500);
        return LongStream.range(base, base + seeds).mapToObj(seed -> DynamicTest.dynamicTest("seed=" + seed,
            () -> new SimNetwork(seed, SimNetwork.Config.of(2 + (int) Math.floorMod(seed, 7L))
                .withGcPercent(seed % 3 == 0 ? 50 : 0)
                .withMaxLength(seed % 5 == 0 ? 3000 : 600)
                .withStateSync(Boolean.parseBoolean(System.getProperty("weft.sim.state", "true")))).run(steps)));
    }
}
