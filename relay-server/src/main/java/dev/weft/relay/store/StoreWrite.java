package dev.weft.relay.store;

import java.util.Objects;

/**
 * One write in an atomic batch given to {@link RelayStore#commit(java.util.List)}; immutable. Byte arrays are not
 * copied: callers must not mutate them after handing them over.
 */
public sealed interface StoreWrite {

    /** Creates a room; fails the batch if the id exists. */
    record CreateRoom(RoomRecord room) implements StoreWrite {
        public CreateRoom {
            Objects.requireNonNull(room, "room");
        }
    }

    /** Creates an empty document; a no-op if it exists. */
    record CreateDocument(String room, String doc) implements StoreWrite {
        public CreateDocument {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(doc, "doc");
        }
    }

    /** Appends an update with a seq greater than every seq the document has; the document must exist. */
    record AppendUpdate(String room, String doc, long seq, byte[] update) implements StoreWrite {
        public AppendUpdate {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(doc, "doc");
            Objects.requireNonNull(update, "update");
        }
    }

    /**
     * Replaces the document's snapshot by {@code snapshot}, which contains every log entry with seq &le; {@code
     * upToSeq}, and drops those entries.
     */
    record SaveSnapshot(String room, String doc, byte[] snapshot, long upToSeq) implements StoreWrite {
        public SaveSnapshot {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(doc, "doc");
            Objects.requireNonNull(snapshot, "snapshot");
        }
    }
}
