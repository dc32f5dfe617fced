package dev.weft.relay.store;

import java.util.List;
import java.util.Optional;

/**
 * Durable storage for the relay: rooms, and per document a snapshot plus an append-only log.
 *
 * <p>Contract for implementations (SQLite now, PostgreSQL later): {@link #commit(List)} is atomic and durable when
 * it returns (the relay acknowledges updates only after that); writes are applied in list order; reads see every
 * committed batch. {@link #commit(List)} is called from one writer thread; reads may come from any thread
 * concurrently with it. Nothing here depends on a particular SQL dialect or on a single process owning the data.
 */
public interface RelayStore extends AutoCloseable {

    /**
     * Applies {@code writes} atomically: on return all are durable; on {@link StoreException} none is.
     */
    void commit(List<StoreWrite> writes);

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

    /** Number of stored rooms. */
    long roomCount();

    /** Number of stored documents. */
    long documentCount();

    /** Flushes and releases resources; later calls fail. */
    @Override
    void close();
}
