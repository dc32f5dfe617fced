package dev.weft.crdt;

import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.TextChange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.sim.Peer;
import dev.weft.crdt.sim.Shadow;
import dev.weft.crdt.sim.TextGen;
import dev.weft.crdt.sim.ThreePeers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Change events are what the editor binding applies to a buffer: applying each update's (and each local
 * edit's) {@link TextChange}s in order to a plain copy of the text must reproduce {@code getText()} exactly.
 */
class ChangeEventTest extends ThreePeers {
    @Test
    void localEditReportsExactlyItsInsertOrDelete() {
        TextDocument d = new TextDocument(1);
        assertThat(d.insert(0, "hello").changes()).containsExactly(TextChange.insert(0, "hello"));
        assertThat(d.insert(5, " world").changes()).containsExactly(TextChange.insert(5, " world"));
        assertThat(d.delete(2, 5).changes()).containsExactly(TextChange.delete(2, 5));
        assertThat(d.getText()).isEqualTo("heorld");
    }

    @Test
    void remoteInsertAndDeleteAreReportedAtTheReceiversOffsets() {
        shareFromAToB("abcdef");
        b.insert(0, "123");                 // b: 123abcdef
        byte[] ins = a.insert(3, "X").update();
        assertThat(b.apply(ins)).containsExactly(TextChange.insert(6, "X"));
        byte[] del = a.delete(0, 2).update();
        List<TextChange> changes = b.apply(del);
        assertThat(changes).allSatisfy(c -> assertThat(c.offset()).isEqualTo(3));
        assertThat(changes.stream().mapToInt(TextChange::deleteLength).sum()).isEqualTo(2);
        assertThat(b.text()).isEqualTo("123cXdef");
    }

    @Test
    void remoteDeleteOfARangeSplitByConcurrentInsertsReportsOnlyTheDeletedParts() {
        shareFromAToB("abcdef");
        byte[] del = a.delete(1, 4).update();   // a: af
        b.insert(3, "XY");                       // b: abcXYdef
        List<TextChange> changes = b.apply(del);
        assertThat(b.text()).isEqualTo("aXYf");
        assertThat(changes).allSatisfy(c -> assertThat(c.isInsert()).isFalse());
        assertThat(changes.stream().mapToInt(TextChange::deleteLength).sum()).isEqualTo(4);
    }

    @Test
    void remoteDeleteOfTextAlreadyDeletedLocallyReportsNothingForIt() {
        shareFromAToB("abcdef");
        byte[] del = a.delete(1, 3).update();   // bcd
        b.delete(2, 3);                          // cde
        List<TextChange> changes = b.apply(del);
        assertThat(changes.stream().mapToInt(TextChange::deleteLength).sum()).as("only b is still visible")
            .isEqualTo(1);
        assertThat(b.text()).isEqualTo("af");
    }

    /** Big updates (full states, diffs) into diverged replicas: many changes in one list, in order. */
    @Test
    void changesOfLargeUpdatesIntoDivergedReplicasRebuildTheText() {
        for (long seed = 1; seed <= 50; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Peer[] peers = EncodingRoundTripTest.randomEditedPeers(seed, 3, 30);
            for (int round = 0; round < 6; round++) {
                EncodingRoundTripTest.edit(rnd, peers, 15);
                Peer from = peers[rnd.nextInt(3)];
                Peer to = peers[rnd.nextInt(3)];
                if (from != to) {
                    to.apply(rnd.nextBoolean() ? from.doc.encodeStateAsUpdate() : from.doc.encodeDiff(to.doc.version()));
                }
            }
            Peer.syncAndAssertConverged(peers);
        }
    }

    /** Every local edit's update applied one by one, in random order, to a receiver with its own edits. */
    @Test
    void changesOfShuffledSingleEditUpdatesRebuildTheText() {
        for (long seed = 1; seed <= 50; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            TextDocument a = new TextDocument(1);
            TextDocument b = new TextDocument(2);
            Shadow bShadow = new Shadow();
            List<byte[]> updates = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                TextDocument d = rnd.nextInt(4) == 0 ? b : a;
                String t = d.getText();
                LocalEdit e;
                if (t.length() > 3 && rnd.nextInt(3) == 0) {
                    int pos = TextGen.position(rnd, t);
                    int end = TextGen.snap(t, pos + 1 + rnd.nextInt(5));
                    if (end <= pos) {
                        continue;
                    }
                    e = d.delete(pos, end - pos);
                } else {
                    e = d.insert(TextGen.position(rnd, t), TextGen.text(rnd, 1 + rnd.nextInt(4)));
                }
                if (d == b) {
                    bShadow.apply(e.changes());
                } else {
                    updates.add(e.update());
                }
            }
            java.util.Collections.shuffle(updates, new java.util.Random(seed));
            for (byte[] u : updates) {
                bShadow.apply(b.applyUpdate(u));
                assertThat(bShadow.text()).as("seed=%d", seed).isEqualTo(b.getText());
            }
            b.checkInvariants();
            assertThat(b.hasPendingUpdates()).isFalse();
        }
    }
}
