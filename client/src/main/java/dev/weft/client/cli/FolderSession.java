package dev.weft.client.cli;

import dev.weft.client.SyncChannel;
import dev.weft.client.direct.DirectChannel;
import dev.weft.client.git.AuthorRecorder;
import dev.weft.client.git.BranchWorkspace;
import dev.weft.client.git.GitRepo;
import dev.weft.client.git.GitIdentity;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.relay.RelayClient;
import dev.weft.client.workspace.ChannelPool;
import dev.weft.client.workspace.FolderScanner;
import dev.weft.client.workspace.IgnoreRules;
import dev.weft.client.workspace.Workspace;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * What {@code weft share} and {@code weft join} have in common: connections to the room (several, see
 * {@link ChannelPool}), the workspace engine on a directory, the stderr summary, and a clean stop on SIGINT/SIGTERM
 * that waits for the relay to acknowledge everything local.
 */
final class FolderSession {
    /** Documents per connection: half the relay's default limit of 1000, leaving room for blobs and retries. */
    static final int DOCS_PER_CONNECTION = 500;

    private FolderSession() {
    }

    /** The one DIR argument. */
    static Path directory(List<String> words, String command) {
        if (words.size() != 1) {
            throw new UsageException(command + " needs exactly one directory, got " + words.size() + " words");
        }
        return Path.of(words.get(0)).toAbsolutePath().normalize();
    }

    /**
     * Connects to {@code link}, starts the engine on {@code dir}, prints the left-out summary, and waits until the
     * room and the directory agree and everything local is acknowledged.
     *
     * @return the running session; {@link #runUntilSignal} keeps it going
     */
    static Running start(InviteLink link, Path dir, Duration timeout, PrintStream err, String command)
            throws Exception {
        return start(link, dir, timeout, err, command, false, GitIdentity.resolve(dir, null, null));
    }

    /** {@link #start(InviteLink, Path, Duration, PrintStream, String)} as {@code who} ({@code docs/git.md}). */
    static Running start(InviteLink link, Path dir, Duration timeout, PrintStream err, String command,
                         boolean direct, GitIdentity who) throws Exception {
        return start(link, dir, timeout, err, command, direct, who, null);
    }

    /**
     * {@link #start(InviteLink, Path, Duration, PrintStream, String, boolean, GitIdentity)}, branch-scoped
     * ({@code docs/git.md}, "Branches") if {@code branchScoped} says so, or (null) if the room already is.
     */
    static Running start(InviteLink link, Path dir, Duration timeout, PrintStream err, String command,
                         boolean direct, GitIdentity who, Boolean branchScoped) throws Exception {
        Files.createDirectories(dir);
        GitFolder.rememberLink(dir, link);
        RelayClient.Options options = RelayClient.Options.of(link).withUser(who.name(), "#888888")
                .withTimings(Duration.ofMillis(Math.min(timeout.toMillis(), 5000)), Duration.ofMillis(100),
                        Duration.ofSeconds(2), Duration.ofSeconds(10));
        RelayClient first = new RelayClient(options);
        dev.weft.sync.Message.Welcome welcome = RelaySession.await(first.connect(), timeout, first, "relay "
                + link.relay() + " did not admit us within " + timeout.toSeconds() + " s");
        boolean scoped = branchScoped != null ? branchScoped
                : welcome.docNames().contains(dev.weft.client.workspace.tree.TreeNames.BRANCHES);
        // With --direct only the first connection links directly: it carries the first 500 documents (most folders
        // entirely); the others stay plain relay connections.
        SyncChannel firstChannel = direct ? DirectChannel.over(first) : first;
        if (direct) {
            err.println("weft " + command + ": direct links on (the relay stays the rendezvous and durable copy)");
        }
        ChannelPool pool = new ChannelPool(firstChannel, () -> {
            RelayClient c = new RelayClient(options.withClientId(options.clientId() + 1
                    + (long) (Math.random() * 1_000_000)));
            c.connect();
            return (SyncChannel) c;
        }, DOCS_PER_CONNECTION);
        return startOn(pool, link.room(), dir, timeout, err, command, who, scoped);
    }

    /**
     * Starts the engine on {@code dir} over {@code pool} (connected already) and waits as {@link #start} does; the
     * LAN transport uses it with its own channel. The participant is the one git names for {@code dir}.
     */
    static Running startOn(ChannelPool pool, String room, Path dir, Duration timeout, PrintStream err,
                           String command) throws Exception {
        return startOn(pool, room, dir, timeout, err, command, GitIdentity.resolve(dir, null, null));
    }

    /** {@link #startOn(ChannelPool, String, Path, Duration, PrintStream, String)} as {@code who}. */
    static Running startOn(ChannelPool pool, String room, Path dir, Duration timeout, PrintStream err,
                           String command, GitIdentity who) throws Exception {
        return startOn(pool, room, dir, timeout, err, command, who, false);
    }

    private static Running startOn(ChannelPool pool, String room, Path dir, Duration timeout, PrintStream err,
                                   String command, GitIdentity who, boolean branchScoped) throws Exception {
        Files.createDirectories(dir);
        Workspace.Options wo = Workspace.Options.of(dir, n -> err.println("weft " + command + ": " + n));
        Running running;
        if (branchScoped) {
            BranchWorkspace bw;
            try {
                bw = BranchWorkspace.start(wo, pool, who);
            } catch (GitRepo.NotARepositoryException | BranchWorkspace.DetachedHeadException e) {
                pool.close();
                throw new WeftCli.CliFailure("the room is branch-scoped, so " + dir + " must be a clone of its"
                        + " repository with a branch checked out: " + e.getMessage());
            }
            err.println("weft " + command + ": branch-scoped; on branch " + bw.branch());
            running = new Running(bw.current(), pool, err, command);
            running.branches = bw;
            running.authors = AuthorRecorder.start(bw, wo.agent(), who, pool.next());
        } else {
            wo = wo.withStateFor(room);
            Workspace w = Workspace.start(wo, pool);
            running = new Running(w, pool, err, command);
            running.authors = AuthorRecorder.start(w, wo.agent(), who, pool.next());
        }
        Workspace w = running.workspace;
        long started = System.nanoTime();
        FolderScanner.Scan scan = awaitWithProgress(w.firstPass(), timeout, running, err, command, "scanning");
        err.println("weft " + command + ": " + scan.shared().size() + " local files to share, "
                + scan.excluded().size() + " left out" + (scan.excluded().isEmpty() ? "" : ":"));
        for (String line : IgnoreRules.describe(scan.excluded(), 50)) {
            err.println("  " + line);
        }
        int files = awaitWithProgress(w.settled(), timeout, running, err, command, "syncing");
        // Each check starts with a hand-off to the engine thread (edits still queued there must count); on a
        // saturated machine that hand-off alone can outlast a short window, so the window doubles (up to 30 s)
        // instead of every check starting over after 2 s and never finishing (seen at load 40-50: the relay had
        // acknowledged every update, and the share still gave up after 600 s).
        long window = 2;
        while (!w.awaitAllAcked(Duration.ofSeconds(window))
                || (running.branches != null && !running.branches.awaitLogged(Duration.ofSeconds(window)))) {
            window = Math.min(30, window * 2);
            if (System.nanoTime() - started > timeout.toNanos()) {
                running.stop();
                throw new WeftCli.CliFailure("the relay did not acknowledge every file within "
                        + timeout.toSeconds() + " s");
            }
            err.printf("weft %s: waiting for the relay to store everything durably… %.0f s%n", command,
                    (System.nanoTime() - started) / 1e9);
        }
        err.printf("weft %s: %d files in sync after %.1f s%n", command, files,
                (System.nanoTime() - started) / 1e9);
        running.files = files;
        return running;
    }

    private static <T> T awaitWithProgress(CompletableFuture<T> f, Duration timeout, Running running,
                                           PrintStream err, String command, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long started = System.nanoTime();
        while (true) {
            try {
                return f.get(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    running.stop();
                    throw new WeftCli.CliFailure(what + " did not finish within " + timeout.toSeconds() + " s");
                }
                err.printf("weft %s: %s… %.0f s (%s)%n", command, what, (System.nanoTime() - started) / 1e9,
                        running.workspace.progress());
            } catch (java.util.concurrent.ExecutionException e) {
                running.stop();
                throw new WeftCli.CliFailure(what + " failed: " + e.getCause());
            }
        }
    }

    /** A running folder peer. */
    static final class Running {
        final Workspace workspace;
        final ChannelPool pool;
        final PrintStream err;
        final String command;
        int files;
        /** Writes this peer's identity and deletions to the room ({@code docs/git.md}). */
        AuthorRecorder authors;
        /** A branch-scoped peer's controller (then {@link #workspace} is its first branch's engine), or null. */
        BranchWorkspace branches;
        private final CountDownLatch stopped = new CountDownLatch(1);

        Running(Workspace workspace, ChannelPool pool, PrintStream err, String command) {
            this.workspace = workspace;
            this.pool = pool;
            this.err = err;
            this.command = command;
        }

        /** Takes in the last disk changes, waits for their acknowledgement, closes. Returns true if all acked. */
        boolean stop() throws InterruptedException {
            boolean acked = branches != null ? branches.close(Duration.ofSeconds(20))
                    : workspace.close(Duration.ofSeconds(20));
            if (authors != null) {
                acked &= authors.close(Duration.ofSeconds(5));
            }
            pool.close();
            stopped.countDown();
            return acked;
        }

        /** Keeps mirroring until SIGINT/SIGTERM; the shutdown hook stops cleanly. Never returns normally. */
        void runUntilSignal() throws InterruptedException {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    boolean acked = stop();
                    err.println("weft " + command + ": stopped" + (acked ? "; every local change is durable on the"
                            + " relay" : "; WARNING: some local changes were not acknowledged by the relay"));
                    err.flush();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "weft-shutdown"));
            stopped.await();
            // The hook ran (a signal): the JVM is exiting; wait for it rather than racing System.exit.
            Thread.currentThread().join();
        }
    }
}
