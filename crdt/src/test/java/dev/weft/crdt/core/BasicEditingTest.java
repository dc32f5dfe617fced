package dev.weft.crdt.core;

import dev.weft.crdt.model.Assoc;
import dev.weft.crdt.model.IdSet;
import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.MalformedUpdateException;
import dev.weft.crdt.model.RelativePosition;
import dev.weft.crdt.model.TextChange;
import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BasicEditingTest {

    @Test
    void localInsertsAndDeletesEditTheText() {
        TextDocument d = new TextDocument(1);
        d.insert(0, "hello");
        d.insert(5, " world");
        d.insert(0, ">");
        d.checkInvariants();
        assertThat(d.getText()).isEqualTo(">hello world");
        LocalEdit e = d.delete(1, 6);
        assertThat(e.changes()).containsExactly(TextChange.delete(1, 6));
        assertThat(e.deleted().size()).isEqualTo(6);
        d.checkInvariants();
        assertThat(d.getText()).isEqualTo(">world");
        assertThat(d.length()).isEqualTo(6);
        assertThat(d.version()).isEqualTo(VersionVector.of(Map.of(1L, 12L)));
    }

    @Test
    void updatesFromOneReplicaReproduceItsTextOnAnother() {
        TextDocument a = new TextDocument(1), b = new TextDocument(2);
        for (LocalEdit e : List.of(a.insert(0, "abc"), a.insert(3, "def"), a.delete(1, 2), a.insert(1, "XY"))) {
            b.applyUpdate(e.update());
            b.checkInvariants();
        }
        assertThat(b.getText()).isEqualTo(a.getText()).isEqualTo("aXYdef");
        assertThat(b.version()).isEqualTo(a.version());
    }

    @Test
    void remoteChangesAreReportedPositionally() {
        TextDocument a = new TextDocument(1), b = new TextDocument(2);
        b.applyUpdate(a.insert(0, "hello").update());
        assertThat(b.applyUpdate(a.insert(5, "!").update())).containsExactly(TextChange.insert(5, "!"));
        assertThat(b.applyUpdate(a.delete(0, 2).update())).containsExactly(TextChange.delete(0, 2));
    }

    @Test
    void concurrentForwardTypingAtSamePlaceDoesNotInterleave() {
        assertBracketTypingConvergesUninterleaved("abc", "XYZ", true);
    }

    @Test
    void concurrentBackwardTypingAtSamePlaceDoesNotInterleave() {
        assertBracketTypingConvergesUninterleaved("cba", "ZYX", false);
    }

    /** {@link #typeConcurrentlyInsideBrackets} on two new documents: both end "[abcXYZ]" or both "[XYZabc]". */
    private static void assertBracketTypingConvergesUninterleaved(String ta, String tb, boolean forward) {
        TextDocument a = new TextDocument(1), b = new TextDocument(2);
        typeConcurrentlyInsideBrackets(a, b, ta, tb, forward);
        assertThat(a.getText()).isEqualTo(b.getText());
        assertThat(a.getText()).isIn("[abcXYZ]", "[XYZabc]");
    }

    /**
     * {@code a} writes "[]" and {@code b} receives it; then both type their three characters between the brackets at
     * the same time, one character at a time ({@code forward}: each after the previous; else each at the start),
     * and finally exchange their updates in typing order.
     */
    private static void typeConcurrentlyInsideBrackets(TextDocument a, TextDocument b, String ta, String tb,
            boolean forward) {
        b.applyUpdate(a.insert(0, "[]").update());
        byte[][] ua = new byte[3][], ub = new byte[3][];
        for (int i = 0; i < 3; i++) {
            int at = forward ? 1 + i : 1;
            ua[i] = a.insert(at, ta.substring(i, i + 1)).update();
            ub[i] = b.insert(at, tb.substring(i, i + 1)).update();
        }
        for (int i = 0; i < 3; i++) {
            a.applyUpdate(ub[i]);
            b.applyUpdate(ua[i]);
        }
    }

    @Test
    void lateDependenciesAreBufferedThenIntegrated() {
        TextDocument a = new TextDocument(1), b = new TextDocument(2);
        byte[] u1 = a.insert(0, "ab").update();
        byte[] u2 = a.insert(2, "cd").update();
        byte[] u3 = a.delete(0, 1).update();
        assertThat(b.applyUpdate(u3)).isEmpty();
        assertThat(b.applyUpdate(u2)).isEmpty();
        assertThat(b.hasPendingUpdates()).isTrue();
        b.checkInvariants();
        List<TextChange> ch = b.applyUpdate(u1);
        assertThat(b.hasPendingUpdates()).isFalse();
        assertThat(b.getText()).isEqualTo("bcd");
        assertThat(ch).containsExactly(TextChange.insert(0, "abcd"), TextChange.delete(0, 1));
        b.checkInvariants();
        assertThat(b.applyUpdate(u1)).isEmpty();
        assertThat(b.applyUpdate(u2)).isEmpty();
    }

    @Test
    void stateAndDiffRoundTrip() {
        TextDocument a = new TextDocument(1), b = new TextDocument(2);
        a.insert(0, "hello world");
        b.applyUpdate(a.encodeStateAsUpdate());
        VersionVector vb = b.version();
        a.delete(0, 6);
        a.insert(a.length(), "!");
        b.insert(0, "> ");
        b.applyUpdate(a.encodeDiff(vb));
        a.applyUpdate(b.encodeDiff(a.version()));
        a.checkInvariants();
        b.checkInvariants();
        assertThat(a.getText()).isEqualTo(b.getText()).isEqualTo("> world!");
        TextDocument c = new TextDocument(3);
        c.applyUpdate(a.encodeStateAsUpdate());
        c.checkInvariants();
        assertThat(c.getText()).isEqualTo("> world!");
        assertThat(c.version()).isEqualTo(a.version());
    }

    @Test
    void malformedUpdateIsRejectedAndLeavesReplicaUnchanged() {
        TextDocument a = new TextDocument(1), b = new TextDocument(2);
        byte[] u = a.insert(0, "hello").update();
        b.applyUpdate(u);
        byte[] v = a.insert(5, " there").update();
        byte[] truncated = java.util.Arrays.copyOf(v, v.length - 2);
        assertThatThrownBy(() -> b.applyUpdate(truncated)).isInstanceOf(MalformedUpdateException.class);
        assertThatThrownBy(() -> b.applyUpdate(new byte[]{9})).isInstanceOf(MalformedUpdateException.class)
                .hasMessageContaining("version");
        assertThatThrownBy(() -> b.applyUpdate(new byte[0])).isInstanceOf(MalformedUpdateException.class);
        assertThat(b.getText()).isEqualTo("hello");
        b.checkInvariants();
    }

    @Test
    void surrogatePairsAreNeverSplit() {
        TextDocument d = new TextDocument(1);
        d.insert(0, "a\uD83D\uDE00b");
        assertThatThrownBy(() -> d.insert(2, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.delete(1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.delete(2, 2)).isInstanceOf(IllegalArgumentException.class);
        d.delete(1, 2);
        assertThat(d.getText()).isEqualTo("ab");
        assertThatThrownBy(() -> d.insert(5, "x")).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void relativePositionFollowsItsCharacter() {
        TextDocument a = new TextDocument(1);
        a.insert(0, "hello world");
        RelativePosition p = a.relativePosition(6, Assoc.AFTER);   // before 'w'
        RelativePosition q = a.relativePosition(5, Assoc.BEFORE);  // after 'o' of hello
        a.insert(0, ">>> ");
        assertThat(a.resolve(p)).isEqualTo(10);
        assertThat(a.resolve(q)).isEqualTo(9);
        a.delete(4, 7);
        assertThat(a.resolve(p)).isEqualTo(4);
        assertThat(RelativePosition.decode(p.encode())).isEqualTo(p);
        assertThat(a.resolve(a.relativePosition(a.length(), Assoc.AFTER))).isEqualTo(a.length());
        assertThat(a.resolve(a.relativePosition(0, Assoc.BEFORE))).isEqualTo(0);
        assertThat(a.resolve(new RelativePosition(99, 0, Assoc.AFTER))).isEqualTo(-1);
    }

    @Test
    void restoreBringsDeletedTextBackWhereItStoodAfterOthersEdited() {
        TextDocument a = new TextDocument(1), b = new TextDocument(2);
        b.applyUpdate(a.insert(0, "one two three").update());
        LocalEdit del = a.delete(4, 4);   // "one three"
        b.applyUpdate(del.update());
        a.applyUpdate(b.insert(4, "2 ").update());  // b types where "two " was
        a.applyUpdate(b.insert(0, "0 ").update());
        assertThat(a.getText()).isEqualTo("0 one 2 three");
        LocalEdit undo = a.restore(del.deleted());
        a.checkInvariants();
        b.applyUpdate(undo.update());
        assertThat(a.getText()).isEqualTo(b.getText());
        assertThat(a.getText()).isIn("0 one two 2 three", "0 one 2 two three");
        LocalEdit undoIns = a.deleteIds(undo.inserted());
        b.applyUpdate(undoIns.update());
        assertThat(a.getText()).isEqualTo(b.getText()).isEqualTo("0 one 2 three");
    }

    @Test
    void garbageCollectedReplicaConvergesWithFullReplica() {
        TextDocument a = new TextDocument(1, new TextDocument.Options(true)), b = new TextDocument(2);
        b.applyUpdate(a.insert(0, "abcdef").update());
        LocalEdit d = a.delete(1, 3);
        b.applyUpdate(d.update());
        a.applyUpdate(b.insert(2, "X").update());
        TextDocument c = new TextDocument(3);
        c.applyUpdate(a.encodeStateAsUpdate());
        c.checkInvariants();
        assertThat(c.getText()).isEqualTo(a.getText()).isEqualTo(b.getText());
        assertThatThrownBy(() -> a.restore(d.deleted())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.restore(d.deleted())).isInstanceOf(IllegalStateException.class);
        assertThat(a.encodeStateAsUpdate().length).isLessThan(b.encodeStateAsUpdate().length + 1);
    }

    @Test
    void idSetAndVersionVectorBasics() {
        IdSet s = IdSet.range(7, 0, 3).union(IdSet.range(7, 3, 5)).union(IdSet.range(2, 1, 2));
        assertThat(s.size()).isEqualTo(6);
        assertThat(s.contains(7, 4)).isTrue();
        assertThat(s.contains(7, 5)).isFalse();
        assertThat(IdSet.EMPTY.isEmpty()).isTrue();
        VersionVector v = VersionVector.of(Map.of(1L, 3L, 2L, 0L));
        assertThat(v.asMap()).containsExactly(Map.entry(1L, 3L));
        assertThat(VersionVector.decode(v.encode())).isEqualTo(v);
        assertThat(v.covers(VersionVector.EMPTY)).isTrue();
        assertThat(VersionVector.EMPTY.covers(v)).isFalse();
    }

    @Test
    void snapshotAppliedToReplicaThatHasTheItemsCarriesDeletions() {
        TextDocument a = new TextDocument(1), b = new TextDocument(2);
        b.applyUpdate(a.insert(0, "hello").update());
        a.delete(1, 3);
        assertThat(b.applyUpdate(a.encodeStateAsUpdate())).containsExactly(TextChange.delete(1, 3));
        assertThat(b.getText()).isEqualTo("ho");
        b.checkInvariants();
    }

    @Test
    void restoreKeepsConcurrentTypingBetweenRestoredCharactersAndPairsTogether() {
        TextDocument a = new TextDocument(1), b = new TextDocument(2);
        b.applyUpdate(a.insert(0, "<wo\uD83D\uDE00rd!").update());
        LocalEdit del = a.delete(1, 6);
        byte[] underscore = b.insert(3, "_").update();      // <wo_😀rd!
        byte[] afterPair = b.insert(6, "^").update();       // <wo_😀^rd!
        LocalEdit undo = a.restore(del.deleted());
        a.applyUpdate(underscore);
        a.applyUpdate(afterPair);
        b.applyUpdate(del.update());
        b.applyUpdate(undo.update());
        a.checkInvariants();
        assertThat(a.getText()).isEqualTo(b.getText());
        String t = a.getText();
        assertThat(t.replace("_", "").replace("^", "")).isEqualTo("<wo\uD83D\uDE00rd!");
        assertThat(t.indexOf('_')).isBetween(2, 4);
        assertThat(t).doesNotContain("\uD83D^").doesNotContain("\uD83D_");
    }
}
