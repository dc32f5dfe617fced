package dev.weft.bench.replay;

import dev.weft.bench.trace.Patch;
import dev.weft.bench.trace.Trace;
import dev.weft.bench.trace.Txn;

/**
 * The speed floor: a sequential trace replayed on a plain {@link StringBuilder} (no ids, no history, no
 * encoding). Anything a CRDT does costs at least this much; the targets are ratios against it.
 */
public final class FloorReplay {

    private FloorReplay() {
    }

    /** Outcome of one replay. */
    public record Result(String text, long nanos) {
    }

    /**
     * Applies every patch of a sequential trace to an empty {@link StringBuilder}.
     *
     * @throws IllegalArgumentException if the trace is concurrent (its positions depend on the branch)
     */
    public static Result run(Trace trace) {
        if (trace.kind() != Trace.Kind.SEQUENTIAL) {
            throw new IllegalArgumentException("the StringBuilder floor needs a sequential trace; "
                    + trace.name() + " is concurrent (use its *_flat variant)");
        }
        long start = System.nanoTime();
        StringBuilder sb = new StringBuilder(trace.startContent());
        for (Txn txn : trace.txns()) {
            for (Patch p : txn.patches()) {
                if (p.deleteCount() > 0) {
                    sb.delete(p.pos(), p.pos() + p.deleteCount());
                }
                if (!p.insert().isEmpty()) {
                    sb.insert(p.pos(), p.insert());
                }
            }
        }
        String text = sb.toString();
        return new Result(text, System.nanoTime() - start);
    }
}
