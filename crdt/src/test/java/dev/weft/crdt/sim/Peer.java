package dev.weft.crdt.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.model.IdSet;
import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.TextChange;
import dev.weft.crdt.TextDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A replica for hand-written scenario tests: every edit and every applied update also updates a {@link Shadow}
 * from the reported changes, and is followed by {@code checkInvariants()} and a shadow comparison.
 */
public final class Peer {
    /** The replica under test; immutable reference. */
    public final TextDocument doc;
    /** Text rebuilt from change events; mutable. */
    public final Shadow shadow = new Shadow();
    /** Updates of this peer's own edits, in order; mutable. */
    public final List<byte[]> outbox = new ArrayList<>();
    private final String name;

    public Peer(String name, long agent) {
        this(name, agent, false);
    }

    public Peer(String name, long agent, boolean gc) {
        this.name = name;
        this.doc = new TextDocument(agent, new TextDocument.Options(gc));
    }

    public LocalEdit insert(int pos, String text) {
        return local(doc.insert(pos, text));
    }

    public LocalEdit delete(int pos, int len) {
        return local(doc.delete(pos, len));
    }

    public LocalEdit deleteIds(IdSet ids) {
        return local(doc.deleteIds(ids));
    }

    public LocalEdit restore(IdSet ids) {
        return local(doc.restore(ids));
    }

    /** Types {@code text} one code point at a time, each right after the previous (forward typing). */
    public List<LocalEdit> typeForward(int pos, String text) {
        List<LocalEdit> edits = new ArrayList<>();
        int p = pos;
        for (int i = 0; i < text.length(); ) {
            int n = Character.charCount(text.codePointAt(i));
            edits.add(insert(p, text.substring(i, i + n)));
            p += n;
            i += n;
        }
        return edits;
    }

    /** Types {@code text} right to left: last code point first, each new one inserted before the previous. */
    public List<LocalEdit> typeBackward(int pos, String text) {
        List<LocalEdit> edits = new ArrayList<>();
        for (int i = text.length(); i > 0; ) {
            int n = Character.charCount(text.codePointBefore(i));
            edits.add(insert(pos, text.substring(i - n, i)));
            i -= n;
        }
        return edits;
    }

    private LocalEdit local(LocalEdit e) {
        shadow.apply(e.changes());
        outbox.add(e.update());
        check();
        return e;
    }

    /**
     * One seeded random edit, at code-point boundaries. When the text is longer than {@code minLengthToDelete} and
     * {@code deleteNow} (asked only then) says so: deletes from a random position up to {@code 1 + nextInt(maxDelete)}
     * units further, snapped so that no surrogate pair is split (nothing when the snap leaves an empty range).
     * Otherwise inserts {@code newText} at a random position. Draws from {@code rnd} in this order: {@code deleteNow},
     * position, then the delete length or {@code newText}.
     */
    public void randomEdit(SplittableRandom rnd, int minLengthToDelete, Predicate<SplittableRandom> deleteNow,
                           int maxDelete, Function<SplittableRandom, String> newText) {
        String t = text();
        if (t.length() > minLengthToDelete && deleteNow.test(rnd)) {
            int pos = TextGen.position(rnd, t);
            int end = TextGen.snap(t, pos + 1 + rnd.nextInt(maxDelete));
            if (end > pos) {
                delete(pos, end - pos);
            }
        } else {
            int pos = TextGen.position(rnd, t);
            insert(pos, newText.apply(rnd));
        }
    }

    /** A seeded scenario on two fresh peers. */
    @FunctionalInterface
    public interface SeededPair {
        void run(long seed, SplittableRandom rnd, Peer a, Peer b);
    }

    /**
     * Runs {@code scenario} for seeds 1 to {@code seeds}, each with {@code new SplittableRandom(seed)} and fresh peers
     * "a" (agent 1) and "b" (agent 2).
     */
    public static void forSeeds(int seeds, SeededPair scenario) {
        for (long seed = 1; seed <= seeds; seed++) {
            scenario.run(seed, new SplittableRandom(seed), new Peer("a", 1), new Peer("b", 2));
        }
    }

    /** Applies a remote update, checking change events and invariants. */
    public List<TextChange> apply(byte[] update) {
        List<TextChange> changes = doc.applyUpdate(update);
        shadow.apply(changes);
        check();
        return changes;
    }

    /** Receives everything {@code other} has that this peer lacks, via {@code encodeDiff}. */
    public List<TextChange> pullFrom(Peer other) {
        return apply(other.doc.encodeDiff(doc.version()));
    }

    public String text() {
        return doc.getText();
    }

    public void check() {
        doc.checkInvariants();
        assertThat(shadow.text()).as("%s: text rebuilt from change events", name).isEqualTo(doc.getText());
        TextGen.assertWellFormed(doc.getText(), name);
    }

    /** Syncs every pair of peers (two rounds through the first) and asserts identical text and version. */
    public static String syncAndAssertConverged(Peer... peers) {
        for (int i = 1; i < peers.length; i++) {
            peers[0].pullFrom(peers[i]);
        }
        for (int i = 1; i < peers.length; i++) {
            peers[i].pullFrom(peers[0]);
        }
        return assertConverged(peers);
    }

    /** Asserts all peers hold identical text and version and nothing pending; returns the text. */
    public static String assertConverged(Peer... peers) {
        for (Peer p : peers) {
            p.check();
            assertThat(p.doc.hasPendingUpdates()).as("%s has pending updates", p.name).isFalse();
            assertThat(p.text()).as("text of %s", p.name).isEqualTo(peers[0].text());
            assertThat(p.doc.version().asMap()).as("version of %s", p.name)
                .isEqualTo(peers[0].doc.version().asMap());
        }
        return peers[0].text();
    }

    @Override
    public String toString() {
        return name;
    }
}
