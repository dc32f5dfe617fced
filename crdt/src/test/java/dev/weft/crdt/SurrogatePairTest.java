package dev.weft.crdt;

import dev.weft.crdt.model.IdSet;
import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.TextChange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.crdt.sim.Peer;
import dev.weft.crdt.sim.SimNetwork;
import dev.weft.crdt.sim.TextGen;
import dev.weft.crdt.sim.ThreePeers;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Positions are UTF-16 code units, and no edit may split a surrogate pair; emoji-heavy text converges. */
class SurrogatePairTest extends ThreePeers {
    private static final String DOC = "a😀b🎉";  // a, U+1F600 (2 units), b, U+1F389 (2 units): length 6

    @Test
    void lengthCountsUtf16Units() {
        TextDocument d = new TextDocument(1);
        LocalEdit e = d.insert(0, DOC);
        assertThat(d.length()).isEqualTo(6);
        assertThat(e.inserted().size()).isEqualTo(6);
        assertThat(e.changes()).containsExactly(TextChange.insert(0, DOC));
    }

    @Test
    void insertBetweenTheHalvesOfAPairThrowsAndLeavesDocumentUnchanged() {
        TextDocument d = docWithPairs();
        Snapshot before = new Snapshot(d);
        assertThatThrownBy(() -> d.insert(2, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.insert(5, "😀")).isInstanceOf(IllegalArgumentException.class);
        before.assertUnchanged(d);
    }

    @Test
    void deleteStartingOrEndingInsideAPairThrowsAndLeavesDocumentUnchanged() {
        TextDocument d = docWithPairs();
        Snapshot before = new Snapshot(d);
        assertThatThrownBy(() -> d.delete(2, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.delete(1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.delete(2, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.delete(0, 5)).isInstanceOf(IllegalArgumentException.class);
        before.assertUnchanged(d);
    }

    @Test
    void deletingWholePairsWorks() {
        TextDocument d = docWithPairs();
        d.delete(1, 2);
        assertThat(d.getText()).isEqualTo("ab🎉");
        d.delete(2, 2);
        assertThat(d.getText()).isEqualTo("ab");
        d.checkInvariants();
    }

    @Test
    void outOfRangeEditsThrowIndexOutOfBoundsAndLeaveDocumentUnchanged() {
        TextDocument d = docWithPairs();
        Snapshot before = new Snapshot(d);
        assertThatThrownBy(() -> d.insert(-1, "x")).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> d.insert(7, "x")).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> d.delete(4, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> d.delete(-1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        before.assertUnchanged(d);
    }

    @Test
    void splittingPositionsAreRejectedAfterRemoteEditsToo() {
        shareFromAToB("xy");
        a.insert(1, "🚀🚀");
        b.insert(2, "😀");
        Peer.syncAndAssertConverged(a, b);
        String t = a.text();
        for (int pos = 0; pos <= t.length(); pos++) {
            int p = pos;
            if (TextGen.splitsPair(t, p)) {
                assertThatThrownBy(() -> a.doc.insert(p, "z")).isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThat(a.text()).isEqualTo(t);
        a.check();
    }

    /**
     * An id set may name only one half of a pair (ids are per UTF-16 unit). deleteIds must then either refuse
     * with IllegalArgumentException (document unchanged) or delete the whole pair — never leave a lone surrogate.
     */
    @Test
    void deleteIdsOfHalfASurrogatePairNeverLeavesALoneSurrogate() {
        for (int half = 1; half <= 2; half++) {
            Peer a = new Peer("a", 1);
            a.insert(0, "x😀y");                           // ids (1,0) x, (1,1) high, (1,2) low, (1,3) y
            assertWholePairOrRefused(a, half, a::deleteIds);
        }
    }

    /** Same for restore: bringing back one half of a deleted pair must not create a lone surrogate. */
    @Test
    void restoreOfHalfADeletedSurrogatePairNeverLeavesALoneSurrogate() {
        for (int half = 1; half <= 2; half++) {
            Peer a = new Peer("a", 1);
            a.insert(0, "x😀y");
            a.delete(1, 2);
            assertWholePairOrRefused(a, half, a::restore);
        }
    }

    /**
     * Applies {@code op} to the id of unit {@code half} (1: high, 2: low surrogate) of the pair in "x😀y" (agent 1):
     * either the text is "xy" or "x😀y" afterwards, or {@code op} refused with IllegalArgumentException and left the
     * document unchanged; invariants hold either way.
     */
    private static void assertWholePairOrRefused(Peer a, int half, java.util.function.Consumer<IdSet> op) {
        Snapshot before = new Snapshot(a.doc);
        try {
            op.accept(IdSet.range(1, half, half + 1));
            assertThat(a.text()).as("half %d", half).isIn("xy", "x😀y");
        } catch (IllegalArgumentException refused) {
            before.assertUnchanged(a.doc);
        }
        a.check();
    }

    @Test
    void concurrentEmojiTypingConverges() {
        SplittableRandom rnd = new SplittableRandom(42);
        Peer[] peers = {new Peer("a", 1), new Peer("b", 2), new Peer("c", 3)};
        for (int round = 0; round < 50; round++) {
            for (Peer p : peers) {
                p.randomEdit(rnd, 10, r -> r.nextInt(3) == 0, 6, r -> TextGen.emoji(r, 1 + r.nextInt(3)));
            }
            if (round % 7 == 6) {
                Peer.syncAndAssertConverged(peers);
            }
        }
        Peer.syncAndAssertConverged(peers);
    }

    @Test
    void emojiHeavyRandomizedNetworkConverges() {
        for (long seed = 77_000; seed < 77_004; seed++) {
            new SimNetwork(seed, SimNetwork.Config.of(3).withMaxLength(200)).run(300);
        }
    }

    private static TextDocument docWithPairs() {
        TextDocument d = new TextDocument(1);
        d.insert(0, DOC);
        return d;
    }

    /** Text, version and full encoded state of a replica, to prove a failed call changed nothing. */
    static final class Snapshot {
        final String text;
        final java.util.Map<Long, Long> version;
        final byte[] state;

        Snapshot(TextDocument d) {
            text = d.getText();
            version = d.version().asMap();
            state = d.encodeStateAsUpdate();
        }

        void assertUnchanged(TextDocument d) {
            d.checkInvariants();
            assertThat(d.getText()).isEqualTo(text);
            assertThat(d.version().asMap()).isEqualTo(version);
            assertThat(d.encodeStateAsUpdate()).isEqualTo(state);
        }
    }
}
