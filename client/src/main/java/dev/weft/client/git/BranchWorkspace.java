package dev.weft.client.git;

import dev.weft.client.SharedDocument;
import dev.weft.client.workspace.ChannelPool;
import dev.weft.client.workspace.Workspace;
import dev.weft.client.workspace.tree.TreeNames;
import dev.weft.crdt.TextDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A branch-scoped folder peer ({@code docs/git.md}, "Branches"): mirrors a git working copy with the namespace of
 * the branch it has checked out, and follows {@code git checkout}/{@code switch}. Each branch has its own tree and
 * text documents in the room, so edits on other branches never reach this disk or its replicas.
 *
 * <p>A checkout is not an edit. Every workspace has a gate ({@link GitHead#gateFor}) that is closed while git is
 * busy and while HEAD names another branch, so nothing git writes is read as an edit. When git has settled on
 * another branch, the controller thread (a) stops the old branch's workspace without reading the disk again and
 * waits until the relay has acknowledged everything it took in (those edits stay in the old branch's documents;
 * they are back when this peer returns), (b) puts each file the old branch had on disk back to HEAD's content (or
 * deletes it, if HEAD has none): whatever git carried over belongs to the old branch, and (c) starts the new
 * branch's workspace, which writes the branch's live text over these clean files (a file equal to HEAD's is
 * replaced, never kept aside) or, if nobody is on the branch yet, shares them.
 *
 * <p>Every move (branch, commit) is appended to the room's {@link BranchLog}; moves of others are told through
 * the notices ("Bob is on feature-x", "Alice committed … on main").
 */
public final class BranchWorkspace implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BranchWorkspace.class.getName());
    /** How often git's HEAD is looked at. */
    static final long POLL_MILLIS = 100;

    /** Settings of every branch's workspace (namespace, gate and baseline are set per branch); immutable. */
    private final Workspace.Options base;
    private final ChannelPool pool;
    /** The repository; guarded by itself (engine threads read HEAD's files through {@link #baseline}). */
    private final GitRepo repo;
    /** The shared folder relative to the work tree ({@code ""} or {@code "sub/dir/"}); immutable. */
    private final String prefix;
    private final GitHead head;
    private final GitIdentity who;
    /** This peer's session ({@link Workspace#sessionOf}); immutable. */
    private final long session;
    /** Runs polls and switches; the fields below marked "controller" are confined to it. */
    private final ScheduledExecutorService controller;
    /** The room's branch log. */
    private final SharedDocument branchesDoc;
    /** Told about local deletions in every branch's workspace. */
    private final List<Workspace.LocalDeletionListener> deletionListeners = new CopyOnWriteArrayList<>();
    /** Told before a branch's workspace stops and after the next one started (editor peers follow). */
    private final List<MoveListener> moveListeners = new CopyOnWriteArrayList<>();
    /** How long a stopping workspace waits for acknowledgements before saying so (and waiting on). */
    private final Duration ackTimeout;
    /** The running workspace, or null while HEAD is detached (written by the controller). */
    private volatile Workspace current;
    /** The branch of {@link #current}, or null (written by the controller). */
    private volatile String branch;
    /** {@link #branch} and {@link #current} as one value, for readers on other threads (written by the controller). */
    private volatile Mirror mirror = new Mirror(null, null);
    /** Controller: the commit last written to the branch log. */
    private String commit;
    /** Controller: the places of others already told. */
    private final Map<Long, BranchLog.Place> told = new HashMap<>();
    /** Number of branch changes done (tests wait on it). */
    private final AtomicInteger moves = new AtomicInteger();
    private volatile boolean closed;

    private BranchWorkspace(Workspace.Options base, ChannelPool pool, GitRepo repo, GitIdentity who,
                            Duration ackTimeout) {
        this.base = base;
        this.pool = pool;
        this.repo = repo;
        String rel = repo.relative(base.root());
        this.prefix = rel.isEmpty() ? "" : rel + "/";
        this.head = GitHead.of(repo);
        this.who = who;
        this.session = Workspace.sessionOf(base.agent());
        this.ackTimeout = ackTimeout;
        this.controller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weft-branches");
            t.setDaemon(true);
            return t;
        });
        long agent = new SecureRandom().nextLong() & ((1L << 53) - 1);
        this.branchesDoc = SharedDocument.open(pool.next(), TreeNames.BRANCHES, new TextDocument(agent));
        branchesDoc.addRemoteChangeListener(changes -> controller.execute(this::readLog));
        branchesDoc.addSyncListener(() -> controller.execute(this::readLog));
    }

    /**
     * Starts mirroring the working copy at {@code base.root()} with its current branch's namespace.
     *
     * @throws GitRepo.NotARepositoryException if the folder is not in a git work tree
     * @throws DetachedHeadException           if HEAD names no branch
     */
    public static BranchWorkspace start(Workspace.Options base, ChannelPool pool, GitIdentity who)
            throws IOException, InterruptedException {
        return start(base, pool, who, Duration.ofSeconds(30));
    }

    /** {@link #start(Workspace.Options, ChannelPool, GitIdentity)} waiting {@code ackTimeout} between notices. */
    public static BranchWorkspace start(Workspace.Options base, ChannelPool pool, GitIdentity who,
                                        Duration ackTimeout) throws IOException, InterruptedException {
        GitRepo repo = GitRepo.open(base.root());
        BranchWorkspace bw = new BranchWorkspace(base, pool, repo, who, ackTimeout);
        GitHead.Snapshot s = bw.awaitSettled(Duration.ofSeconds(30));
        try {
            bw.branchesDoc.firstSync().get(30, TimeUnit.SECONDS);   // so the first line is sent with the branch
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            bw.close();
            throw new IOException("the room's branch log did not arrive within 30 s", e);
        }
        if (s.branch() == null) {
            bw.close();
            throw new DetachedHeadException(base.root() + ": HEAD is detached; check out a branch to share it"
                    + " branch-scoped");
        }
        try {
            bw.controller.submit(() -> {
                bw.moveTo(s.branch());
                return null;
            }).get();
        } catch (java.util.concurrent.ExecutionException e) {
            bw.close();
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        bw.controller.scheduleWithFixedDelay(bw::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        return bw;
    }

    private GitHead.Snapshot awaitSettled(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            GitHead.Snapshot s = head.settled();
            if (s != null) {
                return s;
            }
            Thread.sleep(POLL_MILLIS);
        }
        throw new IOException("git in " + base.root() + " stayed busy (a lock file or a changing HEAD) for "
                + timeout.toSeconds() + " s");
    }

    /** The running workspace (null while HEAD is detached). */
    public Workspace current() {
        return current;
    }

    /** The branch this peer mirrors now, or null. */
    public String branch() {
        return branch;
    }

    /**
     * The branch mirrored now and its workspace, read together (both null while HEAD is detached or during a move).
     */
    public Mirror mirror() {
        return mirror;
    }

    /** A branch and the workspace mirroring it; immutable. */
    public record Mirror(String branch, Workspace workspace) {
    }

    /**
     * Told about this peer's moves between branches, on the controller thread (which waits for the listener: keep
     * it short, or hand work off). An editor peer detaches its buffers from the old branch in {@link #leaving} and
     * binds them to the new branch's workspace once that has settled ({@link #entered}).
     */
    public interface MoveListener {
        /**
         * Git has settled on {@code to} (null: detached HEAD) and {@code from}'s workspace is about to stop
         * without reading the disk again; what the listener passes to that workspace's documents before returning
         * is kept with branch {@code from}.
         */
        void leaving(String from, Workspace workspace, String to);

        /** {@code workspace} now mirrors {@code branch} (started, not yet settled). */
        void entered(String branch, Workspace workspace);
    }

    /** Tells {@code l} about every later move. */
    public void addMoveListener(MoveListener l) {
        moveListeners.add(Objects.requireNonNull(l, "l"));
    }

    /**
     * True if git is settled on {@code branch} now: no git command is running and HEAD, index and refs have not
     * changed for the settle time ({@link GitHead#settled()}; this call counts as a look). An editor passes on its
     * buffers' changes only then, so a buffer reloaded from what a checkout wrote is never taken as an edit.
     */
    public boolean settledOn(String branch) {
        GitHead.Snapshot s = head.settled();
        return s != null && s.branch() != null && s.branch().equals(branch);
    }

    /** HEAD's text of the shared folder's {@code path} (UTF-8), or null if HEAD has no such file. Any thread. */
    public String headText(String path) {
        byte[] b = baseline(path);
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** How many times this peer has changed branch (the first branch counts as one). */
    public int moves() {
        return moves.get();
    }

    /** This peer's session. */
    public long session() {
        return session;
    }

    /** Where every peer is, as the room's branch log says now. */
    public CompletableFuture<Map<Long, BranchLog.Place>> places() {
        return branchesDoc.call(t -> BranchLog.parse(t.getText()).places());
    }

    /**
     * Waits until the relay has acknowledged this peer's lines in the branch log (where it is).
     *
     * @return false on timeout
     */
    public boolean awaitLogged(Duration timeout) throws InterruptedException {
        return branchesDoc.awaitAllAcked(timeout);
    }

    /** Tells {@code l} about local deletions in every branch's workspace (see {@link Workspace}). */
    public void addLocalDeletionListener(Workspace.LocalDeletionListener l) {
        deletionListeners.add(Objects.requireNonNull(l, "l"));
    }

    // ---- controller thread ----------------------------------------------------------------------------------

    private void poll() {
        if (closed) {
            return;
        }
        try {
            GitHead.Snapshot s = head.settled();
            if (s == null) {
                return;
            }
            if (!Objects.equals(s.branch(), branch)) {
                moveTo(s.branch());
            } else if (branch != null && !Objects.equals(headCommit(), commit)) {
                commit = headCommit();
                writeLine();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "following git's HEAD failed; retrying", e);
            base.notices().accept("error while following git's branch: " + e);
        }
    }

    /** Leaves the current branch (if any) and enters {@code next} (null: detached HEAD, mirror nothing). */
    private void moveTo(String next) throws IOException, InterruptedException {
        synchronized (repo) {
            repo.refreshRefs();   // git (another process) moved HEAD: HEAD's files must be the new ones
        }
        Workspace old = current;
        String from = branch;
        if (old != null) {
            List<String> paths;
            try {
                paths = old.localPaths().get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IOException("could not list the files of branch " + from, e);
            }
            current = null;
            mirror = new Mirror(null, null);
            for (MoveListener l : moveListeners) {
                try {
                    l.leaving(from, old, next);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a move listener failed while leaving " + from, e);
                }
            }
            old.detach(ackTimeout, () -> base.notices().accept("leaving branch " + from + ": waiting for the relay"
                    + " to store its edits before entering " + (next == null ? "a detached HEAD" : next)));
            if (next != null) {
                restoreCheckout(paths);
            }
        }
        branch = next;
        commit = headCommit();
        if (next != null) {
            Workspace w = Workspace.start(base.inNamespace(TreeNames.branchTree(next),
                    TreeNames.branchTextPrefix(next), head.gateFor(next), this::baseline), pool);
            w.addLocalDeletionListener((fileId, ids) -> deletionListeners.forEach(l -> l.deleted(fileId, ids)));
            current = w;
            mirror = new Mirror(next, w);
            for (MoveListener l : moveListeners) {
                try {
                    l.entered(next, w);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a move listener failed while entering " + next, e);
                }
            }
            if (from != null) {
                base.notices().accept("left branch " + from + " (its edits stay with it); now on " + next);
            }
        } else {
            base.notices().accept("HEAD is detached: not mirroring until a branch is checked out (branch " + from
                    + " keeps its edits)");
        }
        moves.incrementAndGet();
        writeLine();
    }

    /**
     * Puts each of {@code paths} (files the left branch had on disk) back to HEAD's content, or deletes it if
     * HEAD has none: what git left of the old branch's live edits is not carried into the new branch.
     */
    private void restoreCheckout(List<String> paths) throws IOException {
        for (String p : paths) {
            Path f = base.root().resolve(p);
            if (Files.isSymbolicLink(f) || Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            byte[] clean = baseline(p);
            if (clean == null) {
                Files.deleteIfExists(f);
            } else if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS) || !Arrays.equals(Files.readAllBytes(f), clean)) {
                Files.createDirectories(f.getParent());
                Files.write(f, clean);
            }
        }
    }

    /** HEAD's bytes of the shared folder's {@code path}, or null (any thread). */
    private byte[] baseline(String path) {
        synchronized (repo) {
            try {
                return repo.headBytes(prefix + path);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "no HEAD content for " + path, e);
                return null;
            }
        }
    }

    private String headCommit() throws IOException {
        synchronized (repo) {
            return repo.headCommit();
        }
    }

    private void writeLine() {
        String line = BranchLog.line(session, branch, commit, who.name());
        branchesDoc.firstSync().thenRun(() -> {
            if (!branchesDoc.isReadOnly()) {
                branchesDoc.edit(t -> t.insert(t.length(), line));
            }
        });
    }

    /** Tells the user where the others went since the last look. */
    private void readLog() {
        if (closed || !branchesDoc.firstSync().isDone()) {
            return;
        }
        Map<Long, BranchLog.Place> now = places().join();
        now.forEach((s, p) -> {
            BranchLog.Place before = told.put(s, p);
            if (s == session || p.equals(before)) {
                return;
            }
            if (p.branch() == null) {
                if (before != null && before.branch() != null) {
                    base.notices().accept(p.name() + " left branch " + before.branch());
                }
            } else if (before == null || !p.branch().equals(before.branch())) {
                base.notices().accept(p.name() + " is on " + p.branch()
                        + (p.branch().equals(branch) ? " (with you)" : ""));
            } else if (p.branch().equals(branch) && p.commit() != null && !p.commit().equals(commit)) {
                String c = p.commit().substring(0, Math.min(12, p.commit().length()));
                base.notices().accept(p.name() + " is at commit " + c + " on " + branch + "; once you have it ("
                        + "git fetch), 'git reset " + c + "' moves you there without changing any file");
            }
        });
    }

    /**
     * Stops: the current branch's workspace takes in the last disk changes and waits for their acknowledgement;
     * the branch log says this peer left. Idempotent.
     *
     * @return true if everything local was acknowledged
     */
    public boolean close(Duration timeout) throws InterruptedException {
        if (closed) {
            return true;
        }
        closed = true;
        controller.shutdown();
        if (!controller.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            controller.shutdownNow();
        }
        Workspace w = current;
        boolean acked = w == null || w.close(timeout);
        if (branchesDoc.firstSync().isDone() && !branchesDoc.isReadOnly()) {
            branchesDoc.edit(t -> t.insert(t.length(), BranchLog.line(session, null, null, who.name())));
        }
        acked &= branchesDoc.awaitAllAcked(Duration.ofSeconds(5));
        branchesDoc.close();
        synchronized (repo) {
            repo.close();
        }
        return acked;
    }

    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(10));
    }

    /** HEAD names no branch, so there is no branch to mirror. */
    public static final class DetachedHeadException extends IOException {
        public DetachedHeadException(String message) {
            super(message);
        }
    }
}
