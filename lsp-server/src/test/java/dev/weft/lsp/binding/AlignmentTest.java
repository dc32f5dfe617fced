package dev.weft.lsp.binding;

import dev.weft.crdt.model.TextChange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alignment against a model: a "replica" string and a "view" string edited independently; after every step
 * view + pending = replica, and showing regions (echo) converges the view to the replica.
 */
class AlignmentTest {
    @Test
    void remoteReplacementBecomesOneRegion() {
        Alignment a = new Alignment(3);
        a.replicaChange(new TextChange(1, 1, "X"));
        assertThat(a.firstRegion()).isEqualTo(new Alignment.Region(1, 2, "X"));
        a.checkInvariants("abc", "aXc");
    }

    @Test
    void localInsertGoesBeforeUnseenRemoteTextAtTheSamePlace() {
        Alignment a = new Alignment(2);          // "ab"
        a.replicaChange(TextChange.insert(1, "R")); // replica "aRb"
        List<TextChange> local = a.localReplace(1, 1, "L"); // view "aLb"
        assertThat(local).containsExactly(TextChange.insert(1, "L"));
        a.checkInvariants("aLb", "aLRb");
    }

    @Test
    void userDeletingAroundUnseenRemoteTextKeepsIt() {
        Alignment a = new Alignment(4);              // "abcd"
        a.replicaChange(TextChange.insert(2, "R"));  // replica "abRcd"
        List<TextChange> local = a.localReplace(1, 3, ""); // view "ad"
        assertThat(apply("abRcd", local)).isEqualTo("aRd");
        a.checkInvariants("ad", "aRd");
    }

    @Test
    void remoteDeletingTextInFlightTurnsIntoAPendingDeleteAfterTheEcho() {
        Alignment a = new Alignment(2);                 // "ab"
        a.replicaChange(TextChange.insert(1, "XYZ"));   // replica "aXYZb"
        Alignment.Region r = a.markFirstRegionSent();
        assertThat(r).isEqualTo(new Alignment.Region(1, 1, "XYZ"));
        a.replicaChange(TextChange.delete(2, 1));       // replica "aXZb" (Y deleted while in flight)
        a.echoed();                                     // editor now "aXYZb"
        a.checkInvariants("aXYZb", "aXZb");
        assertThat(a.firstRegion()).isEqualTo(new Alignment.Region(2, 3, ""));
    }

    @Test
    void rejectionMakesTheSentRegionPendingAgain() {
        Alignment a = new Alignment(2);
        a.replicaChange(TextChange.insert(1, "X"));
        a.markFirstRegionSent();
        a.replicaChange(TextChange.insert(2, "Y"));  // after X
        a.rejected();
        a.checkInvariants("ab", "aXYb");
        assertThat(a.firstRegion()).isEqualTo(new Alignment.Region(1, 1, "XY"));
    }

    @Test
    void randomizedAgainstModel() {
        long seed = 20261121;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 300; round++) {
            String view = "hello world";
            String replica = view;
            Alignment a = new Alignment(view.length());
            String sentExpected = null;
            for (int step = 0; step < 60; step++) {
                int op = rnd.nextInt(6);
                String ctx = "seed " + seed + " round " + round + " step " + step + " " + a;
                if (op <= 1) { // remote change on the replica
                    int p = rnd.nextInt(replica.length() + 1);
                    int d = rnd.nextBoolean() ? Math.min(rnd.nextInt(4), replica.length() - p) : 0;
                    String ins = rnd.nextBoolean() ? "R" + rnd.nextInt(10) : "";
                    TextChange c = new TextChange(p, d, ins);
                    replica = apply(replica, List.of(c));
                    a.replicaChange(c);
                } else if (op == 2 && sentExpected == null) { // local edit
                    int p = rnd.nextInt(view.length() + 1);
                    int e = Math.min(view.length(), p + rnd.nextInt(3));
                    String ins = rnd.nextBoolean() ? "L" : "";
                    List<TextChange> rc = a.localReplace(p, e, ins);
                    view = view.substring(0, p) + ins + view.substring(e);
                    replica = apply(replica, rc);
                } else if (op == 3 && sentExpected == null) { // send
                    Alignment.Region r = a.markFirstRegionSent();
                    if (r != null) {
                        sentExpected = view.substring(0, r.viewStart()) + r.text() + view.substring(r.viewEnd());
                    }
                } else if (op == 4 && sentExpected != null) { // echo
                    view = sentExpected;
                    sentExpected = null;
                    a.echoed();
                } else if (op == 5 && sentExpected != null) { // reject
                    sentExpected = null;
                    a.rejected();
                }
                if (sentExpected == null) {
                    a.checkInvariants(view, replica);
                } else {
                    assertThat(a.viewLength()).as(ctx).isEqualTo(view.length());
                }
            }
            // drain: show everything
            if (sentExpected != null) {
                view = sentExpected;
                a.echoed();
            }
            for (int guard = 0; a.hasPending() && guard < 1000; guard++) {
                Alignment.Region r = a.markFirstRegionSent();
                view = view.substring(0, r.viewStart()) + r.text() + view.substring(r.viewEnd());
                a.echoed();
            }
            assertThat(view).as("seed %d round %d", seed, round).isEqualTo(replica);
        }
    }

    static String apply(String s, List<TextChange> cs) {
        for (TextChange c : cs) {
            s = s.substring(0, c.offset()) + c.insertText() + s.substring(c.offset() + c.deleteLength());
        }
        return s;
    }
}
