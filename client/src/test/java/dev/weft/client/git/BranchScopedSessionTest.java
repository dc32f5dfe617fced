package dev.weft.client.git;

import static dev.weft.client.git.BranchRepos.A;
import static dev.weft.client.git.BranchRepos.B_FEATURE;
import static dev.weft.client.git.BranchRepos.B_MAIN;
import static dev.weft.client.git.BranchRepos.F;
import static dev.weft.client.workspace.CliFixtures.await;
import static dev.weft.client.workspace.CliFixtures.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.invite.InviteLink;
import dev.weft.relay.testing.RelayExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Branch-scoped sessions ({@code docs/git.md}, "Branches"): in-process folder peers in clones made with the git
 * CLI, on a real relay process, following real {@code git checkout}s.
 */
class BranchScopedSessionTest {
    @TempDir
    static Path tmp;
    @RegisterExtension
    static final RelayExtension relay = new RelayExtension();

    static InviteLink newRoom() {
        return BranchRepos.newRoom(relay.uri());
    }

    /** A peer in a fresh clone of {@code origin}, on the branch the clone has checked out. */
    static BranchPeer peer(String name, Path origin, InviteLink link) throws Exception {
        return new BranchPeer(name, BranchRepos.cloneFor(origin, name), link);
    }

    static void awaitFile(BranchPeer p, String rel, String text) throws InterruptedException {
        await(p.name + "'s " + rel, 20, () -> text.equals(p.read(rel)), () -> String.valueOf(p.read(rel)));
    }

    @Test
    void twoPeersOnMainCoEditWhileAThirdOnFeatureNeverReceivesTheirEdits() throws Exception {
        InviteLink link = newRoom();
        Path origin = BranchRepos.makeOrigin(tmp);
        Path carolDir = BranchRepos.cloneFor(origin, "Carol");
        git(carolDir, "checkout", "-q", "feature");
        try (BranchPeer alice = peer("Alice", origin, link);
             BranchPeer bob = peer("Bob", origin, link);
             BranchPeer carol = new BranchPeer("Carol", carolDir, link)) {
            assertThat(alice.branches.branch()).isEqualTo("main");
            assertThat(carol.branches.branch()).isEqualTo("feature");

            alice.write("a.txt", "alpha\nfrom alice\n");
            awaitFile(bob, "a.txt", "alpha\nfrom alice\n");
            bob.write("b.txt", "beta\nfrom bob\n");
            awaitFile(alice, "b.txt", "beta\nfrom bob\n");
            carol.write("f.txt", F + "from carol\n");
            carol.write("a.txt", "alpha\ncarol on feature\n");
            await("Carol's edits in her replica", 20, () -> replica(carol, "a.txt").equals("alpha\ncarol on feature\n")
                    && replica(carol, "f.txt").equals(F + "from carol\n"), () -> replica(carol, "a.txt"));
            alice.write("c.txt", "gamma\nlast from alice\n");
            awaitFile(bob, "c.txt", "gamma\nlast from alice\n");

            // Main's edits reached Bob after Carol's first sync; feature's never reach main, nor main's feature.
            assertThat(carol.read("a.txt")).isEqualTo("alpha\ncarol on feature\n");
            assertThat(replica(carol, "a.txt")).isEqualTo("alpha\ncarol on feature\n");
            assertThat(carol.read("b.txt")).isEqualTo(B_FEATURE);
            assertThat(replica(carol, "b.txt")).isEqualTo(B_FEATURE);
            assertThat(carol.read("c.txt")).isEqualTo("gamma\n");
            assertThat(replica(carol, "c.txt")).isEqualTo("gamma\n");
            for (BranchPeer p : new BranchPeer[] {alice, bob}) {
                assertThat(p.read("a.txt")).isEqualTo("alpha\nfrom alice\n");
                assertThat(replica(p, "a.txt")).isEqualTo("alpha\nfrom alice\n");
                assertThat(p.read("f.txt")).isNull();
                assertThat(replica(p, "f.txt")).isEqualTo("<none>");
            }
            // Where everyone is: the branch log, and the notices it gives.
            Map<Long, BranchLog.Place> places = alice.branches.places().get();
            assertThat(places.get(carol.branches.session()).branch()).isEqualTo("feature");
            assertThat(places.get(bob.branches.session()).branch()).isEqualTo("main");
            await("Alice told where Carol is", 10, () -> alice.notices.contains("Carol is on feature"),
                    alice.notices::toString);
            await("Carol told where Bob is", 10, () -> carol.notices.contains("Bob is on main"),
                    carol.notices::toString);
        }
    }

    @Test
    void aCheckoutMovesAPeerBetweenBranchesAndItsEditsComeBackWhenItReturns() throws Exception {
        InviteLink link = newRoom();
        Path origin = BranchRepos.makeOrigin(tmp);
        try (BranchPeer alice = peer("Alice", origin, link);
             BranchPeer bob = peer("Bob", origin, link)) {
            bob.write("a.txt", "alpha\nbob on main\n");
            awaitFile(alice, "a.txt", "alpha\nbob on main\n");
            bob.write("c.txt", "gamma\nbob's own, just before switching\n");
            await("Bob's edit taken in", 20, () -> replica(bob, "c.txt").contains("just before"),
                    () -> replica(bob, "c.txt"));

            // Plain checkout: git carries Bob's modified a.txt and c.txt over (same in both commits). They are
            // main's live edits, so feature gets the files as checked out.
            bob.checkout("feature", "checkout", "-q", "feature");
            assertThat(bob.read("a.txt")).isEqualTo(A);
            assertThat(bob.read("b.txt")).isEqualTo(B_FEATURE);
            assertThat(bob.read("c.txt")).isEqualTo("gamma\n");
            assertThat(bob.read("f.txt")).isEqualTo(F);
            assertThat(replica(bob, "a.txt")).isEqualTo(A);
            assertThat(git(bob.dir, "status", "--porcelain")).isEmpty();

            // Each branch goes on without the other.
            alice.write("a.txt", "alpha\nbob on main\nalice while bob is away\n");
            bob.write("b.txt", B_FEATURE + "bob on feature\n");
            await("Bob's feature edit taken in", 20, () -> replica(bob, "b.txt").contains("bob on feature"),
                    () -> replica(bob, "b.txt"));
            await("Alice's edit taken in", 20, () -> replica(alice, "a.txt").contains("away"),
                    () -> replica(alice, "a.txt"));
            assertThat(alice.read("b.txt")).isEqualTo(B_MAIN);
            assertThat(alice.read("c.txt")).isEqualTo("gamma\nbob's own, just before switching\n");
            assertThat(bob.read("a.txt")).isEqualTo(A);

            // Back to main, discarding the working tree (b.txt differs between the branches and has live edits,
            // so git would refuse a plain checkout): main's live text comes back, with Bob's edit and Alice's.
            bob.checkout("main", "checkout", "-q", "-f", "main");
            awaitFile(bob, "a.txt", "alpha\nbob on main\nalice while bob is away\n");
            awaitFile(bob, "c.txt", "gamma\nbob's own, just before switching\n");
            assertThat(bob.read("b.txt")).isEqualTo(B_MAIN);
            assertThat(bob.read("f.txt")).isNull();
            // …and feature kept Bob's edit for his return.
            bob.checkout("feature", "checkout", "-q", "-f", "feature");
            awaitFile(bob, "b.txt", B_FEATURE + "bob on feature\n");
            assertThat(bob.read("a.txt")).isEqualTo(A);
            assertThat(alice.read("b.txt")).isEqualTo(B_MAIN);
        }
    }

    @Test
    void afterAliceCommitsBobIsToldAndMovesToHerCommitWithoutChangingAFile() throws Exception {
        InviteLink link = newRoom();
        Path origin = BranchRepos.makeOrigin(tmp);
        try (BranchPeer alice = peer("Alice", origin, link);
             BranchPeer bob = peer("Bob", origin, link)) {
            alice.write("a.txt", "alpha\ncommitted by alice\n");
            awaitFile(bob, "a.txt", "alpha\ncommitted by alice\n");
            bob.write("c.txt", "gamma\nbob, not committed\n");
            awaitFile(alice, "c.txt", "gamma\nbob, not committed\n");

            git(alice.dir, "add", "a.txt");
            git(alice.dir, "commit", "-q", "-m", "alice's line");
            git(alice.dir, "push", "-q", "origin", "main");
            String commit = git(alice.dir, "rev-parse", "HEAD").strip();
            await("Bob told of Alice's commit", 20, () -> bob.notices.stream().anyMatch(
                    n -> n.startsWith("Alice is at commit " + commit.substring(0, 12) + " on main")),
                    bob.notices::toString);

            Map<String, String> before = Map.of("a.txt", bob.read("a.txt"), "b.txt", bob.read("b.txt"),
                    "c.txt", bob.read("c.txt"));
            git(bob.dir, "fetch", "-q");
            git(bob.dir, "reset", "-q", commit);
            assertThat(git(bob.dir, "status", "--porcelain")).isEqualTo(" M c.txt\n");
            bob.write("b.txt", "beta\nbob after moving\n");
            awaitFile(alice, "b.txt", "beta\nbob after moving\n");
            assertThat(Map.of("a.txt", bob.read("a.txt"), "c.txt", bob.read("c.txt")))
                    .isEqualTo(Map.of("a.txt", before.get("a.txt"), "c.txt", before.get("c.txt")));
            assertThat(alice.read("a.txt")).isEqualTo("alpha\ncommitted by alice\n");
            assertThat(alice.read("c.txt")).isEqualTo("gamma\nbob, not committed\n");
            assertThat(bob.branches.branch()).isEqualTo("main");
        }
    }

    static String replica(BranchPeer p, String rel) {
        try {
            String r = p.replica(rel);
            return r == null ? "<none>" : r;
        } catch (Exception e) {
            return "<" + e + ">";
        }
    }
}
