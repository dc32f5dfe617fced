package dev.weft.client.git;

import dev.weft.client.workspace.DiskStamp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Watches what git is doing in a work tree, by looking (cheaply: a few {@code stat}s and one small read) at its
 * HEAD, index and refs ({@code docs/git.md}, "Branches"). A git command that rewrites the work tree (checkout,
 * switch, reset, merge) holds {@code index.lock} while it writes files and then replaces the index and moves
 * HEAD; so while a lock exists, or until the HEAD, index and ref files have stayed unchanged for
 * {@link #settleNanos}, the work tree may be in the middle of a git command and must not be read as edits.
 * Thread-safe.
 */
public final class GitHead {
    /** The state of git's files at one moment. Immutable. */
    public record Snapshot(String head, List<DiskStamp> stamps, boolean locked) {
        /** The checked-out branch's short name, or null when HEAD is detached (or unreadable). */
        public String branch() {
            String prefix = "ref: refs/heads/";
            return head.startsWith(prefix) ? head.substring(prefix.length()) : null;
        }
    }

    /** This work tree's git directory (HEAD, index); immutable. */
    private final Path gitDir;
    /** Where refs and packed-refs are; immutable. */
    private final Path commonDir;
    /** The index file; immutable. */
    private final Path index;
    /** How long git's files must stay unchanged before the work tree is read again; immutable. */
    private final long settleNanos;
    /** The last snapshot seen by {@link #settled()}; guarded by this. */
    private Snapshot last;
    /** When {@link #last} was first seen ({@link System#nanoTime()}); guarded by this. */
    private long since;

    public GitHead(Path gitDir, Path commonDir, Path index, long settleNanos) {
        this.gitDir = gitDir;
        this.commonDir = commonDir;
        this.index = index;
        this.settleNanos = settleNanos;
    }

    /** The files of {@code repo}, with a settle time of 150 ms. */
    public static GitHead of(GitRepo repo) {
        return new GitHead(repo.gitDir(), repo.commonDir(), repo.indexFile(), 150_000_000L);
    }

    /** Git's files now. */
    public Snapshot now() {
        String head;
        try {
            head = Files.readString(gitDir.resolve("HEAD"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            head = "";   // being replaced (HEAD.lock renamed over it): not settled
        }
        Snapshot s0 = new Snapshot(head, List.of(), false);
        String branch = s0.branch();
        Path ref = branch == null ? null : commonDir.resolve("refs/heads").resolve(branch);
        List<DiskStamp> stamps = new java.util.ArrayList<>(4);
        for (Path p : new Path[] {gitDir.resolve("HEAD"), index, commonDir.resolve("packed-refs"), ref}) {
            stamps.add(p == null ? null : DiskStamp.read(p));
        }
        boolean locked = Files.exists(lockOf(index)) || Files.exists(lockOf(gitDir.resolve("HEAD")))
                || (ref != null && Files.exists(lockOf(ref)));
        return new Snapshot(head, java.util.Collections.unmodifiableList(stamps), locked);
    }

    private static Path lockOf(Path p) {
        return p.resolveSibling(p.getFileName() + ".lock");
    }

    /**
     * The current snapshot if no git command seems to be running: no lock, and the same files for at least the
     * settle time (this call counts as a look: the first call after a change returns null). Else null.
     */
    public synchronized Snapshot settled() {
        Snapshot s = now();
        long t = System.nanoTime();
        if (!s.equals(last)) {
            last = s;
            since = t;
            return null;
        }
        return s.locked() || t - since < settleNanos ? null : s;
    }

    /** True if git's files are exactly as in {@code s} and unlocked (nothing git did since). */
    public boolean unchanged(Snapshot s) {
        Snapshot now = now();
        return !now.locked() && now.equals(s);
    }

    /**
     * The gate of a workspace mirroring {@code branch}: open while git is settled on that branch (any commit), so
     * files git writes while checking out, and the files of another branch, are never read as edits.
     */
    public dev.weft.client.workspace.Workspace.DiskGate gateFor(String branch) {
        return new dev.weft.client.workspace.Workspace.DiskGate() {
            @Override
            public Object open() {
                Snapshot s = settled();
                return s != null && branch.equals(s.branch()) ? s : null;
            }

            @Override
            public boolean stillOpen(Object token) {
                return token instanceof Snapshot s && unchanged(s);
            }
        };
    }
}
