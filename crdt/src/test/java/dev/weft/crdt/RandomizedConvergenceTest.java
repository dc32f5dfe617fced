package dev.weft.crdt;

import dev.weft.crdt.sim.SimNetwork;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded randomized convergence: 2–8 replicas editing concurrently over a simulated network that reorders,
 * duplicates, delays, partitions and disconnects (see {@link SimNetwork}); invariants and change events are
 * checked after every step, and text and versions compared at the end. A failure message starts with
 * {@code seed=...}; replay one seed with {@code -Dweft.sim.seed=<seed>} (add {@code -Dweft.sim.state=true} for
 * the full-state variant).
 *
 * <p>CI runs a fixed set of seeds (well under a minute on two cores); {@link RandomizedConvergenceForeverTest}
 * runs many more on demand.
 */
class RandomizedConvergenceTest {
    /** Seeds per replica count; each seed is a separate dynamic test named after it. */
    static final int SEEDS_PER_SIZE = Integer.getInteger("weft.sim.seeds", 6);
    static final int STEPS = Integer.getInteger("weft.sim.steps", 600);

    @TestFactory
    Stream<DynamicTest> replicasConvergeUnderReorderingDuplicationPartitionsAndOfflineSync() {
        Long only = Long.getLong("weft.sim.seed");
        if (only != null) {
            boolean state = Boolean.getBoolean("weft.sim.state");
            return Stream.of(run(only, 2 + (int) Math.floorMod(only, 7L), 0, state));
        }
        return LongStream.range(0, 7L * SEEDS_PER_SIZE)
            .mapToObj(i -> run(1000 + i, 2 + (int) (i % 7), 0, false));
    }

    @TestFactory
    Stream<DynamicTest> gcAndNonGcReplicasConverge() {
        return LongStream.range(0, 2L * SEEDS_PER_SIZE)
            .mapToObj(i -> run(5000 + i, 2 + (int) (i % 4), 50, false));
    }

    @Disabled("bug (FINDINGS-crdt.md): a full state applied to a replica that already has the items drops their"
        + " deletions; fails e.g. seed=1000 (2 replicas) and seed=8 (2 replicas, 10 steps). Re-enable when fixed.")
    @TestFactory
    Stream<DynamicTest> replicasAlsoSyncingByFullStateConverge() {
        return LongStream.range(0, 7L * SEEDS_PER_SIZE)
            .mapToObj(i -> run(3000 + i, 2 + (int) (i % 7), i % 3 == 0 ? 50 : 0, true));
    }

    static DynamicTest run(long seed, int replicas, int gcPercent, boolean stateSync) {
        return DynamicTest.dynamicTest("seed=" + seed + " replicas=" + replicas + " gc%=" + gcPercent
                + (stateSync ? " +state" : ""),
            () -> new SimNetwork(seed, SimNetwork.Config.of(replicas).withGcPercent(gcPercent)
                .withStateSync(stateSync)).run(STEPS));
    }
}
