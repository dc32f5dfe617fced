package dev.weft.crdt;

/**
 * A position in a document expressed by a character id instead of an offset, so it follows its character
 * through concurrent edits. {@code agent < 0} means the start ({@link Assoc#AFTER}) or end ({@link Assoc#BEFORE})
 * of the document.
 *
 * @param agent agent of the character the position sticks to, or -1 for a document boundary
 * @param seq   seq of that character
 * @param assoc which side of the character the position is on
 */
public record RelativePosition(long agent, long seq, Assoc assoc) {
    /** Compact binary form for the wire (awareness messages). */
    public byte[] encode() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** @throws MalformedUpdateException if the bytes are not an encoded relative position */
    public static RelativePosition decode(byte[] bytes) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
