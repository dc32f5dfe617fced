package dev.weft.crdt.codec;

/**
 * A fully decoded and validated update (see docs/crdt-format.md). Produced by {@link UpdateDecoder}; every
 * origin is resolved to an explicit id. Agent fields are indexes into {@link #agents}; {@link #NONE} marks an
 * absent origin (then its seq is 0). Item and delete fields are packed into one int array each (one allocation
 * per update instead of one per column); read them through the accessors.
 */
public final class DecodedUpdate {
    /** Marks an absent origin. */
    public static final int NONE = -1;
    /** Item flag: the item is a tombstone. */
    public static final byte DELETED = 1;
    /** Item flag: the tombstone's content is not included (garbage-collected); implies DELETED. */
    public static final byte GC = 2;

    /** Ints per item in {@link #items}: agent, seq, len, olAgent, olSeq, orAgent, orSeq, flags, contentOff. */
    static final int STRIDE = 9;

    /** True if the items are a whole replica state in document order (a fresh replica may load them as is). */
    public boolean snapshot;
    /** The agent table: global agent ids, distinct. */
    public long[] agents;
    /** Number of items. */
    public int nItems;
    /** Packed item fields, {@link #STRIDE} ints per item. */
    int[] items;
    /**
     * All item content, in item order; null when it was decoded per agent instead ({@link #agentContent}). Read
     * it through {@link #contentArray} and {@link #contentStart}, which work either way.
     */
    public char[] content;
    /**
     * For a SNAPSHOT update in which every agent's item lengths add up to its largest item end (true of every valid
     * snapshot): per agent-table index, that end; otherwise null. Their sum is {@link #storedUnits}, so it is
     * bounded by the decoder's limit.
     */
    public int[] agentEnds;
    /**
     * When {@link #agentEnds} is set: per agent-table index, the agent's units by seq ({@code agentContent[a][s]}
     * is the unit of id {@code (agents[a], s)}, zero for a garbage-collected one), decoded straight from the
     * content section, and {@link #content} is null. Read-only: a replica that loads the snapshot adopts these
     * arrays as its per-agent storage (it only ever appends beyond their length, which reallocates). A malformed
     * snapshot that lists an id twice keeps the last of its units here.
     */
    public char[][] agentContent;
    /**
     * Sum of every item's length, garbage-collected runs included: the units a replica stores for these items (a
     * garbage-collected run carries no content on the wire, but its seqs still take room in its agent's storage).
     * At most the decoder's {@code maxDecodedLength}.
     */
    public long storedUnits;
    /** Number of delete ranges. */
    public int nDeletes;
    /** Packed delete ranges: agent, start, len per range. */
    int[] deletes;

    public int itemAgent(int i) {
        return items[i * STRIDE];
    }

    public int itemSeq(int i) {
        return items[i * STRIDE + 1];
    }

    public int itemLen(int i) {
        return items[i * STRIDE + 2];
    }

    public int olAgent(int i) {
        return items[i * STRIDE + 3];
    }

    public int olSeq(int i) {
        return items[i * STRIDE + 4];
    }

    public int orAgent(int i) {
        return items[i * STRIDE + 5];
    }

    public int orSeq(int i) {
        return items[i * STRIDE + 6];
    }

    public byte itemFlags(int i) {
        return (byte) items[i * STRIDE + 7];
    }

    /** Offset of the item's units in {@link #content}, or -1 when GC. */
    public int contentOff(int i) {
        return items[i * STRIDE + 8];
    }

    /** The array holding item {@code i}'s units ({@link #content} or its agent's {@link #agentContent}), or null when GC. */
    public char[] contentArray(int i) {
        if (contentOff(i) < 0) {
            return null;
        }
        return agentContent != null ? agentContent[itemAgent(i)] : content;
    }

    /** Index of item {@code i}'s first unit in {@link #contentArray}; 0 when GC. */
    public int contentStart(int i) {
        int co = contentOff(i);
        if (co < 0) {
            return 0;
        }
        return agentContent != null ? itemSeq(i) : co;
    }

    public int delAgent(int i) {
        return deletes[i * 3];
    }

    public int delStart(int i) {
        return deletes[i * 3 + 1];
    }

    public int delLen(int i) {
        return deletes[i * 3 + 2];
    }
}
