package dev.weft.client.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a folder shares, checked against the real git CLI on a repository the test makes. */
class IgnoreRulesTest {
    @TempDir
    Path tmp;

    /** The sample repository ({@link GitRepos#makeSampleRepo}) and the user's excludes file it uses. */
    private Path repo;
    private Path userExcludes;

    /** Makes the sample repository in {@code tmp/repo} and scans it with the rules Weft loads for it. */
    private FolderScanner.Scan scanSampleRepo() throws Exception {
        repo = tmp.resolve("repo");
        userExcludes = tmp.resolve("global-ignore");
        GitRepos.makeSampleRepo(repo, userExcludes);
        return new FolderScanner(repo, () -> IgnoreRules.load(repo, Optional.of(userExcludes)),
                Workspace.DEFAULT_MAX_FILE_BYTES).scan();
    }

    @Test
    void sharedFilesAreWhatGitSeesMinusWeftignoreAndSecrets() throws Exception {
        FolderScanner.Scan scan = scanSampleRepo();

        Set<String> gitSees = Arrays.stream(GitRepos.git(repo, "-c", "core.excludesFile=" + userExcludes,
                "-c", "core.quotePath=false", "ls-files", "--cached", "--others", "--exclude-standard")
                .split("\n")).filter(s -> !s.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> weftOnly = Set.of("private/diary.md", ".env", ".env.local", "certs/server.pem",
                "certs/server.key", "id_ed25519");
        Set<String> expected = new TreeSet<>(gitSees);
        expected.removeAll(weftOnly);
        assertThat(gitSees).containsAll(weftOnly); // git itself would share them: Weft's own rules leave them out
        assertThat(scan.shared().keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(scan.shared()).containsKeys("keep.log", "src/important.tmp", "src/deep/root-only.txt",
                "docs/figure.png", "docs/crlf.txt", "docs/emoji 😀.md", ".gitignore", ".weftignore");
    }

    @Test
    void eachLeftOutPathSaysWhichRuleLeftItOut() throws Exception {
        FolderScanner.Scan scan = scanSampleRepo();
        assertThat(scan.excluded()).containsEntry(".git/", "always excluded (.git)")
                .containsEntry(".env", "always excluded (.env*)")
                .containsEntry("certs/server.pem", "always excluded (*.pem)")
                .containsEntry("id_ed25519", "always excluded (id_ed25519*)")
                .containsEntry("debug.log", ".gitignore")
                .containsEntry("build/", ".gitignore")
                .containsEntry("root-only.txt", ".gitignore")
                .containsEntry("src/generated/", "src/.gitignore")
                .containsEntry("src/scratch.tmp", "src/.gitignore")
                .containsEntry("local-notes.md", ".git/info/exclude")
                .containsEntry("editor.swp", "core.excludesFile (" + userExcludes + ")")
                .containsEntry("private/", ".weftignore");
    }

    @Test
    void symlinksAndLargeFilesAreListedNotShared() throws Exception {
        Path dir = tmp.resolve("d");
        Trees.write(dir, "small.txt", "x\n");
        java.nio.file.Files.write(dir.resolve("big.bin"), new byte[2048]);
        java.nio.file.Files.createSymbolicLink(dir.resolve("link-out"), tmp);
        java.nio.file.Files.createSymbolicLink(dir.resolve("link.txt"), dir.resolve("small.txt"));
        FolderScanner.Scan scan = new FolderScanner(dir, () -> IgnoreRules.load(dir, Optional.empty()), 1024).scan();
        assertThat(scan.shared()).containsOnlyKeys("small.txt");
        assertThat(scan.excluded().get("big.bin")).startsWith("larger than");
        assertThat(scan.excluded()).containsEntry("link-out", "symbolic link (never followed)")
                .containsEntry("link.txt", "symbolic link (never followed)");
    }
}
