package dev.weft.bench.trace;

import java.util.List;

/**
 * One transaction of a trace: the patches one agent applied, in order, to the state given by {@code parents}.
 * Immutable (the parents array is never modified after construction).
 *
 * @param parents indexes of earlier txns whose merged state this txn starts from; empty means the empty document.
 *                For sequential traces this is {@code [index - 1]} (or empty for the first txn)
 * @param agent   index of the authoring agent, {@code 0 <= agent < numAgents}
 * @param patches the patches, each applying to the result of the previous one
 */
public record Txn(int[] parents, int agent, List<Patch> patches) {
    public Txn {
        patches = List.copyOf(patches);
    }
}
