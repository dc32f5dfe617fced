package dev.weft.crdt;

import dev.weft.crdt.codec.DecodedUpdate;
import dev.weft.crdt.codec.UpdateDecoder;
import dev.weft.crdt.codec.UpdateWriter;
import dev.weft.crdt.model.IdRun;
import dev.weft.crdt.model.MalformedUpdateException;
import dev.weft.crdt.model.TextChange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Loading a snapshot ({@code encodeStateAsUpdate} applied to a fresh document, the one-pass path of
 * {@code internal/SnapshotLoader}) against building the same state by integrating every update: seeded random
 * documents of one to four agents editing concurrently (inserts, deletes, surrogate pairs, with and without
 * garbage collection). The loaded copy must equal the replayed one in text, version, runs and re-encoded state,
 * pass its invariant checks, and keep converging with it under further edits. Also: snapshots whose seqs have a
 * gap, an overlap or an unknown origin are refused with a message that names the problem.
 */
class SnapshotLoadTest {
    /** Seeds run by default; {@code -Dweft.snapshot.seeds=N} runs more (a long run, on demand). */
    private static final int SEEDS = Integer.getInteger("weft.snapshot.seeds", 60);

    @Test
    void loadedSnapshotEqualsReplayedHistoryOnRandomDocuments() {
        for (int seed = 1; seed <= SEEDS; seed++) {
            try {
                checkSeed(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private static void checkSeed(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean gc = rnd.nextInt(3) == 0;
        TextDocument.Options opts = new TextDocument.Options(gc);
        int nAgents = 1 + rnd.nextInt(4);
        TextDocument[] docs = new TextDocument[nAgents];
        List<List<byte[]>> sent = new ArrayList<>();
        for (int a = 0; a < nAgents; a++) {
            docs[a] = new TextDocument(10 + a * 7919L, opts);
            sent.add(new ArrayList<>());
        }
        List<byte[]> all = new ArrayList<>();
        int rounds = 1 + rnd.nextInt(6);
        for (int round = 0; round < rounds; round++) {
            for (int a = 0; a < nAgents; a++) {
                int edits = rnd.nextInt(1 + rnd.nextInt(120));
                for (int e = 0; e < edits; e++) {
                    byte[] u = randomEdit(docs[a], rnd);
                    if (u != null) {
                        all.add(u);
                    }
                }
            }
            // everyone catches up with everyone (concurrent edits between rounds)
            for (int a = 0; a < nAgents; a++) {
                for (int b = 0; b < nAgents; b++) {
                    if (a != b) {
                        docs[a].applyUpdate(docs[b].encodeDiff(docs[a].version()));
                    }
                }
            }
        }
        TextDocument source = docs[rnd.nextInt(nAgents)];
        TextDocument replayed = new TextDocument(5, opts);
        for (byte[] u : all) {
            replayed.applyUpdate(u);
        }
        TextDocument loaded = new TextDocument(6, opts);
        List<TextChange> changes = loaded.applyUpdate(source.encodeStateAsUpdate());
        loaded.checkInvariants();
        replayed.checkInvariants();

        StringBuilder mirror = new StringBuilder();
        for (TextChange c : changes) {
            mirror.delete(c.offset(), c.offset() + c.deleteLength());
            mirror.insert(c.offset(), c.insertText());
        }
        assertThat(mirror.toString()).as("change events of the load").isEqualTo(loaded.getText());
        assertThat(loaded.getText()).isEqualTo(source.getText()).isEqualTo(replayed.getText());
        assertThat(loaded.version()).isEqualTo(source.version()).isEqualTo(replayed.version());
        // item boundaries may differ (a load joins runs an integration left split), the characters may not
        assertThat(units(loaded)).isEqualTo(units(source)).isEqualTo(units(replayed));
        byte[] state = source.encodeStateAsUpdate();
        checkContentPaths(state);
        // the same snapshot integrated by a replica that already has part of the history (content read per agent)
        TextDocument partial = new TextDocument(8, opts);
        for (int i = 0; i < all.size() / 2; i++) {
            partial.applyUpdate(all.get(i));
        }
        partial.applyUpdate(state);
        partial.checkInvariants();
        assertThat(partial.getText()).isEqualTo(source.getText());
        assertThat(units(partial)).isEqualTo(units(source));

        byte[] again = loaded.encodeStateAsUpdate();
        TextDocument reloaded = new TextDocument(7, opts);
        reloaded.applyUpdate(again);
        assertThat(reloaded.encodeStateAsUpdate()).as("load of a loaded state re-encodes identically").isEqualTo(again);

        // both keep editing and exchanging: they must converge
        for (int step = 0; step < 40; step++) {
            byte[] u1 = randomEdit(loaded, rnd);
            byte[] u2 = randomEdit(replayed, rnd);
            if (u1 != null) {
                replayed.applyUpdate(u1);
            }
            if (u2 != null) {
                loaded.applyUpdate(u2);
            }
        }
        loaded.checkInvariants();
        replayed.checkInvariants();
        assertThat(loaded.getText()).isEqualTo(replayed.getText());
        assertThat(loaded.version()).isEqualTo(replayed.version());
    }

    /**
     * The snapshot's content decoded per agent (SNAPSHOT flag) and in item order (the same bytes with the flag
     * cleared, the path of every other update) gives each item the same units.
     */
    private static void checkContentPaths(byte[] state) {
        DecodedUpdate perAgent = UpdateDecoder.decode(state);
        byte[] plain = state.clone();
        plain[1] &= ~2; // SNAPSHOT flag off: same payload
        DecodedUpdate itemOrder = UpdateDecoder.decode(plain);
        assertThat(perAgent.agentContent).as("a valid snapshot decodes per agent").isNotNull();
        assertThat(perAgent.content).isNull();
        assertThat(itemOrder.agentContent).isNull();
        assertThat(perAgent.nItems).isEqualTo(itemOrder.nItems);
        long ends = 0;
        for (int e : perAgent.agentEnds) {
            ends += e;
        }
        assertThat(ends).isEqualTo(perAgent.storedUnits);
        for (int i = 0; i < perAgent.nItems; i++) {
            char[] a = perAgent.contentArray(i), b = itemOrder.contentArray(i);
            assertThat(a == null).isEqualTo(b == null);
            if (a != null) {
                int l = perAgent.itemLen(i);
                assertThat(new String(a, perAgent.contentStart(i), l))
                        .isEqualTo(new String(b, itemOrder.contentStart(i), l));
            }
        }
    }

    /** Every character in document order, tombstones included, as "agent:seq:deleted:unit" (unit "-" if GC). */
    private static List<String> units(TextDocument d) {
        List<String> out = new ArrayList<>();
        for (IdRun r : d.runs()) {
            for (int i = 0; i < r.length(); i++) {
                out.add(r.agent() + ":" + (r.seq() + i) + ":" + r.deleted() + ":"
                        + (r.text() == null ? "-" : String.valueOf(r.text().charAt(i))));
            }
        }
        return out;
    }

    /** One random local edit on {@code d}; its update, or null if nothing changed. */
    private static byte[] randomEdit(TextDocument d, SplittableRandom rnd) {
        int len = d.getText().length();
        if (len > 0 && rnd.nextInt(3) == 0) {
            int pos = rnd.nextInt(len);
            int n = 1 + rnd.nextInt(Math.min(len - pos, 1 + rnd.nextInt(12)));
            String t = d.getText();
            // never cut a surrogate pair
            if (pos > 0 && Character.isLowSurrogate(t.charAt(pos))) {
                pos--;
                n++;
            }
            if (pos + n < len && Character.isLowSurrogate(t.charAt(pos + n))) {
                n++;
            }
            return d.delete(pos, n).update();
        }
        int pos = len == 0 ? 0 : rnd.nextInt(len + 1);
        String t = d.getText();
        if (pos > 0 && pos < len && Character.isLowSurrogate(t.charAt(pos))) {
            pos--;
        }
        // mostly typing at the cursor's spot, sometimes a paste; now and then an emoji (surrogate pair)
        StringBuilder sb = new StringBuilder();
        int k = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 80 : 4);
        for (int i = 0; i < k; i++) {
            if (rnd.nextInt(20) == 0) {
                sb.append("\uD83D\uDE00");
            } else {
                sb.append((char) ('a' + rnd.nextInt(26)));
            }
        }
        return d.insert(pos, sb.toString()).update();
    }

    private static final byte LIVE = 0;

    /** A snapshot of agent 7's items {@code {seq, len}}, in the given (document) order, each "x"s. */
    private static byte[] snapshot(int[]... items) {
        UpdateWriter w = new UpdateWriter();
        for (int[] it : items) {
            char[] text = "x".repeat(it[1]).toCharArray();
            w.addItem(7, it[0], it[1], -1, 0, -1, 0, LIVE, text, 0);
        }
        return w.encode(true);
    }

    /** {@link #snapshot} of {@code items} is refused by a fresh replica with a message containing {@code problem}. */
    private static void assertRefused(String problem, int[]... items) {
        assertThatThrownBy(() -> new TextDocument(1).applyUpdate(snapshot(items)))
                .isInstanceOf(MalformedUpdateException.class).hasMessageContaining(problem);
    }

    @Test
    void snapshotWithAGapIsRefused() {
        assertRefused("have a gap at 2", new int[] {0, 2}, new int[] {3, 2});
    }

    @Test
    void snapshotNotStartingAtSeqZeroIsRefused() {
        assertRefused("have a gap at 0", new int[] {1, 2});
    }

    @Test
    void snapshotWithTwoItemsStartingAtTheSameSeqIsRefused() {
        assertRefused("overlap at 0", new int[] {0, 3}, new int[] {0, 3});
    }

    @Test
    void snapshotWithOverlappingItemsIsRefused() {
        // ends line up with starts but [1, 3) is covered twice: caught by the length sum
        assertRefused("overlap at 1", new int[] {0, 3}, new int[] {1, 2}, new int[] {3, 1});
        // an item that ends inside another
        assertRefused("overlap at 2", new int[] {2, 4}, new int[] {0, 3});
    }

    /**
     * Hostile input: a few bytes declaring items far out in their agents' seq space. The loader sizes each agent's
     * storage by its largest item end, so it must find the gap (the lengths do not add up to those ends) before
     * allocating: four agents at seq 2e9 would otherwise ask for 4 GB of content each.
     */
    @Test
    void snapshotOfItemsFarOutInSeqSpaceIsRefusedBeforeAllocatingByTheirEnds() {
        UpdateWriter w = new UpdateWriter();
        for (long agent = 7; agent < 11; agent++) {
            w.addItem(agent, 2_000_000_000, 1, -1, 0, -1, 0, LIVE, "x".toCharArray(), 0);
        }
        byte[] bytes = w.encode(true);
        assertThat(bytes.length).isLessThan(64);
        TextDocument doc = new TextDocument(1);
        assertThatThrownBy(() -> doc.applyUpdate(bytes))
                .isInstanceOf(MalformedUpdateException.class).hasMessageContaining("have a gap at 0");
        assertThat(doc.getText()).isEmpty();
        doc.checkInvariants();
    }

    @Test
    void snapshotWithAnUnknownOriginIsRefused() {
        UpdateWriter w = new UpdateWriter();
        w.addItem(9, 0, 1, -1, 0, -1, 0, LIVE, "c".toCharArray(), 0);
        w.addItem(7, 0, 2, 9, 5, -1, 0, LIVE, "ab".toCharArray(), 0);
        assertThatThrownBy(() -> new TextDocument(1).applyUpdate(w.encode(true)))
                .isInstanceOf(MalformedUpdateException.class)
                .hasMessageContaining("unknown originLeft (9,5)");
        UpdateWriter w2 = new UpdateWriter();
        w2.addItem(7, 0, 2, -1, 0, 9, 0, LIVE, "ab".toCharArray(), 0);
        w2.addItem(9, 0, 1, -1, 0, -1, 0, LIVE, "c".toCharArray(), 0);
        w2.addItem(7, 2, 1, -1, 0, 9, 4, LIVE, "d".toCharArray(), 0);
        assertThatThrownBy(() -> new TextDocument(1).applyUpdate(w2.encode(true)))
                .isInstanceOf(MalformedUpdateException.class)
                .hasMessageContaining("unknown originRight (9,4)");
    }
}
