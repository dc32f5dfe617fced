package dev.weft.client.workspace;

import dev.weft.client.text.MinimalDiff;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.TextDocument;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The three-way merge of disk changes into a replica that moved on, and the minimal diff under it. */
class TextMergeTest {
    static String merge(String base, String replica, String disk) {
        return TextMerge.applyDescending(replica, TextMerge.merge(base, replica, disk));
    }

    /**
     * One three-way merge per row: only the disk changed (disk text wins), only the replica changed (replica text
     * kept), changes in different lines (both survive), a disk deletion around a remote insertion (the insertion
     * survives), insertions at the same place (both kept, the remote one first).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "only disk changed    | a\\nb\\nc\\n          | a\\nb\\nc\\n          | a\\nB\\nc\\nd\\n           | a\\nB\\nc\\nd\\n",
            "only replica changed | a\\nb\\n              | a\\nremote\\nb\\n      | a\\nb\\n                 | a\\nremote\\nb\\n",
            "different lines      | one\\ntwo\\nthree\\n | ONE\\ntwo\\nthree\\n | one\\ntwo\\nthree\\nfour\\n | ONE\\ntwo\\nthree\\nfour\\n",
            "delete around remote | abc\\ndef\\n         | abXc\\ndef\\n        | def\\n                   | Xdef\\n",
            "same place           | ab                  | aRb                 | aDb                      | aRDb",
    })
    void threeWayMergeKeepsBothSidesChanges(String scenario, String base, String replica, String disk,
                                            String expected) {
        assertThat(merge(unescape(base), unescape(replica), unescape(disk))).as(scenario)
                .isEqualTo(unescape(expected));
    }

    /** The table's {@code \n} as a line break. */
    private static String unescape(String cell) {
        return cell.replace("\\n", "\n");
    }

    @Test
    void crlfAndEmojiAreKeptByteForByte() {
        String base = "l1\r\nsmile 😀\r\n";
        assertThat(merge(base, base, "l1\r\nsmile 😀😀\r\nl3\r\n")).isEqualTo("l1\r\nsmile 😀😀\r\nl3\r\n");
        assertThat(MinimalDiff.diff("😀", "😃")).allSatisfy(e -> assertThat(e.offset()).isZero());
    }

    @Test
    void minimalDiffTouchesOnlyChangedLines() {
        var edits = MinimalDiff.diff("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n");
        assertThat(edits).hasSize(2);
        assertThat(edits.get(0)).isEqualTo(new MinimalDiff.Edit(2, 1, "B"));
        assertThat(MinimalDiff.apply("a\nb\nc\nd\n", edits)).isEqualTo("a\nB\nc\nd\ne\n");
    }

    /**
     * Random base, remote and disk versions: the merge applied to a real replica gives the same text as applied to
     * a string, every disk insertion appears, and with one side unchanged the other side's text is the result.
     */
    @Test
    void randomThreeWayMergesKeepEveryInsertion() {
        long seed = 42;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 300; round++) {
            String base = randomText(random, 30);
            String replica = mutate(base, random, "R");
            String disk = mutate(base, random, "D");
            String merged = merge(base, replica, disk);
            TextDocument doc = new TextDocument(1);
            doc.insert(0, replica);
            for (MinimalDiff.Edit e : TextMerge.merge(base, replica, disk)) {
                if (e.length() > 0) {
                    doc.delete(e.offset(), e.length());
                }
                if (!e.text().isEmpty()) {
                    doc.insert(e.offset(), e.text());
                }
            }
            assertThat(doc.getText()).as("seed %d round %d", seed, round).isEqualTo(merged);
            assertThat(count(merged, 'D')).as("seed %d round %d: disk insertions kept", seed, round)
                    .isEqualTo(count(disk, 'D'));
            assertThat(count(merged, 'R')).as("seed %d round %d: remote insertions kept", seed, round)
                    .isEqualTo(count(replica, 'R'));
            assertThat(merge(base, base, disk)).isEqualTo(disk);
            assertThat(merge(base, replica, base)).isEqualTo(replica);
        }
    }

    static String randomText(SplittableRandom r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(r.nextInt(5) == 0 ? '\n' : (char) ('a' + r.nextInt(4)));
        }
        return b.toString();
    }

    static String mutate(String s, SplittableRandom r, String marker) {
        StringBuilder b = new StringBuilder(s);
        for (int i = 0, n = r.nextInt(4); i < n; i++) {
            int pos = r.nextInt(b.length() + 1);
            if (r.nextBoolean() && pos < b.length()) {
                b.delete(pos, Math.min(b.length(), pos + 1 + r.nextInt(4)));
            } else {
                b.insert(pos, marker.repeat(1 + r.nextInt(3)) + (r.nextBoolean() ? "\n" : ""));
            }
        }
        return b.toString();
    }

    static long count(String s, char c) {
        return s.chars().filter(x -> x == c).count();
    }
}
