package dev.weft.lsp.session;

import dev.weft.client.journal.Journal;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When replicas are written to the journal ({@code docs/lsp.md}, "Journal"): {@link #JOURNAL_DELAY_MS} after a
 * change (debounced, so a burst of typing makes one write), and at once on leave and shutdown. Each save runs on
 * the document's executor, where the replica lives.
 */
final class JournalScheduler {
    private static final Logger LOG = Logger.getLogger(JournalScheduler.class.getName());
    /** Journal saves are delayed this long after a change, so bursts of typing make one write. */
    static final long JOURNAL_DELAY_MS = 300;

    private final SessionThread thread;
    private final SessionConfig config;

    JournalScheduler(SessionThread thread, SessionConfig config) {
        this.thread = thread;
        this.config = config;
    }

    /** Journals a document's replica soon (debounced). */
    void schedule(Room r, RoomDocument rd) {
        rd.shared.executor().execute(() -> {
            if (rd.saveScheduled) {
                return;
            }
            rd.saveScheduled = true;
            thread.schedule(() -> rd.shared.executor().execute(() -> {
                rd.saveScheduled = false;
                saveOnExecutor(r, rd);
            }), JOURNAL_DELAY_MS);
        });
    }

    /** Journals a document's replica now, waiting up to 10 s. */
    void saveNow(Room r, RoomDocument rd) {
        try {
            CompletableFuture.runAsync(() -> saveOnExecutor(r, rd), rd.shared.executor()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "journal save of " + rd.name + " failed", e);
        }
    }

    private void saveOnExecutor(Room r, RoomDocument rd) {
        try {
            r.journal.save(rd.name, new Journal.Entry(rd.replica.agent(), rd.shared.ackedSeq(),
                    rd.replica.encodeStateAsUpdate()));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "journal save of " + rd.name + " failed", e);
        }
    }
}
