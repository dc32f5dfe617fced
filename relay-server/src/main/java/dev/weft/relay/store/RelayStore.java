package dev.weft.relay.store;

import java.util.List;
import java.util.Optional;

/**
 * Durable storage for the relay: rooms, and per document a snapshot plus an append-only log.
 *
 * <p>Contract for implementations ({@link SqliteStore}, {@link PostgresStore}): {@link #commit(List)} is atomic and
 * durable when it returns (the relay acknowledges updates only after that); writes are applied in list order; reads
 * see every committed batch. {@link #commit(List)} is called from one writer thread per process; reads may come
 * from any thread concurrently with it.
 *
 * <p>Log seqs: a store either stores the seq each {@link StoreWrite.AppendUpdate} carries (SQLite: one relay owns
 * the data and numbers the log itself), or {@linkplain #assignsSeqs() assigns} the next seq of the document inside
 * the commit's transaction and ignores the carried one (PostgreSQL: several relays append to the same documents,
 * so only the database can give each document's updates one order). Either way {@link #commit(List)} returns the
 * seq stored for each write.
 */
public interface RelayStore extends AutoCloseable {

    /**
     * Applies {@code writes} atomically: on return all are durable; on {@link StoreException} none is.
     *
     * @return for each write, in order, the log seq it was stored under ({@link StoreWrite.AppendUpdate}), else 0
     */
    long[] commit(List<StoreWrite> writes);

    /**
     * True if {@link #commit(List)} numbers appended updates itself (the seq in {@link StoreWrite.AppendUpdate} is
     * ignored); false if it stores the carried seq.
     */
    boolean assignsSeqs();

    /**
     * The highest seq stored for each of the room's documents (the log's last, else the snapshot's), by name. A
     * relay node compares these with what its replicas hold to notice updates it missed (docs/relay.md, Cluster).
     */
    java.util.Map<String, Long> documentHeads(String roomId);

    /**
     * A minimal durable write that proves storage accepts writes (used to notice recovery after failures).
     *
     * @throws StoreException if it fails
     */
    void probe();

    /** The room with this id, if stored. */
    Optional<RoomRecord> findRoom(String roomId);

    /** Names of the room's documents, sorted. */
    List<String> documentNames(String roomId);

    /** The stored state of a document; empty if the document does not exist. */
    Optional<StoredDocument> loadDocument(String roomId, String doc);

    /**
     * What a replica that holds every seq up to {@code afterSeq} may lack (a cluster node's catch-up): the snapshot
     * only if it covers a seq above {@code afterSeq} (else an empty array with the stored {@code snapshotSeq}), and the
     * log entries above both. Postcondition: integrating the result into such a replica gives it every committed
     * seq up to {@link StoredDocument#lastSeq()}. With {@code afterSeq < 0}: the same as {@link #loadDocument}.
     */
    Optional<StoredDocument> loadDocumentAfter(String roomId, String doc, long afterSeq);

    /** Number of stored rooms. */
    long roomCount();

    /** Number of stored documents. */
    long documentCount();

    /** Flushes and releases resources; later calls fail. */
    @Override
    void close();
}
