package dev.weft.crdt.internal;

import dev.weft.crdt.codec.DecodedUpdate;
import dev.weft.crdt.model.MalformedUpdateException;
import dev.weft.crdt.model.TextChange;

import java.util.Arrays;
import java.util.List;

import static dev.weft.crdt.internal.ItemTable.NONE;

/**
 * Builds a replica from a snapshot (items of a whole state in document order) without running the integration
 * scan: the order in the snapshot is the converged order. Validates that every agent's seqs are covered exactly
 * once from 0 and that every origin exists.
 *
 * <p>No sort: the id indexes need each agent's items in seq order, and a snapshot lists them in document order,
 * so the loader marks each item's first seq in a per-agent bitmap of {@code [0, maxEnd)} and places an item at
 * its rank among the marked seqs (a popcount prefix per 64-bit word). The same bitmap proves exact coverage:
 * the seqs of an agent are covered exactly once from 0 to {@code maxEnd} (its largest {@code seq + len}) if and
 * only if seq 0 starts an item, no two items start at the same seq, every item ends where another starts or at
 * {@code maxEnd}, and the lengths sum to {@code maxEnd} (the items reachable from 0 by "next starts where this
 * ends" already sum to {@code maxEnd}, so any other item would make the sum larger). Only when that fails does
 * {@link #describeCoverageError} sort, to name the first gap or overlap.
 *
 * <p>The content tree is filled leaf by leaf while the items are read ({@link ContentTree#startLoad}).
 *
 * <p>Each pass over the items calls a small per-item method ({@link #addItem}, {@link #placeItem}) rather than
 * running its body inline: a process loads a snapshot a handful of times, so a loop body inside one long method
 * stays interpreted, while a method called once per item is compiled after a few hundred items
 * (docs/benchmarks.md, "Second pass"). The loops that call them run in chunks ({@link #CHUNK}), for the same
 * reason (docs/benchmarks.md, "Fourth pass").
 */
final class SnapshotLoader {
    /** The snapshot being loaded; read only. */
    private final DecodedUpdate u;
    /** The replica being built, and its item columns. */
    private final Replica r;
    private final ItemTable it;
    /** Whether deleted content is dropped (tombstones get GC). */
    private final boolean gc;
    /** Snapshot agent-table index → the replica's agent index. */
    private final int[] map;
    /** Per replica agent: the largest {@code seq + len} of its items (its next seq if the snapshot is valid). */
    private final int[] maxEnd;
    /** Per replica agent: bit s of {@code starts[a]} is set if an item of agent a starts at seq s. */
    private final long[][] starts;
    /** Per replica agent: the sum of its items' lengths, and its number of items (after merging runs). */
    private final long[] lenSum;
    private final int[] perAgent;
    /**
     * Per replica agent, filled by {@link #rankStarts}: {@code rank[a][w]} is the number of starts of agent a
     * below seq {@code 64 * w}, so an item's position in the agent's seq order is that plus a popcount.
     */
    private final int[][] rank;
    /** Number of items added. */
    private int cnt;
    /** The last item added (the next snapshot item may continue it), or NONE. */
    private int prev = NONE;
    /** First problem found by {@link #placeItem} (an end that starts nothing, an unknown origin), or null. */
    private String coverageGap;
    private String originError;

    private SnapshotLoader(DecodedUpdate u, long localId, boolean gc) {
        this.u = u;
        this.r = new Replica(localId, gc, Math.max(16, u.nItems));
        this.it = r.items;
        this.gc = gc;
        this.map = new int[u.agents.length];
        for (int i = 0; i < map.length; i++) {
            map[i] = r.agents.intern(u.agents[i]);
        }
        int n = r.agents.n;
        this.maxEnd = new int[n];
        this.starts = new long[n][];
        this.rank = new int[n][];
        this.lenSum = new long[n];
        this.perAgent = new int[n];
        for (int i = 0; i < map.length; i++) {
            int a = map[i];
            maxEnd[a] = u.agentEnds[i];
            r.agents.content[a] = u.agentContent[i]; // decoded by seq already: adopted, not copied
            starts[a] = new long[(maxEnd[a] >>> 6) + 1];
        }
    }

    /**
     * The replica holding the snapshot's items, tombstones and deletes; its initial text (and any deletes) are
     * added to {@code changesOut}.
     *
     * @throws MalformedUpdateException if the snapshot is inconsistent (nothing else is changed)
     */
    static Replica load(DecodedUpdate u, long localId, boolean gc, List<TextChange> changesOut) {
        if (u.agentEnds == null) {
            // some agent's item lengths do not add up to its largest end: a gap or an overlap. Refused here,
            // before anything is sized by those ends (a few bytes can declare an item at seq 2e9).
            throw new MalformedUpdateException(describeCoverageError(u));
        }
        SnapshotLoader l = new SnapshotLoader(u, localId, gc);
        Replica r = l.r;
        r.tree.startLoad();
        for (int i = 0; i < u.nItems; i += CHUNK) {
            l.addItems(i, Math.min(u.nItems, i + CHUNK));
        }
        r.tree.finishLoad();
        l.buildIndexes();
        if (r.tree.width() > 0) {
            changesOut.add(TextChange.insert(0, r.text()));
        }
        if (u.nDeletes > 0) {
            ChangeCollector out = new ChangeCollector();
            r.applyDeletes(u, out);
            changesOut.addAll(out.result());
        }
        return r;
    }

    /**
     * Items per call of {@link #addItems} / {@link #placeItems}. A loop in a method called once per load runs in
     * the interpreter until thousands of iterations have passed (an interpreted iteration and its call into
     * compiled code cost tens of nanoseconds); a method called once per chunk is compiled after about a hundred
     * calls, during the first load of a few thousand items.
     */
    private static final int CHUNK = 32;

    private void addItems(int from, int to) {
        for (int i = from; i < to; i++) {
            addItem(i);
        }
    }

    private void placeItems(int from, int to) {
        for (int h = from; h < to; h++) {
            placeItem(h);
        }
    }

    /**
     * Either extends the previous item with snapshot item {@code i} or adds an item (appended to the tree, its
     * first seq marked). The content is already in place ({@link DecodedUpdate#agentContent}).
     */
    private void addItem(int i) {
        int a = map[u.itemAgent(i)], s = u.itemSeq(i), l = u.itemLen(i);
        int olA = u.olAgent(i) < 0 ? NONE : map[u.olAgent(i)], olS = u.olSeq(i);
        int orA = u.orAgent(i) < 0 ? NONE : map[u.orAgent(i)], orS = u.orSeq(i);
        byte flags = u.itemFlags(i);
        if (gc && (flags & ItemTable.DELETED) != 0) {
            flags |= ItemTable.GC;
        }
        lenSum[a] += l;
        int p = prev;
        if (p != NONE && it.agent[p] == a && it.seq[p] + it.len[p] == s && olA == a && olS == s - 1
                && it.orAgent[p] == orA && it.orSeq[p] == orS && it.flags[p] == flags) {
            it.len[p] += l;
            return;
        }
        long[] bits = starts[a];
        long bit = 1L << s;
        if ((bits[s >>> 6] & bit) != 0) {
            throw new MalformedUpdateException(gapOrOverlap(r.agents.ids[a], s, s + 1)); // two items start at s
        }
        bits[s >>> 6] |= bit;
        int h = it.add(a, s, l, olA, olS, orA, orS, flags);
        r.tree.appendLoaded(h);
        cnt++;
        perAgent[a]++;
        prev = h;
    }

    /** Id indexes: each item placed at its rank in its agent's seq order; coverage and origins checked. */
    private void buildIndexes() {
        int n = r.agents.n;
        for (int a = 0; a < n; a++) {
            if (lenSum[a] != maxEnd[a] || (maxEnd[a] > 0 && (starts[a][0] & 1) == 0)) {
                throw new MalformedUpdateException(describeCoverageError(a));
            }
            rank[a] = rankStarts(starts[a]);
            r.agents.index[a] = SeqIndex.ofSize(perAgent[a]);
            r.agents.next[a] = maxEnd[a];
        }
        for (int h = 0; h < cnt; h += CHUNK) {
            placeItems(h, Math.min(cnt, h + CHUNK));
        }
        if (coverageGap != null) {
            throw new MalformedUpdateException(coverageGap);
        }
        if (originError != null) {
            throw new MalformedUpdateException(originError);
        }
    }

    /**
     * {@code rk[w]}: the number of starts in {@code bits[0 .. w)}. In chunks of {@link #CHUNK} words like the item
     * passes: one word per 64 seqs is still thousands of words for a large snapshot (rustcode: ~8,200), and a
     * single loop run once per load stayed interpreted in nearly every load of a bench process (JFR,
     * docs/benchmarks.md, "Five interleaved rounds").
     */
    private static int[] rankStarts(long[] bits) {
        int[] rk = new int[bits.length];
        for (int w = 0, sum = 0; w < bits.length; w += CHUNK) {
            sum = rankWords(bits, rk, w, Math.min(bits.length, w + CHUNK), sum);
        }
        return rk;
    }

    /**
     * {@code rk[w]} for {@code w} in {@code [from, to)}, given {@code sum} starts below {@code from}; returns the
     * starts below {@code to}.
     */
    private static int rankWords(long[] bits, int[] rk, int from, int to, int sum) {
        for (int w = from; w < to; w++) {
            rk[w] = sum;
            sum += Long.bitCount(bits[w]);
        }
        return sum;
    }

    /**
     * Puts item {@code h} into its agent's id index and notes (without throwing, so the pass stays small) an end
     * that starts no other item or an origin beyond its agent's seqs.
     */
    private void placeItem(int h) {
        int a = it.agent[h], s = it.seq[h];
        long[] bits = starts[a];
        int w = s >>> 6;
        int k = rank[a][w] + Long.bitCount(bits[w] & ((1L << s) - 1));
        r.agents.index[a].set(k, s, h);
        int e = s + it.len[h];
        if (e != maxEnd[a] && (bits[e >>> 6] & (1L << e)) == 0 && coverageGap == null) {
            coverageGap = describeCoverageError(a);
        }
        int olA = it.olAgent[h], orA = it.orAgent[h];
        if ((olA != NONE && it.olSeq[h] >= maxEnd[olA]) || (orA != NONE && it.orSeq[h] >= maxEnd[orA])) {
            if (originError == null) {
                originError = describeOriginError(h);
            }
        }
    }

    /**
     * Names the first gap or overlap of agent {@code a}'s seqs, by sorting its items (the slow path, for a
     * snapshot already known to be invalid).
     */
    private String describeCoverageError(int a) {
        for (int i = 0; i < map.length; i++) {
            if (map[i] == a) {
                String gap = coverageErrorOf(u, i);
                if (gap != null) {
                    return gap;
                }
            }
        }
        return "snapshot: seqs of agent " + r.agents.ids[a] + " are not covered exactly once up to " + maxEnd[a];
    }

    /** The first gap or overlap of any agent's seqs in {@code u} (which has one). */
    private static String describeCoverageError(DecodedUpdate u) {
        for (int i = 0; i < u.agents.length; i++) {
            String gap = coverageErrorOf(u, i);
            if (gap != null) {
                return gap;
            }
        }
        return "snapshot: seqs are not covered exactly once";
    }

    /** The first gap or overlap of the seqs of {@code u}'s agent-table entry {@code i}, or null if none. */
    private static String coverageErrorOf(DecodedUpdate u, int i) {
        long[] keyed = new long[u.nItems];
        int k = 0;
        for (int j = 0; j < u.nItems; j++) {
            if (u.itemAgent(j) == i) {
                keyed[k++] = ((long) u.itemSeq(j) << 32) | u.itemLen(j);
            }
        }
        Arrays.sort(keyed, 0, k);
        int expected = 0;
        for (int j = 0; j < k; j++) {
            int start = (int) (keyed[j] >>> 32), len = (int) keyed[j];
            if (start != expected) {
                return gapOrOverlap(u.agents[i], start, expected);
            }
            expected = start + len;
        }
        return null;
    }

    private static String gapOrOverlap(long agentId, int start, int expected) {
        return "snapshot: seqs of agent " + agentId + (start > expected ? " have a gap at " : " overlap at ")
                + Math.min(start, expected);
    }

    private String describeOriginError(int h) {
        boolean left = it.olAgent[h] != NONE && it.olSeq[h] >= maxEnd[it.olAgent[h]];
        int oa = left ? it.olAgent[h] : it.orAgent[h], os = left ? it.olSeq[h] : it.orSeq[h];
        return "snapshot: item (" + r.agents.ids[it.agent[h]] + "," + it.seq[h] + ") has an unknown "
                + (left ? "originLeft" : "originRight") + " (" + r.agents.ids[oa] + "," + os + ")";
    }
}
