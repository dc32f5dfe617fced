package dev.weft.relay.room;

import java.util.TreeSet;

/**
 * Which log seqs of one document a cluster node's replica holds (docs/relay.md, "Cluster"): every seq up to
 * {@link #contiguous()}, plus the seqs above it in {@code above}. A seq above {@code contiguous + 1} arriving first
 * leaves a hole: a gap that is filled from the durable log if it stays open. Confined to the room's executor.
 *
 * <p>Invariant ({@link #checkInvariants()}): every element of {@code above} is greater than {@code contiguous + 1}.
 */
final class SeqTracker {
    /** Every seq ≤ this is integrated. */
    private long contiguous;
    /** Integrated seqs above {@code contiguous + 1} (holes below them). */
    private final TreeSet<Long> above = new TreeSet<>();

    SeqTracker(long contiguous) {
        this.contiguous = contiguous;
    }

    long contiguous() {
        return contiguous;
    }

    /** True if some seq below an integrated one is missing. */
    boolean hasGap() {
        return !above.isEmpty();
    }

    /** The highest integrated seq. */
    long highest() {
        return above.isEmpty() ? contiguous : above.last();
    }

    boolean has(long seq) {
        return seq <= contiguous || above.contains(seq);
    }

    /** Records {@code seq} as integrated. @return false if it was already */
    boolean add(long seq) {
        if (has(seq)) {
            return false;
        }
        if (seq == contiguous + 1) {
            contiguous = seq;
            while (!above.isEmpty() && above.first() == contiguous + 1) {
                contiguous = above.pollFirst();
            }
        } else {
            above.add(seq);
        }
        return true;
    }

    /** Every seq ≤ {@code upTo} is integrated now (after reading the log up to it). */
    void fillTo(long upTo) {
        if (upTo <= contiguous) {
            return;
        }
        contiguous = upTo;
        above.headSet(upTo, true).clear();
        while (!above.isEmpty() && above.first() == contiguous + 1) {
            contiguous = above.pollFirst();
        }
    }

    void checkInvariants() {
        if (!above.isEmpty() && above.first() <= contiguous + 1) {
            throw new IllegalStateException("seq " + above.first() + " above contiguous " + contiguous);
        }
    }
}
