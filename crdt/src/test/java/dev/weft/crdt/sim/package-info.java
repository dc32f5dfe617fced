/**
 * Reusable test harness for the CRDT: {@link dev.weft.crdt.sim.SimNetwork} (seeded simulated network of 2–8
 * replicas with reordering, duplication, delay, partitions and offline resync), {@link dev.weft.crdt.sim.Peer}
 * (a replica for scenario tests whose change events are checked against a {@link dev.weft.crdt.sim.Shadow}),
 * {@link dev.weft.crdt.sim.TextGen} (surrogate-safe random text and positions) and
 * {@link dev.weft.crdt.sim.Mutator} (seeded byte mutator for decoder fuzzing). Shipped in the crdt test-jar so
 * other modules can reuse it.
 *
 * <p>Every randomized failure message starts with {@code seed=...}; replay a simulation seed with
 * {@code mvn -o -q test -pl crdt -Dtest=RandomizedConvergenceTest -Dweft.sim.seed=<seed>}.
 */
package dev.weft.crdt.sim;
