package dev.weft.crdt;

/**
 * An immutable set of operation ids {@code (agent, seq)}, stored as sorted, non-overlapping seq ranges per agent.
 * Used for delete sets and for the ids an operation group created or deleted (selective undo).
 */
public final class IdSet {
    /** The empty set. */
    public static final IdSet EMPTY = null; // TODO replaced by the implementation

    /** The set {@code (agent, s)} for {@code start <= s < end}. */
    public static IdSet range(long agent, long start, long end) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** The union of two sets. */
    public IdSet union(IdSet other) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public boolean contains(long agent, long seq) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    public boolean isEmpty() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Number of ids in the set. */
    public long size() {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
