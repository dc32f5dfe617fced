package dev.weft.crdt;

import dev.weft.crdt.model.LocalEdit;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded randomized editing in the shapes the position cursor caches are built for (typing runs, backspacing,
 * deleting forwards, jumping elsewhere, pasting, selections deleted), checked against a {@link StringBuilder} and
 * {@code checkInvariants()} after every edit; then every edit's on-demand update, asked for only at the end,
 * rebuilds the same text on a second replica, and a third loads the full state. A failure names its seed.
 */
class LocalEditCursorTest {
    private static final int STEPS = 3000;

    @TestFactory
    Stream<DynamicTest> randomTypingMatchesAStringBuilderAndItsLateUpdatesReplayTheSameText() {
        return LongStream.range(1, 13).mapToObj(seed -> DynamicTest.dynamicTest("seed=" + seed, () -> run(seed)));
    }

    private static void run(long seed) {
        Random rnd = new Random(seed);
        TextDocument doc = new TextDocument(1);
        StringBuilder expected = new StringBuilder();
        LocalEdit[] edits = new LocalEdit[STEPS * 2];
        int n = 0;
        int cursor = 0;
        for (int step = 0; step < STEPS; step++) {
            int len = expected.length();
            int r = rnd.nextInt(100);
            if (r < 8 || cursor > len) {
                cursor = rnd.nextInt(len + 1);                       // jump
            }
            if (r < 55 || len == 0) {
                String s = r % 7 == 0 ? "paste" + step : String.valueOf((char) ('a' + rnd.nextInt(26)));
                edits[n++] = doc.insert(cursor, s);
                expected.insert(cursor, s);
                cursor += s.length();                                 // typing run
            } else if (r < 80 && cursor > 0) {
                edits[n++] = doc.delete(cursor - 1, 1);              // backspace
                expected.deleteCharAt(--cursor);
            } else if (r < 92 && cursor < len) {
                edits[n++] = doc.delete(cursor, 1);                  // forward delete
                expected.deleteCharAt(cursor);
            } else if (len > 0) {
                int from = rnd.nextInt(len);                          // selection deleted
                int k = 1 + rnd.nextInt(Math.min(40, len - from));
                edits[n++] = doc.delete(from, k);
                expected.delete(from, from + k);
                cursor = from;
            }
            doc.checkInvariants();
            assertThat(doc.getText()).as("seed=%d step=%d", seed, step).isEqualTo(expected.toString());
        }
        TextDocument remote = new TextDocument(2);
        for (int i = 0; i < n; i++) {
            remote.applyUpdate(edits[i].update());
        }
        remote.checkInvariants();
        assertThat(remote.getText()).as("seed=%d: replica from late updates", seed).isEqualTo(expected.toString());
        TextDocument loaded = new TextDocument(3);
        loaded.applyUpdate(doc.encodeStateAsUpdate());
        assertThat(loaded.getText()).as("seed=%d: loaded state", seed).isEqualTo(expected.toString());
    }

    @Test
    void anUpdateAskedForTwiceIsTheSameBytesAndDescribesOnlyItsEdit() {
        TextDocument doc = new TextDocument(1);
        LocalEdit first = doc.insert(0, "hello");
        doc.insert(5, " world");
        doc.delete(0, 1);
        byte[] late = first.update();
        assertThat(first.update()).isSameAs(late);
        TextDocument other = new TextDocument(2);
        other.applyUpdate(late);
        assertThat(other.getText()).isEqualTo("hello");
        assertThat(first.inserted().size()).isEqualTo(5);
        assertThat(first.changes()).hasSize(1);
    }
}
