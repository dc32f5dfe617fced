package dev.weft.client.text;

import dev.weft.crdt.model.TextChange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link MinimalDiff#changes}: what the language server's binding applies to a replica. */
class MinimalDiffTest {
    static String apply(String s, List<TextChange> cs) {
        for (TextChange c : cs) {
            s = s.substring(0, c.offset()) + c.insertText() + s.substring(c.offset() + c.deleteLength());
        }
        return s;
    }

    @Test
    void wholeDocumentReplacementWithOneChangeIsOneSmallEdit() {
        List<TextChange> d = MinimalDiff.changes("hello world", "hello brave world");
        assertThat(d).containsExactly(new TextChange(6, 0, "brave "));
    }

    @Test
    void formatterTouchingDistantLinesGivesSeparateEdits() {
        StringBuilder a = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            a.append("line ").append(i).append(" of some text\n");
        }
        String b = a.toString().replace("line 10 ", "LINE 10 ").replace("line 150 ", "LINE 150 ");
        List<TextChange> d = MinimalDiff.changes(a.toString(), b);
        assertThat(apply(a.toString(), d)).isEqualTo(b);
        assertThat(d).hasSize(2);
        assertThat(d.stream().mapToInt(c -> c.deleteLength() + c.insertText().length()).sum()).isLessThan(20);
    }

    @Test
    void neverSplitsSurrogatePairsOrCrlf() {
        List<TextChange> d = MinimalDiff.changes("a😀b", "a😁b"); // same high surrogate, different low
        assertThat(d).containsExactly(new TextChange(1, 2, "😁"));
        d = MinimalDiff.changes("a\r\nb", "a\nb");
        assertThat(apply("a\r\nb", d)).isEqualTo("a\nb");
    }

    @Test
    void randomPairsRoundTrip() {
        long seed = 7;
        SplittableRandom rnd = new SplittableRandom(seed);
        String alphabet = "ab\n\r😀x ";
        for (int t = 0; t < 500; t++) {
            String a = random(rnd, alphabet, rnd.nextInt(600));
            StringBuilder b = new StringBuilder(a);
            int edits = rnd.nextInt(5);
            for (int e = 0; e < edits && b.length() > 0; e++) {
                int p = rnd.nextInt(b.length());
                b.replace(p, Math.min(b.length(), p + rnd.nextInt(5)), random(rnd, alphabet, rnd.nextInt(5)));
            }
            List<TextChange> d = MinimalDiff.changes(a, b.toString());
            assertThat(apply(a, d)).as("seed %d case %d", seed, t).isEqualTo(b.toString());
        }
    }

    private static String random(SplittableRandom rnd, String alphabet, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(alphabet.length());
            char c = alphabet.charAt(k);
            if (Character.isHighSurrogate(c)) {
                sb.append(c).append(alphabet.charAt(k + 1));
            } else if (!Character.isLowSurrogate(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
