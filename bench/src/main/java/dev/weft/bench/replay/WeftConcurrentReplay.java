package dev.weft.bench.replay;

import dev.weft.bench.trace.Patch;
import dev.weft.bench.trace.Trace;
import dev.weft.bench.trace.Txn;
import dev.weft.crdt.TextDocument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Replays a concurrent trace through Weft's public CRDT API, one replica per agent, then merges everything.
 *
 * <p><b>Replay</b>: for each txn in order, the author's replica is brought to exactly the txn's parents version,
 * then the txn's patches are applied as local edits and their updates kept. Syncing: a replica missing fewer
 * than {@link #DIFF_THRESHOLD} kept updates applies them, in txn order (which is topological). A replica further
 * behind (typically a new agent's empty one) first takes, for each parent whose author has not edited since that
 * parent (so the author's replica holds exactly the parent's closure), one {@code encodeDiff(replica.version())}
 * from that author's replica, then the kept updates of whatever is still missing. A replica always holds a closed set of txns
 * (its previous txn and all ancestors); the replay refuses a trace where an agent's previous txn is not an
 * ancestor of its next one, since the replica could not be brought back to the parents version.
 *
 * <p><b>Merge</b>: a fresh replica M applies every txn's updates one by one in txn order. Then each agent's
 * replica receives {@code M.encodeDiff(replica.version())}; converged means every replica then has M's text and
 * version. <b>Load</b>: M's {@code encodeStateAsUpdate} applied to a fresh replica.
 */
public final class WeftConcurrentReplay {

    /**
     * A replica missing at least this many kept updates syncs by diff where it can (a diff costs about a state
     * load, a kept update a few microseconds; per-update only would mean 3.4 million applies on git-makefile).
     */
    public static final int DIFF_THRESHOLD = Integer.getInteger("weft.bench.diffThreshold", 1000);

    /** Agent id of M (agents of the trace are 0..numAgents-1). */
    private static final long MERGE_AGENT = 1L << 40;
    private static final long LOAD_AGENT = MERGE_AGENT + 1;

    private WeftConcurrentReplay() {
    }

    /**
     * Outcome of one replay. Immutable except for the state array, which callers must not modify.
     *
     * @param mergedText       M's text
     * @param loadedText       text of the replica that loaded M's state
     * @param converged        every agent replica (after receiving M's diff) and the loaded replica equal M in text and version
     * @param firstDivergence  a description of the first replica that differs, or null
     * @param agents           number of agent replicas that edited
     * @param updates          number of local edits (= updates kept)
     * @param updateBytes      total size of those updates
     * @param replayNanos      whole per-agent replay: local edits plus syncing ancestors
     * @param syncNanos        part of {@code replayNanos} spent bringing replicas to parents versions
     *                         ({@code encodeDiff} on the producers plus every {@code applyUpdate})
     * @param syncDiffs        number of diffs from a parent's author applied during the replay
     * @param syncApplies      number of kept per-edit updates applied during the replay
     * @param mergeNanos       time for M to apply all updates one by one
     * @param encodeNanos      time of {@code encodeStateAsUpdate} on M
     * @param loadNanos        time to apply that state to an empty replica
     * @param state            M's encoded state
     */
    public record Result(String mergedText, String loadedText, boolean converged, String firstDivergence,
                         int agents, int updates, long updateBytes, long replayNanos, long syncNanos,
                         long syncDiffs, long syncApplies, long mergeNanos, long encodeNanos, long loadNanos, byte[] state) {
    }

    /**
     * Runs replay, merge, convergence check and load.
     *
     * @param checkEvery call {@code checkInvariants()} on the author's replica after every {@code checkEvery}
     *                   txns and on M after as many txns (0: only at the end, on every replica)
     * @throws IllegalArgumentException if the trace is not concurrent or an agent's txns do not form a chain
     * @throws IllegalStateException    naming the replica if an invariant check fails
     */
    public static Result run(Trace trace, int checkEvery) {
        return run(trace, checkEvery, DIFF_THRESHOLD);
    }

    /**
     * Same as {@link #run(Trace, int)} with an explicit diff threshold: a replica missing at least
     * {@code diffThreshold} kept updates syncs by diff where it can (0: whenever it can).
     */
    public static Result run(Trace trace, int checkEvery, int diffThreshold) {
        if (trace.kind() != Trace.Kind.CONCURRENT) {
            throw new IllegalArgumentException(trace.name() + " is a sequential trace: use replay");
        }
        List<Txn> txns = trace.txns();
        int numAgents = trace.numAgents();
        TextDocument[] replicas = new TextDocument[numAgents];
        BitSet[] holds = new BitSet[numAgents];
        int[] lastOwnTxn = new int[numAgents];
        Arrays.fill(lastOwnTxn, -1);
        byte[][][] txnUpdates = new byte[txns.size()][][];
        int[] visitedStamp = new int[txns.size()];
        Arrays.fill(visitedStamp, -1);
        int[] stack = new int[txns.size()];
        int[] missing = new int[txns.size()];
        long syncNanos = 0;
        long syncApplies = 0;
        long syncDiffs = 0;
        int updates = 0;
        long updateBytes = 0;

        long t0 = System.nanoTime();
        for (int i = 0; i < txns.size(); i++) {
            Txn txn = txns.get(i);
            int agent = txn.agent();
            if (replicas[agent] == null) {
                replicas[agent] = new TextDocument(agent);
                holds[agent] = new BitSet(txns.size());
            }
            TextDocument r = replicas[agent];
            BitSet held = holds[agent];

            // Collect the ancestors of txn i this replica lacks (depth-first, stopping at txns it holds).
            int top = 0;
            int nMissing = 0;
            boolean reachedOwn = lastOwnTxn[agent] < 0;
            for (int p : txn.parents()) {
                stack[top++] = p;
            }
            while (top > 0) {
                int t = stack[--top];
                if (visitedStamp[t] == i) {
                    continue;
                }
                visitedStamp[t] = i;
                if (held.get(t)) {
                    reachedOwn |= t == lastOwnTxn[agent];
                    continue;
                }
                missing[nMissing++] = t;
                for (int p : txns.get(t).parents()) {
                    stack[top++] = p;
                }
            }
            if (!reachedOwn) {
                throw new IllegalArgumentException("txn " + i + " of agent " + agent + " does not descend from the "
                        + "agent's previous txn " + lastOwnTxn[agent] + "; its replica cannot go back to the parents version");
            }
            Arrays.sort(missing, 0, nMissing);
            long s = System.nanoTime();
            int missingEdits = 0;
            for (int k = 0; k < nMissing; k++) {
                missingEdits += txnUpdates[missing[k]].length;
            }
            // Far behind: a parent whose author has not edited since holds exactly the parent's closure, so one
            // diff from it replaces many kept updates.
            for (int p : txn.parents()) {
                int producer = txns.get(p).agent();
                if (missingEdits >= diffThreshold && !held.get(p) && lastOwnTxn[producer] == p) {
                    r.applyUpdate(replicas[producer].encodeDiff(r.version()));
                    syncDiffs++;
                    held.or(holds[producer]);
                }
            }
            // The other missing ancestors: their kept per-edit updates, in txn (= topological) order.
            for (int k = 0; k < nMissing; k++) {
                int m = missing[k];
                if (held.get(m)) {
                    continue;
                }
                for (byte[] u : txnUpdates[m]) {
                    r.applyUpdate(u);
                    syncApplies++;
                }
                held.set(m);
            }
            syncNanos += System.nanoTime() - s;

            List<byte[]> produced = new ArrayList<>(txn.patches().size() + 1);
            for (Patch p : txn.patches()) {
                if (p.deleteCount() > 0) {
                    produced.add(r.delete(p.pos(), p.deleteCount()).update());
                }
                if (!p.insert().isEmpty()) {
                    produced.add(r.insert(p.pos(), p.insert()).update());
                }
            }
            txnUpdates[i] = produced.toArray(new byte[0][]);
            updates += produced.size();
            for (byte[] u : produced) {
                updateBytes += u.length;
            }
            held.set(i);
            lastOwnTxn[agent] = i;
            if (checkEvery > 0 && (i + 1) % checkEvery == 0) {
                WeftSequentialReplay.check(r, "of agent " + agent + " after txn " + i);
            }
        }
        long replayNanos = System.nanoTime() - t0;

        TextDocument merged = new TextDocument(MERGE_AGENT);
        long t1 = System.nanoTime();
        for (int i = 0; i < txnUpdates.length; i++) {
            for (byte[] u : txnUpdates[i]) {
                merged.applyUpdate(u);
            }
            if (checkEvery > 0 && (i + 1) % checkEvery == 0) {
                WeftSequentialReplay.check(merged, "M after txn " + i);
            }
        }
        long mergeNanos = System.nanoTime() - t1;
        WeftSequentialReplay.check(merged, "M at the end");
        String mergedText = merged.getText();

        String divergence = null;
        int agents = 0;
        for (int a = 0; a < numAgents; a++) {
            TextDocument r = replicas[a];
            if (r == null) {
                continue;
            }
            agents++;
            r.applyUpdate(merged.encodeDiff(r.version()));
            WeftSequentialReplay.check(r, "of agent " + a + " after the final sync");
            if (divergence == null) {
                divergence = difference("agent " + a, r, merged, mergedText);
            }
        }

        WeftSequentialReplay.Encoded enc = WeftSequentialReplay.encodeAndLoad(merged, LOAD_AGENT);
        TextDocument loaded = enc.loaded();
        WeftSequentialReplay.check(loaded, "that loaded M's state");
        if (divergence == null) {
            divergence = difference("loaded replica", loaded, merged, mergedText);
        }
        return new Result(mergedText, loaded.getText(), divergence == null, divergence, agents, updates,
                updateBytes, replayNanos, syncNanos, syncDiffs, syncApplies, mergeNanos, enc.encodeNanos(),
                enc.loadNanos(), enc.state());
    }

    /** Loads {@code state} into a fresh replica (what the load phase does), for heap measurement. */
    public static TextDocument load(byte[] state) {
        return WeftSequentialReplay.load(state, LOAD_AGENT);
    }

    private static String difference(String who, TextDocument r, TextDocument merged, String mergedText) {
        if (r.hasPendingUpdates()) {
            return who + " still has pending (unintegrated) updates";
        }
        if (!r.version().asMap().equals(merged.version().asMap())) {
            return who + " has version " + r.version().asMap() + " but the merged replica has " + merged.version().asMap();
        }
        String text = r.getText();
        if (!text.equals(mergedText)) {
            int i = 0;
            int n = Math.min(text.length(), mergedText.length());
            while (i < n && text.charAt(i) == mergedText.charAt(i)) {
                i++;
            }
            return who + " text differs from the merged replica at offset " + i + " (lengths " + text.length()
                    + " vs " + mergedText.length() + ")";
        }
        return null;
    }
}
