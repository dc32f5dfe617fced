package dev.weft.crdt.model;

/**
 * A run of consecutive ids {@code (agent, seq … seq+length−1)} in document order, as
 * {@code TextDocument.runs()} lists them: who inserted which characters (authorship), and which are deleted.
 * Immutable.
 *
 * @param agent   the agent that inserted these characters
 * @param seq     the first seq of the run
 * @param length  UTF-16 units, ≥ 1
 * @param deleted true for a tombstone (not in the visible text)
 * @param text    the characters, or {@code null} for a tombstone whose content was garbage-collected
 */
public record IdRun(long agent, long seq, int length, boolean deleted, String text) {
    public IdRun {
        if (length < 1) {
            throw new IllegalArgumentException("length must be ≥ 1, got " + length);
        }
        if (text != null && text.length() != length) {
            throw new IllegalArgumentException("text has " + text.length() + " units, length is " + length);
        }
    }
}
