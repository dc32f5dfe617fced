package dev.weft.crdt;

import dev.weft.crdt.sim.SimNetwork;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded randomized convergence: 2–8 replicas editing concurrently over a simulated network that reorders,
 * duplicates, delays, partitions and disconnects (see {@link SimNetwork}); invariants and change events are
 * checked after every step, and text and versions compared at the end. A failure message starts with
 * {@code seed=...}; replay one seed with {@code -Dweft.sim.seed=<seed>} (add {@code -Dweft.sim.state=false} for
 * the diff-only variant).
 *
 * <p>CI runs a fixed set of seeds (well under a minute on two cores); {@link RandomizedConvergenceForeverTest}
 * runs many more on demand.
 */
class RandomizedConvergenceTest {
    /** Seeds per replica count; each seed is a separate dynamic test named after it. */
    static final int SEEDS_PER_SIZE = Integer.getInteger("weft.sim.seeds", 10);
    static final int STEPS = Integer.getInteger("weft.sim.steps", 600);

    @TestFactory
    Stream<DynamicTest> replicasConvergeUnderReorderingDuplicationPartitionsAndOfflineSync() {
        Long only = Long.getLong("weft.sim.seed");
        if (only != null) {
            boolean state = Boolean.parseBoolean(System.getProperty("weft.sim.state", "true"));
            return Stream.of(run(only, 2 + (int) Math.floorMod(only, 7L), 0, state));
        }
        return LongStream.range(0, 7L * SEEDS_PER_SIZE)
            .mapToObj(i -> run(1000 + i, 2 + (int) (i % 7), 0, true));
    }

    @TestFactory
    Stream<DynamicTest> gcAndNonGcReplicasConverge() {
        return LongStream.range(0, 2L * SEEDS_PER_SIZE)
            .mapToObj(i -> run(5000 + i, 2 + (int) (i % 4), 50, true));
    }

    /** Replicas that sync only by {@code encodeDiff}, the relay protocol's path. */
    @TestFactory
    Stream<DynamicTest> replicasSyncingByDiffOnlyConverge() {
        return LongStream.range(0, 7L * Math.max(1, SEEDS_PER_SIZE / 2))
            .mapToObj(i -> run(3000 + i, 2 + (int) (i % 7), i % 3 == 0 ? 50 : 0, false));
    }

    static DynamicTest run(long seed, int replicas, int gcPercent, boolean stateSync) {
        return DynamicTest.dynamicTest("seed=" + seed + " replicas=" + replicas + " gc%=" + gcPercent
                + (stateSync ? " +state" : ""),
            () -> new SimNetwork(seed, SimNetwork.Config.of(replicas).withGcPercent(gcPercent)
                .withStateSync(stateSync)).run(STEPS));
    }
}
