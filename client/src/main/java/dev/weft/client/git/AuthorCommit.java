package dev.weft.client.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Stage-mine and commit-with-co-authors over one git repository, for any front end that can give a shared text
 * file's {@link Attribution} ({@code docs/git.md}, "Stage mine", "Commit"): the language server's
 * {@code weft.stageMine}/{@code weft.commit}. Stateless.
 */
public final class AuthorCommit {
    private AuthorCommit() {
    }

    /** The room's side of a repository: what is shared, and the attribution of a shared text file. */
    public interface SharedFiles {
        /** Absolute paths of the shared text files (inside the repository's work tree or not). */
        List<Path> textFiles() throws Exception;

        /**
         * The attribution of the shared text file at {@code file} against {@code head} ({@code ""} when HEAD lacks
         * it), or null if the room has no text file there.
         */
        Attribution attribution(Path file, String head) throws Exception;
    }

    /** One file {@link #stageMine} staged: its work-tree path and the units of the local participant's changes. */
    public record StagedFile(String path, int inserted, int deleted) {
    }

    /**
     * What {@link #stageMine} did.
     *
     * @param staged   files whose index entry now holds HEAD plus exactly the local participant's changes
     * @param problems changes left unstaged, each {@code path line N: reason} or {@code path: reason}
     */
    public record Staged(List<StagedFile> staged, List<String> problems) {
    }

    /**
     * Puts into the index, for every shared text file of the repository that differs from HEAD, HEAD's text plus
     * exactly {@code me}'s changes. A file whose disk text is not the room's (not saved, or the peer not in sync)
     * is left out and reported, as are hunks {@link Attribution#stage} cannot separate.
     */
    public static Staged stageMine(GitRepo repo, SharedFiles files, GitIdentity me) throws Exception {
        List<StagedFile> staged = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path file : files.textFiles()) {
            if (!file.startsWith(repo.workTree())) {
                continue;
            }
            String gitPath = repo.relative(file);
            String head = repo.headText(gitPath);
            Attribution a = files.attribution(file, head == null ? "" : head);
            if (a == null || head != null && a.text().equals(head)) {
                continue;
            }
            if (!Files.isRegularFile(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(a.text())) {
                problems.add(gitPath + ": the file on disk differs from the shared text (not saved, or not in"
                        + " sync yet); not staged");
                continue;
            }
            Attribution.Staged s = a.stage(me);
            for (String p : s.problems()) {
                problems.add(gitPath + " " + p);
            }
            if (s.inserted() + s.deleted() > 0) {
                repo.stage(gitPath, s.text());
                staged.add(new StagedFile(gitPath, s.inserted(), s.deleted()));
            }
        }
        return new Staged(staged, problems);
    }

    /**
     * What {@link #commit} did.
     *
     * @param id       the new commit's id
     * @param trailers the {@code Co-authored-by} trailers written, in order of appearance
     * @param problems staged changes without a known author, co-authors without an e-mail
     */
    public record Committed(String id, List<String> trailers, List<String> problems) {
    }

    /**
     * Commits the index with {@code message} and one {@code Co-authored-by} trailer per other participant (not
     * {@link GitIdentity#samePerson} {@code me}) whose changes are in the staged diff.
     *
     * @throws NothingStagedException if the index equals HEAD
     */
    public static Committed commit(GitRepo repo, String message, SharedFiles files, GitIdentity me)
            throws Exception {
        List<String> staged = repo.stagedPaths();
        if (staged.isEmpty()) {
            throw new NothingStagedException("nothing is staged in " + repo.workTree());
        }
        List<String> problems = new ArrayList<>();
        Set<GitIdentity> others = new LinkedHashSet<>();
        for (String gitPath : staged) {
            String index = repo.indexText(gitPath);
            String head = repo.headText(gitPath);
            Attribution a = index == null ? null
                    : files.attribution(repo.workTree().resolve(gitPath), head == null ? "" : head);
            if (a == null) {
                problems.add(gitPath + ": not a shared text file (or removed): its authors are not known; no"
                        + " trailer for it");
                continue;
            }
            Attribution.Contributors c = a.contributors(index);
            if (c.someUnknown()) {
                problems.add(gitPath + ": some staged changes have no known author");
            }
            for (GitIdentity who : c.authors()) {
                if (!who.samePerson(me)) {
                    others.add(who);
                }
            }
        }
        List<String> trailers = new ArrayList<>();
        for (GitIdentity o : others) {
            if (o.email().isEmpty()) {
                problems.add(o.name() + " has no e-mail in their git configuration: no Co-authored-by trailer");
            } else if (!trailers.contains(o.trailer())) {
                trailers.add(o.trailer());
            }
        }
        StringBuilder msg = new StringBuilder(message.strip());
        if (!trailers.isEmpty()) {
            msg.append("\n\n").append(String.join("\n", trailers));
        }
        String id = repo.commit(msg.append('\n').toString());
        return new Committed(id, trailers, problems);
    }

    /** {@link #commit} with an index equal to HEAD. */
    public static final class NothingStagedException extends IOException {
        public NothingStagedException(String message) {
            super(message);
        }
    }
}
