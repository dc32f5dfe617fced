package dev.weft.crdt;

import dev.weft.crdt.model.LocalEdit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.sim.Peer;
import dev.weft.crdt.sim.TextGen;
import dev.weft.crdt.sim.ThreePeers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Selective undo primitives: {@code deleteIds(myInsertedIds)} removes only my characters, {@code
 * restore(myDeletedIds)} brings back the same characters at the same place, even after others edited around
 * them; redo is the inverse primitive applied to the undo's own ids; every replica converges.
 */
class SelectiveUndoTest extends ThreePeers {
    @Test
    void undoMyInsertRemovesOnlyMyCharactersAfterOthersTypedInsideAndAround() {
        LocalEdit mine = a.insert(0, "hello");
        b.pullFrom(a);
        b.insert(2, "XX");    // inside: heXXllo
        b.insert(0, "<");     // around
        b.insert(8, ">");
        a.pullFrom(b);
        assertThat(a.text()).isEqualTo("<heXXllo>");

        LocalEdit undo = a.deleteIds(mine.inserted());
        assertThat(a.text()).isEqualTo("<XX>");
        assertThat(undo.deleted().size()).isEqualTo(5);
        assertThat(undo.inserted().isEmpty()).isTrue();
        b.apply(undo.update());
        Peer.assertConverged(a, b);
    }

    @Test
    void undoMyInsertSkipsCharactersOthersAlreadyDeleted() {
        LocalEdit mine = a.insert(0, "abcdef");
        b.pullFrom(a);
        b.delete(1, 2);
        b.insert(1, "Z");
        a.pullFrom(b);
        LocalEdit undo = a.deleteIds(mine.inserted());
        assertThat(a.text()).isEqualTo("Z");
        assertThat(undo.deleted().size()).as("only still-visible ids are deleted").isEqualTo(4);
        Peer.syncAndAssertConverged(a, b);
    }

    @Test
    void undoMyDeleteRestoresTheSameCharactersAtTheSamePlace() {
        shareFromAToB("abcdef");
        LocalEdit del = a.delete(2, 2);           // "cd"
        b.insert(3, "X");                          // concurrently between c and d: abcXdef
        b.insert(0, "1");
        b.insert(7, "2");                          // 1abcXde2f
        Peer.syncAndAssertConverged(a, b);
        assertThat(a.text()).isEqualTo("1abXe2f");

        LocalEdit undo = a.restore(del.deleted());
        assertThat(a.text()).isEqualTo("1abcXde2f");
        assertThat(undo.inserted().size()).isEqualTo(2);
        assertThat(undo.deleted().isEmpty()).isTrue();
        b.apply(undo.update());
        Peer.assertConverged(a, b);
    }

    /**
     * b types inside a word that a deletes concurrently; a then undoes its delete without having seen b's
     * text. Each restored character goes back at its own tombstone, so b's text ends up inside the word again
     * (exactly where among the restored characters depends on the tie-break), never pushed out of it.
     */
    @Test
    void undoOfDeleteWithConcurrentTypingInsideTheDeletedWordPutsTheWordBackAroundIt() {
        for (long agentA : new long[] {1, 3}) {
            Peer a = new Peer("a", agentA);
            Peer b = new Peer("b", 2);
            a.insert(0, "<word!");
            b.pullFrom(a);
            LocalEdit del = a.delete(1, 4);
            b.insert(3, "_");                      // <wo_rd!
            a.restore(del.deleted());              // a has not seen "_"
            String text = Peer.syncAndAssertConverged(a, b);
            assertThat(text.replace("_", "")).isEqualTo("<word!");
            assertThat(text.indexOf('_')).as("agent a=%d: \"_\" typed between o and r stays inside the word, got %s",
                agentA, text).isBetween(2, 4);
        }
    }

    @Test
    void restoreSkipsIdsThatAreStillVisible() {
        LocalEdit ins = a.insert(0, "abc");
        a.delete(1, 1);
        LocalEdit undo = a.restore(ins.inserted()); // a and c are visible, only b comes back
        assertThat(a.text()).isEqualTo("abc");
        assertThat(undo.inserted().size()).isEqualTo(1);
    }

    @Test
    void redoOfAnUndoneInsertAndOfARestoredDelete() {
        LocalEdit typed = a.insert(0, "word");
        b.pullFrom(a);
        b.insert(4, "!");
        b.insert(0, "<");
        a.pullFrom(b);                              // <word!

        LocalEdit undo = a.deleteIds(typed.inserted());
        assertThat(a.text()).isEqualTo("<!");
        LocalEdit redo = a.restore(undo.deleted());
        assertThat(a.text()).isEqualTo("<word!");
        b.apply(undo.update());
        b.apply(redo.update());
        b.insert(3, "_");                           // b types inside the restored word: <wo_rd!
        LocalEdit undoAgain = a.deleteIds(redo.inserted());
        assertThat(a.text()).isEqualTo("<!");
        b.apply(undoAgain.update());
        assertThat(b.text()).isEqualTo("<_!");
        a.pullFrom(b);                              // a sees "_" before redoing
        LocalEdit redoAgain = a.restore(undoAgain.deleted());
        assertThat(a.text()).isEqualTo("<wo_rd!");
        b.apply(redoAgain.update());
        Peer.assertConverged(a, b);

        LocalEdit del = a.delete(1, 2);             // "wo"
        LocalEdit restored = a.restore(del.deleted());
        assertThat(a.text()).isEqualTo("<wo_rd!");
        a.deleteIds(restored.inserted());           // redo of the delete
        assertThat(a.text()).isEqualTo("<_rd!");
        Peer.syncAndAssertConverged(a, b);
    }

    @Test
    void concurrentUndosOnDifferentReplicasConverge() {
        LocalEdit ia = a.insert(0, "aaa");
        Peer.syncAndAssertConverged(a, b, c);
        LocalEdit ib = b.insert(1, "bbb");
        LocalEdit dc = c.delete(0, 2);
        Peer.syncAndAssertConverged(a, b, c);
        a.deleteIds(ia.inserted());
        b.deleteIds(ib.inserted());
        c.restore(dc.deleted());
        String text = Peer.syncAndAssertConverged(a, b, c);
        // c restored two of a's chars as new items; a's undo only removed its own original ids.
        assertThat(text).isEqualTo("aa");
    }

    /**
     * Property: A makes edits, others edit around them, then A undoes a random one of its own edits. Undoing an
     * insert removes exactly A's characters from it; undoing a delete makes the deleted characters reappear
     * between the same neighbours. Checked by tagging each agent's characters with its own alphabet.
     */
    @Test
    void randomUndoKeepsOthersTextAndConverges() {
        Peer.forSeeds(60, (seed, rnd, a, b) -> {
            List<LocalEdit> aEdits = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                boolean isA = rnd.nextBoolean();
                Peer p = isA ? a : b;
                String t = p.text();
                LocalEdit e;
                if (t.length() > 4 && rnd.nextInt(3) == 0) {
                    int pos = rnd.nextInt(t.length());
                    int end = Math.min(t.length(), pos + 1 + rnd.nextInt(4));
                    e = p.delete(pos, end - pos);
                } else {
                    e = p.insert(TextGen.position(rnd, t), random(rnd, isA ? "abcdefgh" : "UVWXYZ", 1 + rnd.nextInt(4)));
                }
                if (isA) {
                    aEdits.add(e);
                }
                if (rnd.nextInt(3) == 0) {
                    Peer.syncAndAssertConverged(a, b);
                }
            }
            Peer.syncAndAssertConverged(a, b);
            if (aEdits.isEmpty()) {
                return;
            }
            LocalEdit target = aEdits.get(rnd.nextInt(aEdits.size()));
            String before = a.text();
            String othersBefore = before.replaceAll("[a-h]", "");
            if (!target.inserted().isEmpty()) {
                a.deleteIds(target.inserted());
                assertThat(a.text().replaceAll("[a-h]", "")).as("seed=%d: b's text untouched", seed)
                    .isEqualTo(othersBefore);
                assertThat(a.text().length()).as("seed=%d", seed).isLessThanOrEqualTo(before.length());
            } else {
                LocalEdit undo = a.restore(target.deleted());
                assertThat(a.text().length()).as("seed=%d", seed)
                    .isEqualTo(before.length() + (int) undo.inserted().size());
                assertThat(undo.inserted().size()).as("seed=%d", seed).isLessThanOrEqualTo(target.deleted().size());
            }
            Peer.syncAndAssertConverged(a, b);
        });
    }

    private static String random(SplittableRandom rnd, String alphabet, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
