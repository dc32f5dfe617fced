package dev.weft.crdt.core;

import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.TextChange;
import dev.weft.crdt.TextDocument;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Seeded random edits on several replicas exchanging updates in random order, with duplicates. */
class RandomConvergenceTest {

    @Test
    void randomReplicasConverge() {
        for (long seed = 1; seed <= 300; seed++) {
            try {
                run(seed);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + ": " + t, t);
            }
        }
    }

    private static void run(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 2 + rnd.nextInt(4);
        boolean anyGc = rnd.nextBoolean();
        TextDocument[] docs = new TextDocument[n];
        StringBuilder[] mirrors = new StringBuilder[n];
        List<List<byte[]>> inbox = new ArrayList<>();
        List<byte[]> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            docs[i] = new TextDocument(100 + i * 7L, new TextDocument.Options(anyGc && i == 0));
            mirrors[i] = new StringBuilder();
            inbox.add(new ArrayList<>());
        }
        int steps = 30 + rnd.nextInt(120);
        for (int step = 0; step < steps; step++) {
            int r = rnd.nextInt(n);
            TextDocument d = docs[r];
            int op = rnd.nextInt(10);
            if (op < 6) {
                int len = d.length();
                LocalEdit e;
                if (len > 0 && rnd.nextInt(3) == 0) {
                    int pos = rnd.nextInt(len);
                    int dl = 1 + rnd.nextInt(Math.min(5, len - pos));
                    e = d.delete(pos, dl);
                } else {
                    int pos = rnd.nextInt(len + 1);
                    String s = randomText(rnd);
                    e = d.insert(pos, s);
                }
                apply(mirrors[r], e.changes());
                all.add(e.update());
                for (int k = 0; k < n; k++) {
                    if (k != r) {
                        inbox.get(k).add(e.update());
                    }
                }
            } else if (op < 9) {
                List<byte[]> box = inbox.get(r);
                int m = box.isEmpty() ? 0 : 1 + rnd.nextInt(box.size());
                for (int j = 0; j < m && !box.isEmpty(); j++) {
                    byte[] u = box.remove(rnd.nextInt(box.size()));
                    apply(mirrors[r], d.applyUpdate(u));
                    if (rnd.nextInt(5) == 0) {
                        apply(mirrors[r], d.applyUpdate(u));  // duplicate
                    }
                }
            } else {
                int other = rnd.nextInt(n);
                byte[] diff = rnd.nextBoolean() ? docs[other].encodeDiff(d.version()) : docs[other].encodeStateAsUpdate();
                apply(mirrors[r], d.applyUpdate(diff));
            }
            d.checkInvariants();
            assertThat(mirrors[r].toString()).as("change events replay to text, replica %d", r).isEqualTo(d.getText());
        }
        for (int r = 0; r < n; r++) {
            for (byte[] u : inbox.get(r)) {
                apply(mirrors[r], docs[r].applyUpdate(u));
            }
            docs[r].checkInvariants();
            assertThat(docs[r].hasPendingUpdates()).isFalse();
            assertThat(mirrors[r].toString()).isEqualTo(docs[r].getText());
        }
        for (int r = 1; r < n; r++) {
            assertThat(docs[r].getText()).as("text of replica %d", r).isEqualTo(docs[0].getText());
            assertThat(docs[r].version()).isEqualTo(docs[0].version());
        }
        // a fresh replica from a snapshot, and one from all updates in reverse order
        TextDocument fresh = new TextDocument(999);
        fresh.applyUpdate(docs[n - 1].encodeStateAsUpdate());
        fresh.checkInvariants();
        assertThat(fresh.getText()).isEqualTo(docs[0].getText());
        TextDocument rev = new TextDocument(998);
        for (int i = all.size() - 1; i >= 0; i--) {
            rev.applyUpdate(all.get(i));
        }
        rev.checkInvariants();
        assertThat(rev.getText()).isEqualTo(docs[0].getText());
        TextDocument merged = new TextDocument(997);
        merged.applyUpdate(docs[0].encodeDiff(dev.weft.crdt.model.VersionVector.EMPTY));
        merged.applyUpdate(fresh.encodeStateAsUpdate());
        assertThat(merged.getText()).isEqualTo(docs[0].getText());
    }

    private static String randomText(SplittableRandom rnd) {
        int len = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 20 : 3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            sb.append((char) ('a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }

    static void apply(StringBuilder sb, List<TextChange> changes) {
        for (TextChange c : changes) {
            sb.delete(c.offset(), c.offset() + c.deleteLength());
            sb.insert(c.offset(), c.insertText());
        }
    }
}
