package dev.weft.client.cli;

import static dev.weft.client.workspace.CliFixtures.git;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.weft.relay.testing.RelayExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/weft share --branches} and {@code join} as real processes on a real relay, in clones made with the git
 * CLI ({@code docs/git.md}, "Branches"): same-branch peers co-edit, another branch's peer does not see it, a
 * checkout moves a peer, and blame/ls read the right branch.
 */
class BranchScopedCliTest {
    @TempDir
    static Path tmp;
    @RegisterExtension
    static final RelayExtension relay = new RelayExtension();

    @Test
    void sharedWithBranchesPeersFollowTheirCheckedOutBranch() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve(".gitconfig"), "");
        Path a = GitCollaborationCliTest.aliceRepo(tmp.resolve("alice"), "one\ntwo\n");
        git(a, "branch", "feature");
        Path b = tmp.resolve("bob");
        Path c = tmp.resolve("carol");
        for (Path clone : new Path[] {b, c}) {
            git(tmp, "clone", "-q", a.toString(), clone.toString());
            git(clone, "config", "user.name", clone == b ? "Bob" : "Carol");
            git(clone, "config", "user.email", clone == b ? "bob@example.com" : "carol@example.com");
        }
        git(c, "checkout", "-q", "feature");

        try (FolderProcess share = FolderProcess.start(tmp.resolve("p-a"), home, "share", a.toString(),
                "--relay", relay.uri().toString(), "--branches")) {
            String link = JsonParser.parseString(share.awaitLine(120)).getAsJsonObject().get("link").getAsString();
            try (FolderProcess bob = FolderProcess.start(tmp.resolve("p-b"), home, "join", "--link", link,
                    b.toString());
                 FolderProcess carol = FolderProcess.start(tmp.resolve("p-c"), home, "join", "--link", link,
                         c.toString())) {
                bob.awaitLine(120);
                carol.awaitLine(120);
                assertThat(carol.stderr()).contains("branch-scoped; on branch feature");
                Files.writeString(a.resolve("notes.txt"), "one\ntwo\nalice's\n");
                FolderCliTest.awaitContent(b.resolve("notes.txt"), "one\ntwo\nalice's\n", bob);
                Files.writeString(c.resolve("notes.txt"), "one\ncarol's\ntwo\n");

                CliProcess.Result blame = CliProcess.run(tmp, "blame", b.resolve("notes.txt").toString());
                assertThat(blame.exit()).as(blame.err()).isZero();
                assertThat(blame.out()).isEqualTo("1\t-\tone\n2\t-\ttwo\n3\tAlice\talice's\n");
                FolderCliTest.Trees2.await(() -> catOf(link, "feature").equals("one\ncarol's\ntwo\n"),
                        "feature's notes.txt in the room: " + catOf(link, "feature"));
                CliProcess.Result noBranch = CliProcess.run(tmp, "ls", "--link", link);
                assertThat(noBranch.exit()).isNotZero();
                assertThat(noBranch.err()).contains("branch-scoped");
                assertThat(Files.readString(b.resolve("notes.txt"))).isEqualTo("one\ntwo\nalice's\n");
                assertThat(Files.readString(a.resolve("notes.txt"))).isEqualTo("one\ntwo\nalice's\n");

                // Carol moves to main: she gets main's live text; feature keeps hers.
                git(c, "checkout", "-q", "-f", "main");
                FolderCliTest.awaitContent(c.resolve("notes.txt"), "one\ntwo\nalice's\n", carol);
                assertThat(catOf(link, "feature")).isEqualTo("one\ncarol's\ntwo\n");
                FolderCliTest.Trees2.await(() -> stderrOf(share).contains("Carol is on main (with you)"),
                        "Alice told that Carol is on main; " + share.stderr());
            }
        }
        // A folder that is not a clone cannot join a branch-scoped room.
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        try (FolderProcess share = FolderProcess.start(tmp.resolve("p-d"), home, "share", a.toString(),
                "--relay", relay.uri().toString(), "--branches")) {
            String link = JsonParser.parseString(share.awaitLine(120)).getAsJsonObject().get("link").getAsString();
            CliProcess.Result join = CliProcess.run(tmp, "join", "--link", link, plain.toString(), "--timeout",
                    "30");
            assertThat(join.exit()).isNotZero();
            assertThat(join.err()).contains("branch-scoped").contains("not inside a git repository");
        }
    }

    private static String stderrOf(FolderProcess p) {
        try {
            return p.stderr();
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String catOf(String link, String branch) {
        try {
            CliProcess.Result r = CliProcess.run(tmp, "cat", "--link", link, "--doc", "notes.txt", "--branch", branch);
            return r.exit() == 0 ? r.out() : r.err();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
