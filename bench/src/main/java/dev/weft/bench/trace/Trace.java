package dev.weft.bench.trace;

import java.util.List;

/**
 * A recorded editing history (see {@code shared/traces/README.md}): transactions of patches plus the text they
 * must produce. Immutable.
 *
 * @param name         file name without {@code .json.gz}, used in reports
 * @param kind         sequential (one agent, each txn follows the previous) or concurrent (a txn DAG)
 * @param startContent text before the first txn (empty in every shared trace)
 * @param endContent   the text replaying all txns must produce
 * @param numAgents    number of distinct agents (1 for sequential traces)
 * @param txns         the txns in topological order
 */
public record Trace(String name, Kind kind, String startContent, String endContent, int numAgents, List<Txn> txns) {

    /** Shape of the history. */
    public enum Kind { SEQUENTIAL, CONCURRENT }

    public Trace {
        txns = List.copyOf(txns);
    }

    /** Number of patches over all txns. */
    public int patchCount() {
        int n = 0;
        for (Txn t : txns) {
            n += t.patches().size();
        }
        return n;
    }

    /** Number of txns with two or more parents. */
    public int mergeTxnCount() {
        int n = 0;
        for (Txn t : txns) {
            if (t.parents().length >= 2) {
                n++;
            }
        }
        return n;
    }
}
