package dev.weft.crdt.model;

import dev.weft.crdt.model.Varint;

/**
 * A position in a document expressed by a character id instead of an offset, so it follows its character
 * through concurrent edits. {@code agent < 0} means a document boundary: the start ({@link Assoc#AFTER}, the
 * position stays before everything) or the end ({@link Assoc#BEFORE}, it stays after everything).
 *
 * @param agent agent of the character the position sticks to, or -1 for a document boundary
 * @param seq   seq of that character (0 for a boundary)
 * @param assoc which side of the character the position is on
 */
public record RelativePosition(long agent, long seq, Assoc assoc) {
    private static final int FORMAT = 1;

    /** The start of the document. */
    public static final RelativePosition START = new RelativePosition(-1, 0, Assoc.AFTER);
    /** The end of the document. */
    public static final RelativePosition END = new RelativePosition(-1, 0, Assoc.BEFORE);

    public RelativePosition {
        if (assoc == null) {
            throw new IllegalArgumentException("assoc is null");
        }
        if (agent < 0) {
            agent = -1;
            seq = 0;
        } else if (seq < 0) {
            throw new IllegalArgumentException("negative seq " + seq);
        }
    }

    /** True for {@link #START} and {@link #END}. */
    public boolean isBoundary() {
        return agent < 0;
    }

    /**
     * Compact binary form for the wire (awareness messages): format byte 1, then a tag byte
     * (bit 0 = BEFORE, bit 1 = boundary), then for a character varint agent and varint seq.
     */
    public byte[] encode() {
        Varint.Writer w = new Varint.Writer(22);
        w.writeByte(FORMAT);
        w.writeByte((assoc == Assoc.BEFORE ? 1 : 0) | (agent < 0 ? 2 : 0));
        if (agent >= 0) {
            w.writeVarLong(agent);
            w.writeVarLong(seq);
        }
        return w.toByteArray();
    }

    /** @throws MalformedUpdateException if the bytes are not an encoded relative position */
    public static RelativePosition decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new MalformedUpdateException("empty relative position");
        }
        Varint.Reader r = new Varint.Reader(bytes, 0, bytes.length);
        int fmt = r.readByte("relative position format");
        if (fmt != FORMAT) {
            throw new MalformedUpdateException("unsupported relative position format " + fmt);
        }
        int tag = r.readByte("relative position tag");
        if ((tag & ~3) != 0) {
            throw new MalformedUpdateException("unknown relative position tag bits " + tag);
        }
        Assoc assoc = (tag & 1) != 0 ? Assoc.BEFORE : Assoc.AFTER;
        RelativePosition p;
        if ((tag & 2) != 0) {
            p = new RelativePosition(-1, 0, assoc);
        } else {
            long agent = r.readVarLong("relative position agent");
            long seq = r.readVarLong("relative position seq");
            p = new RelativePosition(agent, seq, assoc);
        }
        if (r.remaining() != 0) {
            throw new MalformedUpdateException(r.remaining() + " trailing bytes after relative position");
        }
        return p;
    }
}
