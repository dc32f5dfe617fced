package dev.weft.client.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.workspace.Workspace;
import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.LocalEdit;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random edits by two people on two halves of a committed file (a line neither touches between them):
 * staging one person's changes gives exactly HEAD with their half as it is now, or reports a change it cannot
 * separate (inserted text equal to nearby committed text can make the alignment ambiguous) — never a wrong stage;
 * and blame names only them there. Most seeds must separate exactly.
 */
class RandomStageTest {
    static final GitIdentity ALICE = new GitIdentity("Alice", "alice@example.com");
    static final GitIdentity BOB = new GitIdentity("Bob", "bob@example.com");
    static final String MIDDLE = "=== untouched middle ===\n";
    static final String FILE = "00000000000000bb";
    static final int SEEDS = 40;

    @Test
    void stagingOnePersonsRandomEditsGivesHeadWithExactlyTheirHalf() {
        int exact = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            Random rnd = new Random(seed);
            String top = randomLines(rnd);
            String bottom = randomLines(rnd);
            String head = top + MIDDLE + bottom;
            TextDocument a = new TextDocument(1L << Workspace.AGENT_COUNTER_BITS | 1);
            TextDocument b = new TextDocument(2L << Workspace.AGENT_COUNTER_BITS | 1);
            StringBuilder log = new StringBuilder(AuthorLog.sessionLine(1, ALICE) + AuthorLog.sessionLine(2, BOB));
            b.applyUpdate(a.insert(0, head).update());   // the upload: committed text
            for (int step = 0; step < 30; step++) {
                boolean alice = rnd.nextBoolean();
                TextDocument me = alice ? a : b;
                TextDocument other = alice ? b : a;
                String text = me.getText();
                int mid = text.indexOf(MIDDLE);
                // Alice edits [0, mid), Bob edits [mid + MIDDLE.length(), end)
                int from = alice ? 0 : mid + MIDDLE.length();
                int to = alice ? mid : text.length();
                if (to > from && rnd.nextInt(3) == 0) {
                    int pos = from + rnd.nextInt(to - from);
                    int len = 1 + rnd.nextInt(Math.min(6, to - pos));
                    LocalEdit d = me.delete(pos, len);
                    log.append(AuthorLog.deletionLine(alice ? 1 : 2, FILE, d.deleted()));
                    other.applyUpdate(d.update());
                } else {
                    int pos = from + rnd.nextInt(to - from + 1);
                    String ins = rnd.nextBoolean() ? "x" : (rnd.nextBoolean() ? "line\n" : "ab");
                    other.applyUpdate(me.insert(pos, ins).update());
                }
            }
            String now = a.getText();
            assertThat(b.getText()).isEqualTo(now);
            int mid = now.indexOf(MIDDLE);
            String nowTop = now.substring(0, mid);
            String nowBottom = now.substring(mid + MIDDLE.length());
            Attribution at = new Attribution(FILE, head, a.runs(), AuthorLog.parse(log.toString()));
            Attribution.Staged sa = at.stage(ALICE);
            Attribution.Staged sb = at.stage(BOB);
            // Never a wrong stage: either exactly the person's half, or a reported problem.
            if (sa.problems().isEmpty()) {
                assertThat(sa.text()).as("seed %d", seed).isEqualTo(nowTop + MIDDLE + bottom);
            }
            if (sb.problems().isEmpty()) {
                assertThat(sb.text()).as("seed %d", seed).isEqualTo(top + MIDDLE + nowBottom);
            }
            if (sa.problems().isEmpty() && sb.problems().isEmpty()) {
                exact++;
            } else {
                continue;
            }
            int midLine = (int) nowTop.chars().filter(c -> c == '\n').count();
            var lines = at.lineAuthors();
            for (int i = 0; i < lines.size(); i++) {
                if (i < midLine) {
                    assertThat(lines.get(i)).as("seed %d line %d", seed, i + 1).doesNotContain("Bob", "?");
                } else if (i > midLine) {
                    assertThat(lines.get(i)).as("seed %d line %d", seed, i + 1).doesNotContain("Alice", "?");
                }
            }
        }
        System.out.println("RandomStageTest: " + exact + "/" + SEEDS + " seeds separated exactly");
        assertThat(exact).as("seeds whose two halves were separated exactly").isGreaterThanOrEqualTo(SEEDS * 3 / 4);
    }

    private static String randomLines(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            sb.append("line ").append(rnd.nextInt(3)).append('\n');
        }
        return sb.toString();
    }
}
