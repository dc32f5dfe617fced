package dev.weft.client.cli;

import dev.weft.client.workspace.CliFixtures;
import static dev.weft.client.workspace.CliFixtures.git;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.weft.relay.testing.RelayProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authorship, stage-mine and commit with co-authors ({@code docs/git.md}): two folder peers as real processes on a
 * real relay, each in its own clone made with the git CLI, checked with the git CLI.
 */
class GitCollaborationCliTest {
    @TempDir
    static Path tmp;
    static RelayProcess relay;

    @BeforeAll
    static void startRelay() throws Exception {
        relay = RelayProcess.start(tmp.resolve("relay-data"));
    }

    @AfterAll
    static void stopRelay() throws Exception {
        if (relay != null) {
            relay.close();
        }
    }

    static final String HEAD = "alpha beta gamma\nsecond line\nthird line\n";

    @Test
    void twoPeersEditOneLineEachStagesExactlyItsOwnChangesAndTheCommitNamesTheOther() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve(".gitconfig"), "");
        Path a = aliceRepo(tmp.resolve("alice"), HEAD);
        Path b = tmp.resolve("bob");
        git(tmp, "clone", "-q", a.toString(), b.toString());
        git(b, "config", "user.name", "Bob");
        git(b, "config", "user.email", "bob@example.com");

        try (FolderProcess share = FolderProcess.start(tmp.resolve("p-a"), home, "share", a.toString(),
                "--relay", relay.url())) {
            String link = JsonParser.parseString(share.awaitLine(120)).getAsJsonObject().get("link").getAsString();
            // Bob's identity from flags (they override git's configuration, which says the same here).
            try (FolderProcess join = FolderProcess.start(tmp.resolve("p-b"), home, "join", "--link", link,
                    b.toString(), "--name", "Bob", "--email", "bob@example.com")) {
                join.awaitLine(120);
                Files.writeString(a.resolve("notes.txt"), "ALPHA beta gamma\nsecond line\nthird line\n");
                FolderCliTest.awaitContent(b.resolve("notes.txt"), "ALPHA beta gamma\nsecond line\nthird line\n",
                        join);
                String both = "ALPHA beta GAMMA\nsecond line\nthird line\nbob's line\n";
                Files.writeString(b.resolve("notes.txt"), both);
                FolderCliTest.awaitContent(a.resolve("notes.txt"), both, share);
                awaitDeletionsLoggedBy(2, link);

                CliProcess.Result blame = CliProcess.run(tmp, "blame", a.resolve("notes.txt").toString());
                assertThat(blame.exit()).as(blame.err()).isZero();
                assertThat(blame.out()).isEqualTo("1\tAlice,Bob\tALPHA beta GAMMA\n2\t-\tsecond line\n"
                        + "3\t-\tthird line\n4\tBob\tbob's line\n");

                CliProcess.Result stageA = CliProcess.run(tmp, "stage", "--mine", a.toString());
                assertThat(stageA.exit()).as(stageA.err()).isZero();
                assertThat(stageA.out()).isEqualTo("staged\tnotes.txt\t+5\t-5\n");
                assertThat(git(a, "show", ":notes.txt")).isEqualTo("ALPHA beta gamma\nsecond line\nthird line\n");
                String diffA = git(a, "diff", "--cached");
                assertThat(diffA).contains("-alpha beta gamma\n+ALPHA beta gamma\n").doesNotContain("GAMMA")
                        .doesNotContain("bob's line");
                assertThat(git(a, "diff")).contains("+ALPHA beta GAMMA").contains("+bob's line");

                CliProcess.Result stageB = CliProcess.run(tmp, "stage", "--mine", b.toString());
                assertThat(stageB.exit()).as(stageB.err()).isZero();
                assertThat(git(b, "show", ":notes.txt")).isEqualTo("alpha beta GAMMA\nsecond line\nthird line\n"
                        + "bob's line\n");
                assertThat(git(b, "diff", "--cached")).contains("-alpha beta gamma\n+alpha beta GAMMA\n")
                        .contains("+bob's line").doesNotContain("ALPHA");

                // Bob commits only his own changes: no co-author.
                CliProcess.Result commitB = CliProcess.run(tmp, "commit", b.toString(), "-m", "Bob's part");
                assertThat(commitB.exit()).as(commitB.err()).isZero();
                assertThat(git(b, "log", "-1", "--format=%an <%ae>%n%B")).isEqualTo("Bob <bob@example.com>\n"
                        + "Bob's part\n\n");
                // Alice stages everything with git and commits from Weft: Bob's changes are in it, so he is named.
                git(a, "add", "notes.txt");
                CliProcess.Result commitA = CliProcess.run(tmp, "commit", a.toString(), "-m", "Both");
                assertThat(commitA.exit()).as(commitA.err()).isZero();
                assertThat(git(a, "log", "-1", "--format=%an%n%B")).isEqualTo("Alice\nBoth\n\n"
                        + "Co-authored-by: Bob <bob@example.com>\n\n");
                assertThat(git(a, "status", "--porcelain")).isEmpty();
            }
        }
    }

    /** Alice's repository at {@code dir}: {@code notes.txt} with {@code notes}, {@code .weft/} ignored, committed. */
    static Path aliceRepo(Path dir, String notes) throws Exception {
        return CliFixtures.committedRepo(dir, "Alice", "alice@example.com", notes);
    }

    /** Waits until the room's authors log has deletion lines from {@code sessions} distinct sessions. */
    private static void awaitDeletionsLoggedBy(int sessions, String link) throws Exception {
        FolderCliTest.Trees2.await(() -> {
            try {
                CliProcess.Result r = CliProcess.run(tmp, "cat", "--link", link, "--doc", ".weft/authors");
                return Arrays.stream(r.out().split("\n")).filter(l -> l.startsWith("X\t"))
                        .map(l -> l.split("\t")[1]).distinct().count() >= sessions;
            } catch (Exception e) {
                return false;
            }
        }, sessions + " sessions' deletions in .weft/authors");
    }
}
