package dev.weft.lsp.workspace;

import dev.weft.lsp.testing.SimulatedEditor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static dev.weft.lsp.workspace.BranchScopedEditorsTest.FEATURE;
import static dev.weft.lsp.workspace.BranchScopedEditorsTest.MAIN;
import static dev.weft.lsp.workspace.GitAuthorshipInEditorsTest.git;
import static dev.weft.lsp.workspace.WorkspaceFixtures.await;
import static dev.weft.lsp.workspace.WorkspaceFixtures.read;

/**
 * Seeded random steps in a branch-scoped workspace of three editors ({@code docs/git.md}, "Editors on branches"):
 * Alice stays on main, Carol on feature, Bob types and checks out the other branch ({@code checkout -f}),
 * sometimes with his editor reloading the rewritten file, sometimes typing at once while the move is under way.
 * Each edit inserts or deletes a whole marker line, so the model is a set of markers per branch: after every step
 * each editor's buffer holds exactly its branch's base lines, in order, and exactly the markers typed on that
 * branch (typing during a move belongs to the branch it was typed on), nothing else.
 */
class RandomBranchEditorsTest {
    static final int STEPS = 10;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12})
    void everyBranchHoldsExactlyTheTypingDoneOnItAcrossRandomEditsAndCheckouts(long seed) throws Exception {
        try (BranchScopedEditorsTest.Trio trio = BranchScopedEditorsTest.Trio.start(tmp)) {
            SimulatedEditor alice = trio.alice;
            SimulatedEditor bob = trio.bob;
            SimulatedEditor carol = trio.carol;
            Path b = trio.b;
            String ua = trio.ua;
            String ub = trio.ub;
            String uc = trio.uc;
            Map<String, TreeSet<String>> typed = Map.of("main", new TreeSet<>(), "feature", new TreeSet<>());
            SplittableRandom rnd = new SplittableRandom(seed);
            String bobOn = "main";
            int next = 0;
            List<String> log = new ArrayList<>();
            for (int step = 0; step < STEPS; step++) {
                int k = rnd.nextInt(10);
                if (k < 3) {
                    String other = bobOn.equals("main") ? "feature" : "main";
                    boolean reload = rnd.nextBoolean();
                    git(b, "checkout", "-q", "-f", other);
                    if (reload) {
                        bob.replaceAll(ub, read(b.resolve("notes.txt")));
                        log.add("bob checks out " + other + ", editor reloads");
                    } else if (rnd.nextBoolean()) {
                        String m = "m" + next++ + "@" + bobOn;
                        insertLine(bob, ub, m, rnd);
                        typed.get(bobOn).add(m);
                        log.add("bob checks out " + other + ", types " + m + " at once");
                    } else {
                        log.add("bob checks out " + other);
                    }
                    bobOn = other;
                } else {
                    int who = rnd.nextInt(3);
                    SimulatedEditor e = who == 0 ? alice : who == 1 ? bob : carol;
                    String u = who == 0 ? ua : who == 1 ? ub : uc;
                    String branch = who == 0 ? "main" : who == 1 ? bobOn : "feature";
                    TreeSet<String> set = typed.get(branch);
                    if (k < 8 || set.isEmpty()) {
                        String m = "m" + next++ + "@" + branch;
                        insertLine(e, u, m, rnd);
                        set.add(m);
                        log.add(name(who) + " types " + m);
                    } else {
                        String m = new ArrayList<>(set).get(rnd.nextInt(set.size()));
                        String t = e.text(u);
                        int at = t.indexOf(m + "\n");
                        e.edit(u, at, at + m.length() + 1, "");
                        set.remove(m);
                        log.add(name(who) + " deletes " + m);
                    }
                }
                String b0 = bobOn;
                awaitBranch(alice, ua, "main", typed, log);
                awaitBranch(carol, uc, "feature", typed, log);
                awaitBranch(bob, ub, b0, typed, log);
            }
        }
    }

    private static String name(int who) {
        return who == 0 ? "alice" : who == 1 ? "bob" : "carol";
    }

    /** Inserts line {@code m} at the start of a random line of the buffer. */
    private static void insertLine(SimulatedEditor e, String u, String m, SplittableRandom rnd) {
        String t = e.text(u);
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        int at = starts.get(rnd.nextInt(starts.size()));
        e.edit(u, at, at, m + "\n");
    }

    /** Waits until {@code e}'s buffer is {@code branch}'s base lines in order plus exactly its typed markers. */
    private static void awaitBranch(SimulatedEditor e, String u, String branch, Map<String, TreeSet<String>> typed,
                                    List<String> log) throws InterruptedException {
        String base = branch.equals("main") ? MAIN : FEATURE;
        await(branch + " in " + u + " after " + log, 20_000, () -> {
            StringBuilder rest = new StringBuilder();
            TreeSet<String> markers = new TreeSet<>();
            String t = e.text(u);
            if (!t.endsWith("\n")) {
                return false;
            }
            for (String line : t.split("\n", -1)) {
                if (line.matches("m\\d+@\\w+")) {
                    markers.add(line);
                } else if (!line.isEmpty()) {
                    rest.append(line).append('\n');
                }
            }
            return rest.toString().equals(base) && markers.equals(typed.get(branch));
        }, () -> e.text(u));
    }
}
