package dev.weft.client.git;

import static dev.weft.client.workspace.CliFixtures.git;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When git counts as busy or settled, and the workspace gate built on it, on a repository made with the git CLI. */
class GitHeadTest {
    @TempDir
    Path tmp;

    private GitHead head(Path repo) throws Exception {
        try (GitRepo r = GitRepo.open(repo)) {
            return new GitHead(r.gitDir(), r.commonDir(), r.indexFile(), 0);
        }
    }

    private Path repo() throws Exception {
        Path dir = BranchRepos.cloneFor(BranchRepos.makeOrigin(tmp), "Ann");
        return dir;
    }

    @Test
    void aChangeOrALockKeepsGitUnsettledUntilItIsLookedAtUnchanged() throws Exception {
        Path dir = repo();
        GitHead h = head(dir);
        assertThat(h.settled()).as("first look: nothing to compare with").isNull();
        GitHead.Snapshot s = h.settled();
        assertThat(s).isNotNull();
        assertThat(s.branch()).isEqualTo("main");
        Path lock = dir.resolve(".git/index.lock");
        Files.writeString(lock, "");
        assertThat(h.unchanged(s)).isFalse();
        h.settled();
        assertThat(h.settled()).as("locked").isNull();
        Files.delete(lock);
        git(dir, "checkout", "-q", "feature");
        assertThat(h.unchanged(s)).isFalse();
        assertThat(h.settled()).isNull();
        assertThat(h.settled().branch()).isEqualTo("feature");
    }

    @Test
    void theGateOfABranchIsClosedOnAnotherBranchAndAfterGitRewroteTheIndex() throws Exception {
        Path dir = repo();
        GitHead h = head(dir);
        Workspace.DiskGate main = h.gateFor("main");
        Workspace.DiskGate feature = h.gateFor("feature");
        h.settled();
        Object token = main.open();
        assertThat(token).isNotNull();
        assertThat(feature.open()).isNull();
        assertThat(main.stillOpen(token)).isTrue();
        git(dir, "reset", "-q", "--hard");   // rewrites the index: what was read since may be git's
        assertThat(main.stillOpen(token)).isFalse();
        assertThat(main.open()).isNull();
        assertThat(main.open()).isNotNull();
    }

    @Test
    void theBranchLogKeepsEachSessionsLastPlaceAndSkipsMalformedLines() {
        String text = BranchLog.line(0xabc, "main", "1234", "Ann") + "H\tnot-hex\tx\ty\tz\n" + "garbage\n"
                + BranchLog.line(0xdef, "feature", null, "Bob\tB") + BranchLog.line(0xabc, null, null, "Ann")
                + "H\tabc\tmain";
        var places = BranchLog.parse(text).places();
        assertThat(places).hasSize(2);
        assertThat(places.get(0xabcL)).isEqualTo(new BranchLog.Place(null, null, "Ann"));
        assertThat(places.get(0xdefL)).isEqualTo(new BranchLog.Place("feature", null, "Bob B"));
    }
}
