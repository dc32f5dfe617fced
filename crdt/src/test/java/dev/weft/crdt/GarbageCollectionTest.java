package dev.weft.crdt;

import dev.weft.crdt.model.LocalEdit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.sim.Peer;
import dev.weft.crdt.sim.SimNetwork;
import dev.weft.crdt.sim.TextGen;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Garbage collection of deleted content is a per-replica option: a GC replica and a non-GC replica exchanging
 * updates and full states in both directions converge, and restoring collected content fails loudly.
 */
class GarbageCollectionTest {
    /** A replica that collects deleted content (agent 1); new for each test. */
    private final Peer gc = new Peer("gc", 1, true);
    /** A replica that keeps deleted content (agent 2); new for each test. */
    private final Peer keep = new Peer("keep", 2, false);

    @Test
    void gcAndNonGcReplicasExchangingUpdatesAndStatesConverge() {
        for (long seed = 1; seed <= 40; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Peer gc = new Peer("gc", 10, true);
            Peer keep = new Peer("keep", 20, false);
            Peer third = new Peer("third", 30, rnd.nextBoolean());
            Peer[] all = {gc, keep, third};
            for (int i = 0; i < 60; i++) {
                Peer p = all[rnd.nextInt(3)];
                p.randomEdit(rnd, 3, r -> r.nextInt(5) < 2, 8, r -> TextGen.text(r, 1 + r.nextInt(5)));
                switch (rnd.nextInt(6)) {
                    case 0 -> keep.apply(gc.doc.encodeStateAsUpdate());
                    case 1 -> gc.apply(keep.doc.encodeStateAsUpdate());
                    case 2 -> gc.pullFrom(all[rnd.nextInt(3)]);
                    case 3 -> keep.pullFrom(all[rnd.nextInt(3)]);
                    case 4 -> third.pullFrom(all[rnd.nextInt(2)]);
                    default -> { }
                }
            }
            Peer.syncAndAssertConverged(all);
            // A fresh replica of either kind loads either kind of state.
            for (Peer source : all) {
                for (boolean freshGc : new boolean[] {true, false}) {
                    Peer fresh = new Peer("fresh", 99, freshGc);
                    fresh.apply(source.doc.encodeStateAsUpdate());
                    Peer.assertConverged(source, fresh);
                }
            }
        }
    }

    @Test
    void gcReplicaKeepsAcceptingEditsAnchoredOnCollectedText() {
        gc.insert(0, "abcdefgh");
        keep.pullFrom(gc);
        keep.insert(4, "XY");                 // anchored between d and e
        gc.delete(2, 4);                      // cdef collected on gc
        gc.apply(keep.doc.encodeDiff(gc.doc.version()));
        keep.pullFrom(gc);
        assertThat(Peer.assertConverged(gc, keep)).isEqualTo("abXYgh");
        Peer fresh = new Peer("fresh", 3, false);
        fresh.apply(gc.doc.encodeStateAsUpdate());
        keep.insert(2, "!");
        fresh.pullFrom(keep);
        gc.pullFrom(keep);
        Peer.assertConverged(gc, keep, fresh);
    }

    @Test
    void restoreOfCollectedContentThrowsIllegalStateAndChangesNothing() {
        gc.insert(0, "hello world");
        LocalEdit del = gc.delete(0, 6);
        // Content may be collected lazily: a state round trip through a fresh GC replica collects for sure.
        Peer loaded = new Peer("loaded", 5, true);
        loaded.apply(gc.doc.encodeStateAsUpdate());
        int threw = 0;
        for (Peer p : new Peer[] {loaded, gc}) {
            String text = p.text();
            byte[] state = p.doc.encodeStateAsUpdate();
            try {
                p.restore(del.deleted());
            } catch (IllegalStateException expected) {
                threw++;
                assertThat(p.text()).isEqualTo(text);
                assertThat(p.doc.encodeStateAsUpdate()).isEqualTo(state);
                p.check();
            }
        }
        assertThat(threw).as("restoring collected content must throw IllegalStateException").isPositive();
    }

    @Test
    void gcDropsDeletedContentFromTheEncodedState() {
        Peer gc = new Peer("gc", 1, true);
        Peer keep = new Peer("keep", 1, false);
        // Random letters: the codec may deflate, and repeated characters would compress to nothing.
        String big = TextGen.text(new SplittableRandom(5), 20_000).replaceAll("[^a-z]", "q");
        for (Peer p : new Peer[] {gc, keep}) {
            p.insert(0, "start ");
            p.insert(6, big);
            p.insert(6 + big.length(), " end");
            p.delete(6, big.length());
        }
        assertThat(gc.text()).isEqualTo(keep.text()).isEqualTo("start  end");
        int gcSize = gc.doc.encodeStateAsUpdate().length;
        int keepSize = keep.doc.encodeStateAsUpdate().length;
        assertThat(keepSize).as("non-GC state keeps the deleted text").isGreaterThan(big.length() / 4);
        assertThat(gcSize).as("GC state drops it").isLessThan(1000);
        Peer fresh = new Peer("fresh", 2);
        fresh.apply(gc.doc.encodeStateAsUpdate());
        fresh.apply(keep.doc.encodeStateAsUpdate());
        assertThat(fresh.text()).isEqualTo("start  end");
    }

    @Test
    void nonGcReplicaReloadedFromItsOwnStateCanStillRestoreItsDeletes() {
        // A journaled replica persists encodeStateAsUpdate() and reloads it with the same agent.
        Peer before = new Peer("before", 1);
        before.insert(0, "keep this text");
        LocalEdit del = before.delete(5, 5);
        Peer reloaded = new Peer("reloaded", 1);
        reloaded.apply(before.doc.encodeStateAsUpdate());
        reloaded.restore(del.deleted());
        assertThat(reloaded.text()).isEqualTo("keep this text");
    }

    @Test
    void nonGcReplicaCanRestoreWhatAGcPeerCollected() {
        keep.insert(0, "keep this");
        gc.pullFrom(keep);
        LocalEdit del = keep.delete(0, 5);
        gc.pullFrom(keep);
        keep.apply(gc.doc.encodeStateAsUpdate()); // GC'd items must not replace keep's content
        keep.restore(del.deleted());
        assertThat(keep.text()).isEqualTo("keep this");
        gc.pullFrom(keep);
        Peer.assertConverged(gc, keep);
    }

    @Test
    void randomizedNetworkWithGcReplicasConverges() {
        for (long seed = 9_000; seed < 9_006; seed++) {
            new SimNetwork(seed, SimNetwork.Config.of(3 + (int) (seed % 3)).withGcPercent(60)).run(400);
        }
    }
}
