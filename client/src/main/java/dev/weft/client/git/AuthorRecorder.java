package dev.weft.client.git;

import dev.weft.client.SharedDocument;
import dev.weft.client.SyncChannel;
import dev.weft.client.workspace.Workspace;
import dev.weft.crdt.TextDocument;
import java.security.SecureRandom;
import dev.weft.crdt.model.IdSet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes one folder peer's facts into the room's {@link AuthorLog}: an {@code S} line naming its session once
 * connected, then an {@code X} line for each batch of its deletions (flushed every {@value #FLUSH_MILLIS} ms).
 * A read-only member writes nothing (it cannot edit either). Thread-safe.
 */
public final class AuthorRecorder implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AuthorRecorder.class.getName());
    static final long FLUSH_MILLIS = 200;

    /** The log document; immutable reference. */
    private final SharedDocument doc;
    private final long session;
    private final ScheduledExecutorService timer;
    /** Lines not yet appended; guarded by this. */
    private final StringBuilder pending = new StringBuilder();

    private AuthorRecorder(SharedDocument doc, long session) {
        this.doc = doc;
        this.session = session;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weft-authors");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts recording for the workspace whose {@link Workspace.Options#agent()} is {@code workspaceAgent}.
     *
     * @param channel a connection to the room (the log is one more document on it)
     */
    public static AuthorRecorder start(Workspace workspace, long workspaceAgent, GitIdentity who,
                                       SyncChannel channel) {
        return start(workspace::addLocalDeletionListener, workspaceAgent, who, channel);
    }

    /** Starts recording for a branch-scoped peer: its deletions in every branch's workspace. */
    public static AuthorRecorder start(BranchWorkspace workspace, long workspaceAgent, GitIdentity who,
                                       SyncChannel channel) {
        return start(workspace::addLocalDeletionListener, workspaceAgent, who, channel);
    }

    private static AuthorRecorder start(java.util.function.Consumer<Workspace.LocalDeletionListener> register,
                                        long workspaceAgent, GitIdentity who, SyncChannel channel) {
        long agent = new SecureRandom().nextLong() & ((1L << 53) - 1);
        SharedDocument doc = SharedDocument.open(channel, AuthorLog.DOC, new TextDocument(agent));
        long session = Workspace.sessionOf(workspaceAgent);
        AuthorRecorder r = new AuthorRecorder(doc, session);
        r.record(register, session, who);
        r.timer.scheduleWithFixedDelay(r::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        return r;
    }

    /**
     * Records one more workspace engine of this peer (a multi-root share has one engine, so one session, per
     * root): its {@code S} line and its deletions from disk changes.
     */
    public void addWorkspace(Workspace workspace, long workspaceAgent, GitIdentity who) {
        record(workspace::addLocalDeletionListener, Workspace.sessionOf(workspaceAgent), who);
    }

    /** Appends {@code session}'s {@code S} line and records the deletions {@code register} reports for it. */
    private void record(java.util.function.Consumer<Workspace.LocalDeletionListener> register, long session,
                        GitIdentity who) {
        append(AuthorLog.sessionLine(session, who));
        register.accept((fileId, ids) -> recordDeletion(session, fileId, ids));
    }

    /**
     * Records ids of file {@code fileId} deleted by this peer through another path than the engine's disk merge
     * (an editor buffer bound to the file's replica): {@code session} is {@link Workspace#sessionOf} the replica's
     * agent. Any thread.
     */
    public void recordDeletion(long session, String fileId, IdSet ids) {
        append(AuthorLog.deletionLine(session, fileId, ids));
    }

    /**
     * The room's authors log as this peer's copy has it now (lines of every member that reached it, plus the ones
     * this recorder has pending: they are appended first).
     */
    public CompletableFuture<AuthorLog> log() {
        flush();
        return doc.call(TextDocument::getText).thenApply(AuthorLog::parse);
    }

    private synchronized void append(String lines) {
        pending.append(lines);
    }

    /** Appends what is pending (after the first sync, so the line goes after the room's lines). */
    void flush() {
        if (!doc.firstSync().isDone() || doc.isReadOnly()) {
            return;
        }
        String lines;
        synchronized (this) {
            if (pending.isEmpty()) {
                return;
            }
            lines = pending.toString();
            pending.setLength(0);
        }
        doc.edit(t -> t.insert(t.length(), lines)).exceptionally(e -> {
            LOG.log(Level.WARNING, "authors log: could not append", e);
            return null;
        });
    }

    /** This recorder's session. */
    public long session() {
        return session;
    }

    /** Flushes, waits up to {@code timeout} for the relay to acknowledge the log, closes it. */
    public boolean close(Duration timeout) throws InterruptedException {
        timer.shutdownNow();
        flush();
        boolean acked = doc.awaitAllAcked(timeout);
        doc.close();
        return acked;
    }

    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(5));
    }
}
