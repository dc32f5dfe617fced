package dev.weft.bench.trace;

/**
 * One splice of a trace: at UTF-16 offset {@code pos}, delete {@code deleteCount} code units, then insert
 * {@code insert}. Immutable. Positions are already converted from the file's code points to UTF-16 units.
 *
 * @param pos         UTF-16 offset in the text the patch applies to, {@code >= 0}
 * @param deleteCount UTF-16 code units removed at {@code pos}, {@code >= 0}
 * @param insert      text inserted at {@code pos} after the deletion (possibly empty)
 */
public record Patch(int pos, int deleteCount, String insert) {
    public Patch {
        if (pos < 0 || deleteCount < 0) {
            throw new IllegalArgumentException("negative position or delete count: " + pos + ", " + deleteCount);
        }
        if (insert == null) {
            throw new IllegalArgumentException("insert text is null");
        }
    }
}
