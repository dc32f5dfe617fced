package dev.weft.crdt;

import dev.weft.crdt.model.IdSet;
import dev.weft.crdt.model.VersionVector;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.sim.Peer;
import dev.weft.crdt.sim.TextGen;
import dev.weft.crdt.sim.ThreePeers;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Encoding round trips: a full state reproduces text and version in a fresh replica, a diff against a
 * version brings a replica at that version level, and a diff between equal versions is a no-op. Also the
 * small value types: {@link VersionVector} and {@link IdSet}.
 */
class EncodingRoundTripTest extends ThreePeers {
    @Test
    void fullStateIntoFreshReplicaReproducesTextAndVersion() {
        for (long seed = 1; seed <= 30; seed++) {
            Peer[] peers = randomEditedPeers(seed, 3, 80);
            Peer.syncAndAssertConverged(peers);
            for (Peer p : peers) {
                Peer fresh = new Peer("fresh", 1000 + seed);
                fresh.apply(p.doc.encodeStateAsUpdate());
                Peer.assertConverged(p, fresh);
                Peer again = new Peer("again", 2000 + seed);
                again.apply(fresh.doc.encodeStateAsUpdate());
                Peer.assertConverged(p, again);
            }
        }
    }

    @Test
    void stateOfADivergedReplicaLoadsOnlyItsOwnKnowledge() {
        Peer[] peers = randomEditedPeers(7, 3, 60);
        Peer fresh = new Peer("fresh", 5);
        fresh.apply(peers[1].doc.encodeStateAsUpdate());
        Peer.assertConverged(peers[1], fresh);
    }

    @Test
    void diffAgainstAVersionBringsThatReplicaLevel() {
        for (long seed = 1; seed <= 30; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Peer[] peers = randomEditedPeers(seed, 3, 40);
            Peer.syncAndAssertConverged(peers);
            // Snapshot replica at version v, then everyone keeps editing without it.
            Peer behind = new Peer("behind", 4242);
            behind.apply(peers[0].doc.encodeStateAsUpdate());
            VersionVector v = behind.doc.version();
            edit(rnd, peers, 40);
            Peer.syncAndAssertConverged(peers);
            byte[] diff = peers[rnd.nextInt(3)].doc.encodeDiff(v);
            behind.apply(diff);
            Peer.assertConverged(peers[0], behind);
            assertThat(diff.length).as("seed=%d: a diff is not larger than the full state", seed)
                .isLessThanOrEqualTo(peers[0].doc.encodeStateAsUpdate().length);
        }
    }

    @Test
    void diffOfEqualVersionsAppliesAsNoOp() {
        Peer[] peers = randomEditedPeers(3, 2, 50);
        Peer.syncAndAssertConverged(peers);
        String text = peers[1].text();
        Map<Long, Long> version = peers[1].doc.version().asMap();
        byte[] state = peers[1].doc.encodeStateAsUpdate();
        assertThat(peers[1].apply(peers[0].doc.encodeDiff(peers[1].doc.version()))).isEmpty();
        assertThat(peers[1].apply(peers[1].doc.encodeDiff(peers[1].doc.version()))).isEmpty();
        assertThat(peers[1].text()).isEqualTo(text);
        assertThat(peers[1].doc.version().asMap()).isEqualTo(version);
        assertThat(peers[1].doc.encodeStateAsUpdate()).isEqualTo(state);
    }

    @Test
    void fullStateAppliedToAReplicaThatHasTheItemsCarriesTheirDeletions() {
        shareFromAToB("hello");
        a.delete(1, 3);
        b.apply(a.doc.encodeStateAsUpdate());
        assertThat(b.text()).isEqualTo("ho");
        Peer.assertConverged(a, b);
        // and the other way round: b's own deletion reaches a through b's full state
        b.delete(0, 1);
        a.apply(b.doc.encodeStateAsUpdate());
        assertThat(Peer.assertConverged(a, b)).isEqualTo("o");
    }

    @Test
    void reapplyingAnyUpdateIsIdempotent() {
        byte[] u1 = a.insert(0, "hello").update();
        byte[] u2 = a.delete(1, 2).update();
        byte[] state = a.doc.encodeStateAsUpdate();
        for (byte[] u : new byte[][] {u1, u2, state, u1, state, u2}) {
            b.apply(u);
        }
        assertThat(b.apply(u1)).isEmpty();
        assertThat(b.apply(u2)).isEmpty();
        assertThat(b.apply(state)).isEmpty();
        Peer.assertConverged(a, b);
    }

    @Test
    void emptyDocumentEncodesAndLoads() {
        TextDocument empty = new TextDocument(1);
        TextDocument fresh = new TextDocument(2);
        assertThat(fresh.applyUpdate(empty.encodeStateAsUpdate())).isEmpty();
        assertThat(fresh.applyUpdate(empty.encodeDiff(VersionVector.EMPTY))).isEmpty();
        assertThat(fresh.getText()).isEmpty();
        assertThat(fresh.version().asMap()).isEmpty();
        fresh.checkInvariants();
    }

    @Test
    void versionVectorEncodeDecodeAndCovers() {
        VersionVector v = VersionVector.of(Map.of(1L, 5L, (1L << 53) - 1, 1L << 40, 7L, 0L));
        assertThat(v.asMap()).containsOnly(Map.entry(1L, 5L), Map.entry((1L << 53) - 1, 1L << 40));
        assertThat(v.get(7)).isZero();
        assertThat(v.get(99)).isZero();
        assertThat(VersionVector.decode(v.encode()).asMap()).isEqualTo(v.asMap());
        assertThat(VersionVector.decode(VersionVector.EMPTY.encode()).asMap()).isEmpty();
        VersionVector w = VersionVector.of(Map.of(1L, 4L));
        assertThat(v.covers(w)).isTrue();
        assertThat(w.covers(v)).isFalse();
        assertThat(v.covers(VersionVector.EMPTY)).isTrue();
        assertThat(VersionVector.EMPTY.covers(w)).isFalse();
        assertThat(VersionVector.of(Map.of(2L, 1L)).covers(w)).isFalse();
    }

    @Test
    void idSetBasics() {
        IdSet s = IdSet.range(1, 0, 5).union(IdSet.range(1, 10, 12)).union(IdSet.range(2, 3, 4));
        assertThat(s.size()).isEqualTo(8);
        assertThat(s.contains(1, 4)).isTrue();
        assertThat(s.contains(1, 5)).isFalse();
        assertThat(s.contains(1, 11)).isTrue();
        assertThat(s.contains(2, 3)).isTrue();
        assertThat(s.contains(2, 2)).isFalse();
        assertThat(s.contains(3, 0)).isFalse();
        assertThat(s.union(IdSet.range(1, 3, 11)).size()).as("overlaps merge").isEqualTo(13);
        assertThat(IdSet.EMPTY.isEmpty()).isTrue();
        assertThat(IdSet.EMPTY.size()).isZero();
        assertThat(s.isEmpty()).isFalse();
        assertThat(IdSet.EMPTY.union(s).size()).isEqualTo(8);
    }

    static Peer[] randomEditedPeers(long seed, int n, int steps) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Peer[] peers = new Peer[n];
        for (int i = 0; i < n; i++) {
            peers[i] = new Peer("p" + i, rnd.nextLong(1L << 53));
        }
        edit(rnd, peers, steps);
        return peers;
    }

    static void edit(SplittableRandom rnd, Peer[] peers, int steps) {
        for (int i = 0; i < steps; i++) {
            Peer p = peers[rnd.nextInt(peers.length)];
            p.randomEdit(rnd, 3, r -> r.nextInt(3) == 0, 6, r -> TextGen.text(r, 1 + r.nextInt(6)));
            if (rnd.nextInt(5) == 0) {
                Peer q = peers[rnd.nextInt(peers.length)];
                if (q != p) {
                    q.pullFrom(p);
                }
            }
        }
    }
}
