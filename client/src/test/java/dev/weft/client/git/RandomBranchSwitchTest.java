package dev.weft.client.git;

import static dev.weft.client.workspace.CliFixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.invite.InviteLink;
import dev.weft.relay.testing.RelayExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random branch switches and edits by three branch-scoped peers on a real relay ({@code docs/git.md},
 * "Branches"): after every step each branch's peers agree, and in the end every line typed on a branch is in that
 * branch's text — also after a peer left it and came back — and in no other branch's.
 */
class RandomBranchSwitchTest {
    @TempDir
    static Path tmp;
    @RegisterExtension
    static final RelayExtension relay = new RelayExtension();
    static final String[] FILES = {"a.txt", "b.txt", "c.txt"};
    static final String[] BRANCHES = {"main", "feature"};
    static final int STEPS = 16;

    /** A line typed: where, and the unique text. */
    record Typed(String branch, String file, String line) {
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomEditsAndSwitchesLeaveEachBranchConvergedWithEverythingTyped(long seed) throws Exception {
        Random random = new Random(seed);
        Path origin = BranchRepos.makeOrigin(tmp);
        InviteLink link = BranchRepos.newRoom(relay.uri());
        List<BranchPeer> peers = new ArrayList<>();
        List<Typed> typed = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Path dir = BranchRepos.cloneFor(origin, "P" + i);
                String b = BRANCHES[random.nextInt(2)];
                if (!b.equals("main")) {
                    dev.weft.client.workspace.CliFixtures.git(dir, "checkout", "-q", b);
                }
                peers.add(new BranchPeer("P" + i, dir, link));
            }
            for (int step = 0; step < STEPS; step++) {
                BranchPeer p = peers.get(random.nextInt(peers.size()));
                String branch = p.branches.branch();
                if (random.nextInt(10) < 3) {
                    String other = branch.equals("main") ? "feature" : "main";
                    // -f: files with live edits differ between the branches, so a plain checkout may be refused.
                    p.checkout(other, "checkout", "-q", "-f", other);
                    awaitConverged(peers, other, typed, "step " + step + " (seed " + seed + "): " + p.name
                            + " moved to " + other);
                } else {
                    String file = FILES[random.nextInt(FILES.length)];
                    String line = "s" + seed + "-" + step + "-" + p.name + " on " + branch;
                    String text = p.read(file);
                    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
                    lines.add(random.nextInt(lines.size()), line);   // before any line, or at the end
                    p.write(file, String.join("\n", lines));
                    typed.add(new Typed(branch, file, line));
                    // Taken in before anything else happens (a checkout a few ms after a save can beat the engine:
                    // docs/git.md, "Limits").
                    await(p.name + " took in " + line, 20, () -> BranchScopedSessionTest.replica(p, file)
                            .contains(line), () -> BranchScopedSessionTest.replica(p, file));
                    awaitConverged(peers, branch, typed, "step " + step + " (seed " + seed + "): " + p.name
                            + " typed in " + file);
                }
            }
            // Every branch, visited by everyone in turn: nothing typed was lost.
            for (String b : BRANCHES) {
                for (BranchPeer p : peers) {
                    if (!b.equals(p.branches.branch())) {
                        p.checkout(b, "checkout", "-q", "-f", b);
                    }
                }
                awaitConverged(peers, b, typed, "everyone on " + b + " (seed " + seed + ")");
            }
        } finally {
            for (BranchPeer p : peers) {
                p.close();
            }
        }
    }

    /**
     * Waits until every peer on {@code branch} has the same files, holding each line typed on that branch in its
     * file, and no line typed on another branch.
     */
    static void awaitConverged(List<BranchPeer> peers, String branch, List<Typed> typed, String when)
            throws InterruptedException {
        List<BranchPeer> on = peers.stream().filter(p -> branch.equals(p.branches.branch())).toList();
        await(when + ": peers on " + branch + " converged", 30, () -> {
            for (BranchPeer p : on) {
                for (String f : FILES) {
                    String text = p.read(f);
                    if (text == null || !text.equals(on.get(0).read(f))) {
                        return false;
                    }
                    for (Typed t : typed) {
                        boolean here = t.branch().equals(branch) && t.file().equals(f);
                        if (text.contains(t.line() + "\n") != here && text.endsWith(t.line()) != here) {
                            return false;
                        }
                    }
                }
            }
            return true;
        }, () -> {
            StringBuilder sb = new StringBuilder("typed " + typed + "\n");
            for (BranchPeer p : peers) {
                sb.append(p.name).append(" on ").append(p.branches.branch()).append(", told ").append(p.notices)
                        .append('\n');
            }
            for (BranchPeer p : on) {
                for (String f : FILES) {
                    sb.append(p.name).append(' ').append(f).append(": ").append(p.read(f)).append('\n');
                }
            }
            return sb.toString();
        });
    }
}
