package dev.weft.crdt.codec;

/**
 * A fully decoded and validated update (see docs/crdt-format.md), column-wise. Produced by
 * {@link UpdateDecoder}; every origin is resolved to an explicit id. Agent fields are indexes into
 * {@link #agents}; {@link #NONE} marks an absent origin (then its seq is 0).
 */
public final class DecodedUpdate {
    /** Marks an absent origin. */
    public static final int NONE = -1;
    /** Item flag: the item is a tombstone. */
    public static final byte DELETED = 1;
    /** Item flag: the tombstone's content is not included (garbage-collected); implies DELETED. */
    public static final byte GC = 2;

    /** True if the items are a whole replica state in document order (a fresh replica may load them as is). */
    public boolean snapshot;
    /** The agent table: global agent ids, distinct. */
    public long[] agents;
    /** Number of items. */
    public int nItems;
    public int[] itemAgent;
    public int[] itemSeq;
    public int[] itemLen;
    public int[] olAgent;
    public int[] olSeq;
    public int[] orAgent;
    public int[] orSeq;
    public byte[] itemFlags;
    /** Offset of the item's units in {@link #content}, or -1 when GC. */
    public int[] contentOff;
    /** All item content, in item order. */
    public char[] content;
    /** Number of delete ranges. */
    public int nDeletes;
    public int[] delAgent;
    public int[] delStart;
    public int[] delLen;
}
