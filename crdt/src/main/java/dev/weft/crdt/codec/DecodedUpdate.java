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
    /** All item content, in item order. */
    public char[] content;
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
