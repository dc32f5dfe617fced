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
 * <p>Each pass over the items calls a small per-item method ({@link #addItem}, {@link #key}, {@link #indexEntry},
 * {@link #checkOrigins}) rather than running its body inline: a process loads a snapshot a handful of times, so a
 * loop body inside one long method stays interpreted, while a method called once per item is compiled after a
 * few hundred items (docs/benchmarks.md, "Second pass").
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
    /** Handles in document order ({@code [0, cnt)}), and how many items each agent has. */
    private final int[] order;
    private int cnt;
    private final int[] perAgent;
    /** The last item added (the next snapshot item may continue it), or NONE. */
    private int prev = NONE;

    private SnapshotLoader(DecodedUpdate u, long localId, boolean gc) {
        this.u = u;
        this.r = new Replica(localId, gc, Math.max(16, u.nItems));
        this.it = r.items;
        this.gc = gc;
        this.map = new int[u.agents.length];
        this.order = new int[u.nItems];
        int[] maxEnd = new int[u.agents.length];
        for (int i = 0; i < u.nItems; i++) {
            noteEnd(maxEnd, i);
        }
        for (int i = 0; i < map.length; i++) {
            map[i] = r.agents.intern(u.agents[i]);
            r.agents.content[map[i]] = new char[maxEnd[i]];
        }
        this.perAgent = new int[r.agents.n];
    }

    /**
     * The replica holding the snapshot's items, tombstones and deletes; its initial text (and any deletes) are
     * added to {@code changesOut}.
     *
     * @throws MalformedUpdateException if the snapshot is inconsistent (nothing else is changed)
     */
    static Replica load(DecodedUpdate u, long localId, boolean gc, List<TextChange> changesOut) {
        SnapshotLoader l = new SnapshotLoader(u, localId, gc);
        for (int i = 0; i < u.nItems; i++) {
            l.addItem(i);
        }
        Replica r = l.r;
        r.tree.bulkLoad(l.order, l.cnt);
        l.buildIndexes();
        for (int h = 0; h < l.it.size; h++) {
            l.checkOrigins(h);
        }
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

    private void noteEnd(int[] maxEnd, int i) {
        int e = u.itemSeq(i) + u.itemLen(i);
        int a = u.itemAgent(i);
        if (e > maxEnd[a]) {
            maxEnd[a] = e;
        }
    }

    /** Stores snapshot item {@code i}'s content and either extends the previous item with it or adds an item. */
    private void addItem(int i) {
        int a = map[u.itemAgent(i)], s = u.itemSeq(i), l = u.itemLen(i);
        int olA = u.olAgent(i) < 0 ? NONE : map[u.olAgent(i)], olS = u.olSeq(i);
        int orA = u.orAgent(i) < 0 ? NONE : map[u.orAgent(i)], orS = u.orSeq(i);
        byte flags = u.itemFlags(i);
        if (gc && (flags & ItemTable.DELETED) != 0) {
            flags |= ItemTable.GC;
        }
        int co = u.contentOff(i);
        if (co >= 0) {
            System.arraycopy(u.content, co, r.agents.content[a], s, l);
        }
        int p = prev;
        if (p != NONE && it.agent[p] == a && it.seq[p] + it.len[p] == s && olA == a && olS == s - 1
                && it.orAgent[p] == orA && it.orSeq[p] == orS && it.flags[p] == flags) {
            it.len[p] += l;
            return;
        }
        int h = it.add(a, s, l, olA, olS, orA, orS, flags);
        order[cnt++] = h;
        perAgent[a]++;
        prev = h;
    }

    /** Id indexes: per agent, (seq, handle) sorted by seq, checked to cover {@code [0, next)} exactly once. */
    private void buildIndexes() {
        int n = r.agents.n;
        int[] base = new int[n + 1];
        for (int a = 0; a < n; a++) {
            base[a + 1] = base[a] + perAgent[a];
        }
        long[] keyed = new long[cnt];
        int[] fill = Arrays.copyOf(base, n);
        for (int h = 0; h < cnt; h++) {
            key(keyed, fill, h);
        }
        int[] starts = new int[cnt], hs = new int[cnt];
        for (int a = 0; a < n; a++) {
            SeqSort.sort(keyed, base[a], base[a + 1]);
            int expected = 0;
            for (int k = base[a]; k < base[a + 1]; k++) {
                expected = indexEntry(keyed, starts, hs, k, a, expected);
            }
            r.agents.next[a] = expected;
            r.agents.index[a] = SeqIndex.fromSorted(starts, hs, base[a], base[a + 1]);
        }
    }

    private void key(long[] keyed, int[] fill, int h) {
        keyed[fill[it.agent[h]]++] = ((long) it.seq[h] << 32) | h;
    }

    /** Takes sorted key {@code k} of agent {@code a} as an index entry; returns the seq after its item. */
    private int indexEntry(long[] keyed, int[] starts, int[] hs, int k, int a, int expected) {
        int start = (int) (keyed[k] >>> 32), h = (int) keyed[k];
        if (start != expected) {
            throw new MalformedUpdateException("snapshot: seqs of agent " + r.agents.ids[a]
                    + (start > expected ? " have a gap at " : " overlap at ") + Math.min(start, expected));
        }
        starts[k] = start;
        hs[k] = h;
        return start + it.len[h];
    }

    private void checkOrigins(int h) {
        if (it.olAgent[h] != NONE && it.olSeq[h] >= r.agents.next[it.olAgent[h]]) {
            throw new MalformedUpdateException("snapshot: item (" + r.agents.ids[it.agent[h]] + "," + it.seq[h]
                    + ") has an unknown originLeft (" + r.agents.ids[it.olAgent[h]] + "," + it.olSeq[h] + ")");
        }
        if (it.orAgent[h] != NONE && it.orSeq[h] >= r.agents.next[it.orAgent[h]]) {
            throw new MalformedUpdateException("snapshot: item (" + r.agents.ids[it.agent[h]] + "," + it.seq[h]
                    + ") has an unknown originRight (" + r.agents.ids[it.orAgent[h]] + "," + it.orSeq[h] + ")");
        }
    }
}
