package dev.weft.relay.room;

import dev.weft.crdt.model.MalformedUpdateException;
import dev.weft.crdt.model.UpdateTooLargeException;
import dev.weft.crdt.codec.DecodedUpdate;
import dev.weft.crdt.codec.UpdateDecoder;
import dev.weft.crdt.TextDocument;
import dev.weft.relay.store.StoredDocument;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;
import dev.weft.relay.log.Log;

/**
 * The relay's replica of one document plus its storage bookkeeping. Confined to the room's executor, except
 * {@link #generation} and {@link #poisonedGeneration}, which the storage writer thread reads and writes.
 */
final class SharedDoc {
    private static final Logger LOG = Logger.getLogger(SharedDoc.class.getName());

    /** The document's name; immutable. */
    final String name;
    /**
     * The replica: every update accepted for this document, integrated. Replaced on reload; null while evicted from
     * memory (single-node relay, see {@code Room#evictOverCap}), rebuilt from storage on the next use.
     */
    TextDocument replica;
    /** Highest log seq assigned; never decreases (also across reloads), so seqs are never reused. */
    long lastSeq;
    /** Bytes of snapshot plus log in storage (committed or queued): checked against the document size limit. */
    long storedBytes;
    /**
     * UTF-16 units of the items in the updates integrated into {@link #replica} (tombstones keep their content, and
     * a garbage-collected run still takes its seqs' room): what the replica holds in memory, checked against the
     * maximum document size in characters. Counts what each accepted update decoded to, so an operation received
     * twice is counted twice (an overestimate, never an underestimate).
     */
    long decodedChars;
    /** Log entries and bytes appended since the last snapshot (compaction triggers). */
    int updatesSinceSnapshot;
    long bytesSinceSnapshot;
    /** Compactions of this document since the relay loaded it: the round {@link CompactionPolicy} is asked for. */
    long compactionRound;
    /**
     * The log entries and bytes at which the next compaction is due ({@link CompactionPolicy} for
     * {@link #compactionRound}); {@link #compactAtUpdates} is -1 until the room computes both.
     */
    long compactAtUpdates = -1;
    long compactAtBytes;
    /** True while a compaction task for this document is queued on the room's executor (at most one is). */
    boolean compactionQueued;
    /** True when storage has no row for this document (its creation failed): the next update re-submits it. */
    boolean needsRow;
    /**
     * True when a reload after a storage failure could not read storage (still failing): the replica may hold
     * writes that were never stored, so the next use of the document reloads it first (a client that syncs once
     * storage is back gets the stored state and resends the rest). Room executor only.
     */
    boolean reloadPending;
    /** The future of the latest write submitted for this document (completes when it and all earlier are durable). */
    CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);
    /**
     * Cluster only (the store assigns seqs): which seqs of the durable log the replica holds. Reset on load and
     * reload from storage.
     */
    SeqTracker seqs = new SeqTracker(0);
    /** Cluster only: the log's head seen by the previous poll of storage (a replica still below it missed it). */
    long previousHead;
    /** Cluster only: a check of an open seq gap is scheduled. */
    boolean gapCheckQueued;
    /** Sessions subscribed to this document (they synced it). */
    final Set<Session> subscribers = new HashSet<>();
    /** Incremented on each reload from storage; writes carry the generation they were made in. */
    volatile int generation;
    /** Highest generation some of whose writes failed: its acks are withheld (they could cover non-durable ops). */
    volatile int poisonedGeneration = -1;

    SharedDoc(String name, TextDocument replica) {
        this.name = name;
        this.replica = replica;
    }

    /** A document created now: empty replica, nothing stored yet. */
    static SharedDoc empty(String name, long agent) {
        return new SharedDoc(name, new TextDocument(agent));
    }

    /**
     * Rebuilds a replica from storage: snapshot, then the log in order. Corrupt entries, and entries that would take
     * the document over {@code maxChars} decoded characters (stored before that limit existed, e.g. compression
     * bombs), are logged and skipped.
     */
    static SharedDoc load(String room, String name, StoredDocument stored, long agent, long maxChars) {
        SharedDoc doc = new SharedDoc(name, null);
        doc.replay(room, stored, agent, maxChars);
        doc.lastSeq = stored.lastSeq();
        doc.seqs = new SeqTracker(stored.lastSeq());
        doc.storedBytes = stored.storedBytes();
        doc.updatesSinceSnapshot = stored.log().size();
        doc.bytesSinceSnapshot = doc.storedBytes - stored.snapshot().length;
        return doc;
    }

    /** Replaces the replica by the stored state (after a failed commit); seqs keep increasing. */
    void reload(String room, StoredDocument stored, long agent, long maxChars) {
        replay(room, stored, agent, maxChars);
        lastSeq = Math.max(lastSeq, stored.lastSeq());
        seqs = new SeqTracker(stored.lastSeq());
        storedBytes = stored.storedBytes();
        generation++;
    }

    /**
     * True if the replica may be dropped now and rebuilt from storage later without losing anything: it is in
     * memory, every write submitted for it is durable, nothing is buffered or about to be compacted, and no write of
     * this generation failed.
     */
    boolean evictable() {
        return replica != null && lastWrite.isDone() && !lastWrite.isCompletedExceptionally() && !compactionQueued
                && !replica.hasPendingUpdates() && poisonedGeneration < generation;
    }

    /** Drops the replica (an idle document evicted from memory); every counter stays. Precondition: evictable. */
    void evict() {
        replica = null;
    }

    /**
     * Rebuilds an evicted replica from storage, which holds everything it had (it was evictable): same
     * generation, same seqs. Postcondition: {@link #replica} is non-null.
     */
    void restore(String room, StoredDocument stored, long agent, long maxChars) {
        replay(room, stored, agent, maxChars);
    }

    private void replay(String room, StoredDocument stored, long agent, long maxChars) {
        replica = new TextDocument(agent);
        decodedChars = 0;
        if (stored.snapshot().length > 0) {
            apply(room, stored.snapshot(), stored.snapshotSeq(), maxChars);
        }
        for (StoredDocument.LogEntry e : stored.log()) {
            apply(room, e.update(), e.seq(), maxChars);
        }
    }

    /**
     * True if {@code units} more decoded UTF-16 units keep this document within {@code maxChars}
     * ({@link #decodedChars}); the one size rule for live updates (checked by the room before integrating, with an
     * error to the sender) and for replayed ones ({@link #apply}, which skips what does not fit).
     */
    boolean fits(long units, long maxChars) {
        return decodedChars + units <= maxChars;
    }

    /**
     * Integrates an update that passed the limits into {@link #replica} and counts it. Postcondition on a normal
     * return: {@link #decodedChars} grew by {@code u.storedUnits}; on an exception it is unchanged.
     */
    void integrate(DecodedUpdate u) throws MalformedUpdateException {
        replica.applyDecoded(u);
        decodedChars += u.storedUnits;
    }

    /**
     * Integrates an update read from storage or announced by another node (already durable: not checked against
     * the relay's limits except the decoded-size bound). @return the characters it decoded to (0 if skipped)
     */
    int apply(String room, byte[] update, long seq, long maxChars) {
        try {
            long left = Math.max(0, maxChars - decodedChars);
            // Inflated bytes and the item table may exceed the characters they carry: allow 4 x for them.
            DecodedUpdate u = UpdateDecoder.decode(update, (int) Math.min(Integer.MAX_VALUE, 4L * left + 4096));
            if (!fits(u.storedUnits, maxChars)) {
                throw new UpdateTooLargeException("item units", decodedChars + u.storedUnits, maxChars);
            }
            integrate(u);
            return (int) u.storedUnits;
        } catch (UpdateTooLargeException e) {
            Log.error(LOG, "storage.update_over_limit", null, "room", room, "doc", name, "seq", seq, "reason",
                    e.getMessage(), "hint", "skipped; raise --max-document-chars to load it");
        } catch (MalformedUpdateException e) {
            Log.error(LOG, "storage.corrupt_update", e, "room", room, "doc", name, "seq", seq);
        }
        return 0;
    }
}
