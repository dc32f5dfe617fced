package dev.weft.crdt.internal;

import dev.weft.crdt.model.Assoc;
import dev.weft.crdt.model.IdRun;
import dev.weft.crdt.model.IdSet;
import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.MalformedUpdateException;
import dev.weft.crdt.model.RelativePosition;
import dev.weft.crdt.model.TextChange;
import dev.weft.crdt.model.VersionVector;
import dev.weft.crdt.codec.DecodedUpdate;
import dev.weft.crdt.codec.SingleEditEncoder;
import dev.weft.crdt.codec.UpdateWriter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static dev.weft.crdt.internal.ItemTable.NONE;

/**
 * The state of one replica and its operations: local edits, integration of decoded updates (with buffering of
 * those whose dependencies are missing), encoding, relative positions and selective-undo primitives.
 * {@code TextDocument} (package {@code dev.weft.crdt}) is its public face. Not thread-safe.
 */
public final class Replica {
    private static final int MAX_SEQ = Integer.MAX_VALUE - 1;
    private static final int SKIP = 0, DONE = 1, WAIT = 2;

    /** This replica's agent id; immutable. */
    private final long localId;
    /** Whether deleted content is dropped; immutable. */
    private final boolean gc;
    final ItemTable items;
    final Agents agents = new Agents();
    final ContentTree tree;
    final Integrator integrator;
    /** Local index of {@link #localId}, or -1 until the first local insert. */
    private int localIdx = -1;
    /** Received item runs waiting for dependencies. */
    private List<PendingItem> pendingItems = new ArrayList<>();
    /** Received delete ranges {@code {agent, start, end}} waiting for their items. */
    private List<long[]> pendingDeletes = new ArrayList<>();
    /** Reused encoder for local edits. */
    private final UpdateWriter writer = new UpdateWriter();
    /** Reused encoder for the update of a local edit that is one short run or one deleted range. */
    private final SingleEditEncoder single = new SingleEditEncoder();
    /** The encoders local edits keep (one each per replica, so an edit allocates no closure). */
    private final LocalEdit.InsertEncoder insertEncoder = this::encodeInsert;
    private final LocalEdit.RangeEncoder rangeEncoder = (agent, seq, length) -> single.delete(agent, (int) seq, length);

    public Replica(long localId, boolean gc) {
        this(localId, gc, 64);
    }

    Replica(long localId, boolean gc, int capacity) {
        if (localId < 0) {
            throw new IllegalArgumentException("agent must be >= 0, got " + localId);
        }
        this.localId = localId;
        this.gc = gc;
        this.items = new ItemTable(capacity);
        this.tree = new ContentTree(items);
        this.integrator = new Integrator(items, tree, agents);
    }

    public long agent() {
        return localId;
    }

    public int length() {
        return tree.width();
    }

    public String text() {
        // one char[] and one String (which compacts it to Latin-1 in one pass when it can), rather than a
        // StringBuilder, which checks every appended unit for Latin-1 and copies once more in toString()
        char[] out = new char[tree.width()];
        int at = 0;
        byte[] flags = items.flags;
        int[] agent = items.agent, seq = items.seq, len = items.len;
        char[][] content = agents.content;
        for (Node l = tree.firstLeaf; l != null; l = l.next) {
            int[] it = l.items;
            for (int i = 0, n = l.n; i < n; i++) {
                int h = it[i];
                if ((flags[h] & ItemTable.DELETED) == 0) {
                    System.arraycopy(content[agent[h]], seq[h], out, at, len[h]);
                    at += len[h];
                }
            }
        }
        return new String(out);
    }

    /** Every item in document order, tombstones included (see {@code TextDocument.runs()}). O(items). */
    public List<IdRun> runs() {
        List<IdRun> out = new ArrayList<>();
        for (Node l = tree.firstLeaf; l != null; l = l.next) {
            for (int i = 0; i < l.n; i++) {
                int h = l.items[i];
                boolean gcd = (items.flags[h] & ItemTable.GC) != 0;
                String text = gcd ? null : new String(agents.content[items.agent[h]], items.seq[h], items.len[h]);
                out.add(new IdRun(agents.ids[items.agent[h]], items.seq[h], items.len[h], items.isDeleted(h), text));
            }
        }
        return out;
    }

    /** True if nothing was ever integrated or buffered (a snapshot can then be loaded wholesale). */
    public boolean isPristine() {
        return items.size == 0 && pendingItems.isEmpty() && pendingDeletes.isEmpty();
    }

    public boolean hasPending() {
        return !pendingItems.isEmpty() || !pendingDeletes.isEmpty();
    }

    public VersionVector version() {
        long[] ids = new long[agents.n], next = new long[agents.n];
        for (int i = 0; i < agents.n; i++) {
            ids[i] = agents.ids[i];
            next[i] = agents.next[i];
        }
        return VersionVector.ofArrays(ids, next, agents.n);
    }

    private int local() {
        if (localIdx < 0) {
            localIdx = agents.intern(localId);
        }
        return localIdx;
    }

    private char charAt(int pos) {
        tree.locate(pos);
        int h = tree.curItem;
        return agents.content[items.agent[h]][items.seq[h] + tree.curOff];
    }

    /** True if offset {@code pos} falls between the two halves of a surrogate pair. */
    private boolean splitsPair(int pos) {
        return pos > 0 && pos < tree.width() && Character.isLowSurrogate(charAt(pos))
                && Character.isHighSurrogate(charAt(pos - 1));
    }

    private LocalEdit emptyEdit() {
        return LocalEdit.encodedOnDemand(this::emptyUpdate, IdSet.EMPTY, IdSet.EMPTY, List.of());
    }

    private byte[] emptyUpdate() {
        writer.reset();
        return writer.encode(false);
    }

    // ------------------------------------------------------------------------------------------ local edits

    public LocalEdit insert(int pos, String text) {
        int length = tree.width();
        if (pos < 0 || pos > length) {
            throw new IndexOutOfBoundsException("insert position " + pos + " outside [0, " + length + "]");
        }
        int n = text.length();
        if (n == 0) {
            if (splitsPair(pos)) {
                throw new IllegalArgumentException("insert position " + pos + " splits a surrogate pair");
            }
            return emptyEdit();
        }
        int a = local();
        int s = agents.next[a];
        if ((long) s + n > MAX_SEQ) {
            throw new IllegalStateException("agent " + localId + " ran out of seqs");
        }
        int left, right;
        if (pos == 0) {
            left = NONE;
            right = tree.first();
        } else {
            tree.locate(pos - 1);
            left = tree.curItem;
            int off = tree.curOff;
            if (Character.isHighSurrogate(agents.content[items.agent[left]][items.seq[left] + off])) {
                if (splitsPair(pos)) {
                    throw new IllegalArgumentException("insert position " + pos + " splits a surrogate pair");
                }
                tree.locate(pos - 1); // splitsPair moved the cursor
                left = tree.curItem;
                off = tree.curOff;
            }
            if (off + 1 < items.len[left]) {
                right = integrator.split(left, off + 1);
            } else {
                right = nextInLeaf(tree.curLeaf, tree.curSlot);
            }
        }
        agents.putContent(a, s, text);
        int olA = NONE, olS = 0, orA = NONE, orS = 0;
        if (left != NONE) {
            olA = items.agent[left];
            olS = items.seq[left] + items.len[left] - 1;
        }
        if (right != NONE) {
            orA = items.agent[right];
            orS = items.seq[right];
        }
        integrator.place(left, a, s, n, olA, olS, orA, orS, (byte) 0);
        long olId = olA == NONE ? -1 : agents.ids[olA], orId = orA == NONE ? -1 : agents.ids[orA];
        return LocalEdit.insertion(insertEncoder, localId, s, pos, text, olId, olS, orId, orS);
    }

    /** The update of a local insert (see {@link #insert} and {@link LocalEdit.InsertEncoder}). */
    private byte[] encodeInsert(long agent, long seq, String text, long olId, int olSeq, long orId, int orSeq) {
        int s = (int) seq;
        byte[] fast = single.insert(agent, s, text, olId, olSeq, orId, orSeq);
        if (fast != null) {
            return fast;
        }
        writer.reset();
        writer.addItem(agent, s, text.length(), olId, olSeq, orId, orSeq, (byte) 0, text.toCharArray(), 0);
        return writer.encodeLocalEdit();
    }

    /** The update of a local delete of the ids {@code deleted}. */
    private byte[] encodeDelete(IdSet deleted) {
        byte[] fast = single.deletes(deleted);
        if (fast != null) {
            return fast;
        }
        writer.reset();
        deleted.forEachRange((agent, start, end) -> writer.addDelete(agent, (int) start, (int) (end - start)));
        return writer.encodeLocalEdit();
    }

    /** Item after slot {@code slot} of leaf {@code lf}, or NONE. */
    private int nextInLeaf(Node lf, int slot) {
        if (slot + 1 < lf.n) {
            return lf.items[slot + 1];
        }
        for (Node l = lf.next; l != null; l = l.next) {
            if (l.n > 0) {
                return l.items[0];
            }
        }
        return NONE;
    }

    public LocalEdit delete(int pos, int len) {
        int length = tree.width();
        if (pos < 0 || len < 0 || (long) pos + len > length) {
            throw new IndexOutOfBoundsException("delete range [" + pos + ", " + ((long) pos + len) + ") outside [0, " + length + "]");
        }
        if (len == 0) {
            return emptyEdit();
        }
        // surrogate checks: only look at neighbours when the boundary characters are surrogates
        boolean bad = false;
        if (len > 1) {
            tree.locate(pos + len - 1);
            bad = Character.isHighSurrogate(agents.content[items.agent[tree.curItem]][items.seq[tree.curItem] + tree.curOff])
                    && splitsPair(pos + len);
        }
        tree.locate(pos);
        int h = tree.curItem;
        char first = agents.content[items.agent[h]][items.seq[h] + tree.curOff];
        boolean moved = false; // splitsPair moves the cursor
        if (len == 1 && Character.isHighSurrogate(first)) {
            bad = splitsPair(pos + 1);
            moved = true;
        }
        if (!bad && Character.isLowSurrogate(first)) {
            bad = splitsPair(pos);
            moved = true;
        }
        if (bad) {
            throw new IllegalArgumentException("delete range [" + pos + ", " + (pos + len) + ") splits a surrogate pair");
        }
        if (moved) {
            tree.locate(pos);
            h = tree.curItem;
        }
        if (tree.curOff > 0) {
            h = integrator.split(h, tree.curOff);
        }
        // the first item's ids; a builder only when the range spans more than one item (backspace does not)
        long firstAgent = agents.ids[items.agent[h]];
        int firstSeq = items.seq[h];
        IdSet.Builder ids = null;
        int remaining = len;
        while (true) {
            if (items.len[h] > remaining) {
                integrator.split(h, remaining);
            }
            markDeleted(h);
            remaining -= items.len[h];
            if (remaining == 0) {
                break;
            }
            if (ids == null) {
                ids = new IdSet.Builder();
            }
            ids.add(agents.ids[items.agent[h]], items.seq[h], items.seq[h] + items.len[h]);
            do {
                h = tree.next(h);
            } while (items.isDeleted(h));
        }
        if (ids == null) {
            // one item of len units: the ids are one range, built only if asked for
            return LocalEdit.deletionOfRange(rangeEncoder, firstAgent, firstSeq, pos, len);
        }
        IdSet deleted = ids.add(agents.ids[items.agent[h]], items.seq[h], items.seq[h] + items.len[h]).build();
        return LocalEdit.deletion(() -> encodeDelete(deleted), deleted, pos, len);
    }

    private void markDeleted(int h) {
        items.flags[h] |= gc ? (ItemTable.DELETED | ItemTable.GC) : ItemTable.DELETED;
        tree.addWidthOf(h, -items.len[h]);
    }

    /**
     * Deletes the still-visible ids of agent index {@code a} in {@code [start, stop)} (all integrated), recording
     * changes and, if {@code w} is not null, the deleted ranges.
     */
    private void deleteRange(int a, int start, int stop, ChangeCollector out, UpdateWriter w, IdSet.Builder b) {
        int s = start;
        while (s < stop) {
            int h = integrator.find(a, s);
            int hEnd = items.seq[h] + items.len[h];
            if (items.isDeleted(h)) {
                s = hEnd;
                continue;
            }
            if (items.seq[h] < s) {
                h = integrator.split(h, s - items.seq[h]);
            }
            if (hEnd > stop) {
                integrator.split(h, stop - items.seq[h]);
            }
            int off = tree.offsetOf(h);
            markDeleted(h);
            out.delete(off, items.len[h]);
            if (w != null) {
                long id = agents.ids[a];
                w.addDelete(id, items.seq[h], items.len[h]);
                b.add(id, items.seq[h], items.seq[h] + items.len[h]);
            }
            s = items.seq[h] + items.len[h];
        }
    }

    /** Selective undo of an insert: deletes the still-visible characters among {@code ids}. */
    public LocalEdit deleteIds(IdSet ids) {
        ids = wholeCodePoints(ids);
        writer.reset();
        IdSet.Builder deleted = new IdSet.Builder();
        ChangeCollector out = new ChangeCollector();
        forEachKnownRange(ids, (a, start, stop) -> deleteRange(a, start, stop, out, writer, deleted));
        return new LocalEdit(writer.encode(false), IdSet.EMPTY, deleted.build(), out.result());
    }

    /** Receives one range of an id set, clamped to what this replica has integrated. */
    private interface KnownRange {
        /** Ids {@code [start, stop)} of agent index {@code a}; {@code start < stop <= agents.next[a]}. */
        void accept(int a, int start, int stop);
    }

    /** Calls {@code c} for each range of {@code ids} whose agent this replica knows, cut at the agent's next seq. */
    private void forEachKnownRange(IdSet ids, KnownRange c) {
        ids.forEachRange((agentId, start, end) -> {
            int a = agents.find(agentId);
            if (a >= 0 && start < agents.next[a]) {
                c.accept(a, (int) start, (int) Math.min(end, agents.next[a]));
            }
        });
    }

    /**
     * Selective undo of a delete: re-inserts each deleted code point of {@code ids} as a new item right after its own
     * tombstone (docs/INTERNALS.md, "Selective undo primitives").
     */
    public LocalEdit restore(IdSet ids) {
        IdSet set = wholeCodePoints(ids);
        // 1. refuse before changing anything if some content is gone
        forEachKnownRange(set, (a, start, stop) -> {
            for (int s = start; s < stop; ) {
                int h = integrator.find(a, s);
                if ((items.flags[h] & ItemTable.GC) != 0) {
                    throw new IllegalStateException("cannot restore (" + agents.ids[a] + "," + s
                            + "): its content was garbage-collected");
                }
                s = items.seq[h] + items.len[h];
            }
        });
        // 2. cut the tombstones of the set out as separate items
        List<Integer> pieces = new ArrayList<>();
        forEachKnownRange(set, (a, start, stop) -> {
            for (int s = start; s < stop; ) {
                int h = integrator.find(a, s);
                int hEnd = items.seq[h] + items.len[h];
                if (!items.isDeleted(h)) {
                    s = hEnd;
                    continue;
                }
                if (items.seq[h] < s) {
                    h = integrator.split(h, s - items.seq[h]);
                }
                if (hEnd > stop) {
                    integrator.split(h, stop - items.seq[h]);
                }
                pieces.add(h);
                s = items.seq[h] + items.len[h];
            }
        });
        writer.reset();
        ChangeCollector out = new ChangeCollector();
        if (pieces.isEmpty()) {
            return new LocalEdit(writer.encode(false), IdSet.EMPTY, IdSet.EMPTY, List.of());
        }
        pieces.sort((x, y) -> tree.compareOrder(x, y));
        // 3. each character comes back as a new one-character item right after its own tombstone
        //    (originLeft = the tombstone, originRight = whatever follows it now), so text that others typed
        //    between the deleted characters stays between them
        int a = local();
        int total = 0;
        for (int p : pieces) {
            total += items.len[p];
        }
        int s0 = agents.next[a];
        if ((long) s0 + total > MAX_SEQ) {
            throw new IllegalStateException("agent " + localId + " ran out of seqs");
        }
        agents.ensureContent(a, s0 + total);
        for (int p : pieces) {
            int h = p;
            while (true) {
                // one code point at a time: a surrogate pair comes back as one item after its low half, so nothing
                // that others insert after the pair's tombstones can land between the two halves
                char[] src = agents.content[items.agent[h]];
                int at = items.seq[h];
                int unit = items.len[h] >= 2 && Character.isHighSurrogate(src[at]) && Character.isLowSurrogate(src[at + 1])
                        ? 2 : 1;
                int tail = items.len[h] > unit ? integrator.split(h, unit) : NONE;
                int s = agents.next[a];
                System.arraycopy(src, at, agents.content[a], s, unit);
                int right = tree.next(h);
                int olA = items.agent[h], olS = items.seq[h] + unit - 1;
                int orA = right == NONE ? NONE : items.agent[right], orS = right == NONE ? 0 : items.seq[right];
                integrator.place(h, a, s, unit, olA, olS, orA, orS, (byte) 0);
                int off = tree.offsetOf(integrator.placedItem) + integrator.placedOffset;
                out.insert(off, agents.content[a], s, unit);
                writer.addItem(localId, s, unit, agents.ids[olA], olS, orA == NONE ? -1 : agents.ids[orA], orS, (byte) 0,
                        agents.content[a], s);
                if (tail == NONE) {
                    break;
                }
                h = tail;
            }
        }
        IdSet.Builder inserted = new IdSet.Builder().add(localId, s0, s0 + total);
        return new LocalEdit(writer.encode(false), inserted.build(), IdSet.EMPTY, out.result());
    }

    /**
     * {@code ids} widened so no range starts or ends between the two halves of a surrogate pair. A pair is always
     * inserted by one edit, so its halves are consecutive seqs of one agent; selective undo of half a pair would
     * otherwise leave a lone surrogate in the text.
     */
    private IdSet wholeCodePoints(IdSet ids) {
        IdSet.Builder b = new IdSet.Builder();
        // Ranges of unknown agents or beyond an agent's next seq are dropped: deleteIds and restore skip them.
        forEachKnownRange(ids, (a, start, stop) -> {
            char[] c = agents.content[a];
            int next = agents.next[a];
            int s = start;
            int e = stop;
            if (s > 0 && Character.isLowSurrogate(c[s]) && Character.isHighSurrogate(c[s - 1])) {
                s--;
            }
            if (e < next && Character.isHighSurrogate(c[e - 1]) && Character.isLowSurrogate(c[e])) {
                e++;
            }
            b.add(agents.ids[a], s, e);
        });
        return b.build();
    }

    // ------------------------------------------------------------------------------------------ remote updates

    /** Integrates a decoded update into this (non-pristine or non-snapshot) replica. */
    public List<TextChange> apply(DecodedUpdate u) {
        ChangeCollector out = new ChangeCollector();
        boolean progress = false;
        long[] ag = u.agents;
        if (u.nItems == 1) {
            long olId = u.olAgent(0) < 0 ? -1 : ag[u.olAgent(0)], orId = u.orAgent(0) < 0 ? -1 : ag[u.orAgent(0)];
            int st = tryIntegrate(ag[u.itemAgent(0)], u.itemSeq(0), u.itemLen(0), olId, u.olSeq(0), orId, u.orSeq(0),
                    u.itemFlags(0), u.contentArray(0), u.contentStart(0), out);
            if (st == WAIT) {
                pendingItems.add(new PendingItem(ag[u.itemAgent(0)], u.itemSeq(0), u.itemLen(0), olId, u.olSeq(0), orId,
                        u.orSeq(0), u.itemFlags(0), u.contentArray(0), u.contentStart(0)));
            }
            progress = st == DONE;
        } else if (u.nItems > 1) {
            PendingItem[] work = new PendingItem[u.nItems];
            for (int i = 0; i < u.nItems; i++) {
                work[i] = new PendingItem(ag[u.itemAgent(i)], u.itemSeq(i), u.itemLen(i),
                        u.olAgent(i) < 0 ? -1 : ag[u.olAgent(i)], u.olSeq(i),
                        u.orAgent(i) < 0 ? -1 : ag[u.orAgent(i)], u.orSeq(i), u.itemFlags(i),
                        u.contentArray(i), u.contentStart(i));
            }
            progress = integrateAll(work, out);
        }
        applyDeletes(u, out);
        if (progress) {
            retryPending(out);
        }
        return out.result();
    }

    void applyDeletes(DecodedUpdate u, ChangeCollector out) {
        for (int i = 0; i < u.nDeletes; i++) {
            applyRemoteDelete(u.agents[u.delAgent(i)], u.delStart(i), u.delStart(i) + u.delLen(i), out);
        }
    }

    private void applyRemoteDelete(long agentId, int start, int end, ChangeCollector out) {
        int a = agents.find(agentId);
        int known = a < 0 ? 0 : agents.next[a];
        if (start < known) {
            deleteRange(a, start, Math.min(end, known), out, null, null);
        }
        if (end > known) {
            pendingDeletes.add(new long[]{agentId, Math.max(start, known), end});
        }
    }

    private void retryPending(ChangeCollector out) {
        boolean progress = true;
        while (progress && !pendingItems.isEmpty()) {
            List<PendingItem> w = pendingItems;
            pendingItems = new ArrayList<>();
            progress = integrateAll(w.toArray(new PendingItem[0]), out);
        }
        if (!pendingDeletes.isEmpty()) {
            List<long[]> d = pendingDeletes;
            pendingDeletes = new ArrayList<>();
            for (long[] r : d) {
                applyRemoteDelete(r[0], (int) r[1], (int) r[2], out);
            }
        }
    }

    /**
     * Integrates every item of {@code work} whose dependencies are met, in a dependency-respecting order:
     * per agent in seq order, round-robin over agents until no queue head can advance. The rest is buffered.
     *
     * @return true if anything was integrated
     */
    private boolean integrateAll(PendingItem[] work, ChangeCollector out) {
        if (work.length == 1) {
            int st = tryIntegrate(work[0], out);
            if (st == WAIT) {
                pendingItems.add(work[0]);
            }
            return st == DONE;
        }
        Arrays.sort(work, Comparator.comparingLong(PendingItem::agent).thenComparingInt(PendingItem::seq));
        int groups = 0;
        int[] from = new int[work.length + 1];
        for (int i = 0; i < work.length; i++) {
            if (i == 0 || work[i].agent() != work[i - 1].agent()) {
                from[groups++] = i;
            }
        }
        from[groups] = work.length;
        int[] head = Arrays.copyOf(from, groups);
        boolean any = false, progress = true;
        while (progress) {
            progress = false;
            for (int g = 0; g < groups; g++) {
                while (head[g] < from[g + 1]) {
                    int st = tryIntegrate(work[head[g]], out);
                    if (st == WAIT) {
                        break;
                    }
                    head[g]++;
                    if (st == DONE) {
                        progress = true;
                        any = true;
                    }
                }
            }
        }
        for (int g = 0; g < groups; g++) {
            for (int i = head[g]; i < from[g + 1]; i++) {
                if (tryIntegrate(work[i], out) == WAIT) {
                    pendingItems.add(work[i]);
                }
            }
        }
        return any;
    }

    private int tryIntegrate(PendingItem p, ChangeCollector out) {
        return tryIntegrate(p.agent(), p.seq(), p.len(), p.olAgent(), p.olSeq(), p.orAgent(), p.orSeq(), p.flags(),
                p.content(), p.contentOff(), out);
    }

    /** Integrates one run if its dependencies are met: SKIP (already known), DONE, or WAIT. */
    private int tryIntegrate(long agent, int seq, int len, long olAgent, int olSeq, long orAgent, int orSeq,
                             byte flags, char[] content, int contentOff, ChangeCollector out) {
        int a = agents.find(agent);
        int next = a < 0 ? 0 : agents.next[a];
        if (seq > next) {
            return WAIT;
        }
        if (seq < next && (flags & ItemTable.DELETED) != 0) {
            // the part we already have: the sender has it deleted (a snapshot carries deletions as flags)
            deleteRange(a, seq, Math.min(seq + len, next), out, null, null);
        }
        if (seq + len <= next) {
            return SKIP;
        }
        int trim = next - seq;
        int olA, olS;
        if (trim > 0) {
            olA = a;
            olS = next - 1;
        } else if (olAgent < 0) {
            olA = NONE;
            olS = 0;
        } else {
            olA = agents.find(olAgent);
            if (olA < 0 || olSeq >= agents.next[olA]) {
                return WAIT;
            }
            olS = olSeq;
        }
        int orA, orS;
        if (orAgent < 0) {
            orA = NONE;
            orS = 0;
        } else {
            orA = agents.find(orAgent);
            if (orA < 0 || orSeq >= agents.next[orA]) {
                return WAIT;
            }
            orS = orSeq;
        }
        if (a < 0) {
            a = agents.intern(agent);
        }
                if (gc && (flags & ItemTable.DELETED) != 0) {
            flags |= ItemTable.GC;
        }
        int n = len - trim;
        if (content != null) {
            agents.putContent(a, next, content, contentOff + trim, n);
        } else {
            agents.ensureContent(a, next + n);
        }
        integrator.integrate(a, next, n, olA, olS, orA, orS, flags);
        if ((flags & ItemTable.DELETED) == 0) {
            int off = tree.offsetOf(integrator.placedItem) + integrator.placedOffset;
            out.insert(off, agents.content[a], next, n);
        }
        return DONE;
    }

    /**
     * Builds a replica from a snapshot (items of a whole state in document order) without running the
     * integration scan: the order in the snapshot is the converged order. Validates that every agent's seqs
     * are covered exactly once from 0 and that every origin exists.
     *
     * @throws MalformedUpdateException if the snapshot is inconsistent (nothing else is changed)
     */
    public static Replica load(DecodedUpdate u, long localId, boolean gc, List<TextChange> changesOut) {
        return SnapshotLoader.load(u, localId, gc, changesOut);
    }

    // ------------------------------------------------------------------------------------------ encoding

    private void addItemTo(UpdateWriter w, int h, int from) {
        addItemTo(w, h, from, items.seq[h] + items.len[h]);
    }

    /** Adds the part {@code [from, to)} (seqs) of item {@code h}. */
    private void addItemTo(UpdateWriter w, int h, int from, int to) {
        int a = items.agent[h];
        int s = items.seq[h];
        int olA, olS;
        if (from > s) {
            olA = a;
            olS = from - 1;
        } else {
            olA = items.olAgent[h];
            olS = items.olSeq[h];
        }
        int orA = items.orAgent[h];
        byte f = items.flags[h];
        w.addItem(agents.ids[a], from, to - from, olA == NONE ? -1 : agents.ids[olA], olS,
                orA == NONE ? -1 : agents.ids[orA], items.orSeq[h], f,
                (f & ItemTable.GC) != 0 ? null : agents.content[a], from);
    }

    /** The whole state as a snapshot update: all items (tombstones included) in document order. */
    public byte[] encodeState() {
        UpdateWriter w = new UpdateWriter();
        for (Node l = tree.firstLeaf; l != null; l = l.next) {
            for (int i = 0; i < l.n; i++) {
                int h = l.items[i];
                addItemTo(w, h, items.seq[h]);
            }
        }
        return w.encode(true);
    }

    /** Items not covered by {@code theirs} (per agent, in seq order) plus deletions of ids they have. */
    public byte[] encodeDiff(VersionVector theirs) {
        if (theirs.size() == 0) {
            return encodeState();
        }
        UpdateWriter w = new UpdateWriter();
        for (int a = 0; a < agents.n; a++) {
            long from = theirs.get(agents.ids[a]);
            int next = agents.next[a];
            for (int s = (int) Math.min(from, next); s < next; ) {
                int h = integrator.find(a, s);
                addItemTo(w, h, s);
                s = items.seq[h] + items.len[h];
            }
        }
        for (int a = 0; a < agents.n; a++) {
            long id = agents.ids[a];
            int upTo = (int) Math.min(theirs.get(id), agents.next[a]);
            if (upTo == 0) {
                continue;
            }
            agents.index[a].forEach((start, h) -> {
                if (start < upTo && items.isDeleted(h)) {
                    w.addDelete(id, start, Math.min(items.len[h], upTo - start));
                }
            });
        }
        return w.encode(false);
    }

    /** Bytes counted per item and per delete range by {@link #encodeDiffChunks}: ids, origins, agent table. */
    private static final int CHUNK_ITEM_OVERHEAD = 64;
    private static final int CHUNK_DELETE_OVERHEAD = 32;
    private static final int CHUNK_HEADER = 64;

    /**
     * {@link #encodeDiff(VersionVector)} cut into updates of at most {@code maxBytes} each (as encoded, before and
     * after compression), to be applied in list order. Items are split inside a run where needed (never between
     * the halves of a surrogate pair); the delete set comes last. Each chunk's size is bounded by an upper
     * estimate (3 bytes per UTF-16 unit, fixed costs per item and delete range), so it holds whatever compression
     * achieves. Applying every chunk, in order, to a replica at {@code theirs} has the same effect as the whole
     * diff; a chunk applied alone may leave items of other agents buffered until a later chunk brings their
     * origins.
     *
     * @throws IllegalArgumentException if {@code maxBytes} is too small for one character with its costs
     */
    public List<byte[]> encodeDiffChunks(VersionVector theirs, int maxBytes) {
        if (maxBytes < CHUNK_HEADER + CHUNK_ITEM_OVERHEAD + CHUNK_DELETE_OVERHEAD + 8) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " cannot hold one item");
        }
        byte[] whole = encodeDiff(theirs);
        if (whole.length <= maxBytes) {
            return List.of(whole);
        }
        List<byte[]> out = new ArrayList<>();
        UpdateWriter w = new UpdateWriter();
        long used = CHUNK_HEADER;
        for (int a = 0; a < agents.n; a++) {
            long from = theirs.get(agents.ids[a]);
            int next = agents.next[a];
            for (int s = (int) Math.min(from, next); s < next; ) {
                int h = integrator.find(a, s);
                int end = items.seq[h] + items.len[h];
                boolean gc = (items.flags[h] & ItemTable.GC) != 0;
                while (s < end) {
                    long room = maxBytes - used - CHUNK_ITEM_OVERHEAD;
                    int fit = gc ? end - s : (int) Math.min(end - s, room / 3);
                    if (fit < end - s && fit > 0 && Character.isHighSurrogate(agents.content[a][s + fit - 1])) {
                        fit--;
                    }
                    if (fit <= 0 || room < 0) {
                        out.add(w.encode(false));
                        w.reset();
                        used = CHUNK_HEADER;
                        continue;
                    }
                    addItemTo(w, h, s, s + fit);
                    used += CHUNK_ITEM_OVERHEAD + (gc ? 0 : 3L * fit);
                    s += fit;
                }
            }
        }
        for (int a = 0; a < agents.n; a++) {
            long id = agents.ids[a];
            int upTo = (int) Math.min(theirs.get(id), agents.next[a]);
            if (upTo == 0) {
                continue;
            }
            List<int[]> ranges = new ArrayList<>();
            agents.index[a].forEach((start, h) -> {
                if (start < upTo && items.isDeleted(h)) {
                    ranges.add(new int[] {start, Math.min(items.len[h], upTo - start)});
                }
            });
            for (int[] r : ranges) {
                if (used + CHUNK_DELETE_OVERHEAD > maxBytes) {
                    out.add(w.encode(false));
                    w.reset();
                    used = CHUNK_HEADER;
                }
                w.addDelete(id, r[0], r[1]);
                used += CHUNK_DELETE_OVERHEAD;
            }
        }
        if (!w.isEmpty()) {
            out.add(w.encode(false));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ positions

    public RelativePosition relativePosition(int offset, Assoc assoc) {
        int length = tree.width();
        if (offset < 0 || offset > length) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside [0, " + length + "]");
        }
        if (assoc == Assoc.AFTER) {
            if (offset == length) {
                return RelativePosition.END;
            }
            tree.locate(offset);
        } else {
            if (offset == 0) {
                return RelativePosition.START;
            }
            tree.locate(offset - 1);
        }
        int h = tree.curItem;
        return new RelativePosition(agents.ids[items.agent[h]], items.seq[h] + tree.curOff, assoc);
    }

    public int resolve(RelativePosition p) {
        if (p.isBoundary()) {
            return p.assoc() == Assoc.AFTER ? 0 : tree.width();
        }
        int a = agents.find(p.agent());
        if (a < 0 || p.seq() >= agents.next[a]) {
            return -1;
        }
        int h = integrator.find(a, (int) p.seq());
        int base = tree.offsetOf(h);
        if (items.isDeleted(h)) {
            return base;
        }
        int k = (int) (p.seq() - items.seq[h]);
        return p.assoc() == Assoc.AFTER ? base + k : base + k + 1;
    }

    // ------------------------------------------------------------------------------------------ invariants

    /**
     * Checks, throwing {@link IllegalStateException} naming the first violation: the tree's own invariants
     * ({@link ContentTree#checkInvariants()}); every handle is in the tree exactly once; items have length
     * {@code >= 1}, GC implies DELETED, absent origins have seq 0, origins are integrated ids that are not later
     * ids of the item's own agent; each agent's id index lists its items in seq order covering {@code [0, next)}
     * exactly (the version vector matches the items); buffered items and deletes still wait for something.
     */
    public void checkInvariants() {
        tree.checkInvariants();
        if (tree.count != items.size) {
            throw new IllegalStateException("items: " + items.size + " handles but " + tree.count + " in the tree");
        }
        boolean[] seen = new boolean[items.size];
        tree.forEach(h -> {
            if (seen[h]) {
                throw new IllegalStateException("tree: item " + h + " appears twice");
            }
            seen[h] = true;
        });
        for (int h = 0; h < items.size; h++) {
            if (items.len[h] < 1) {
                throw new IllegalStateException("rle: item " + h + " has length " + items.len[h]);
            }
            if ((items.flags[h] & ItemTable.GC) != 0 && !items.isDeleted(h)) {
                throw new IllegalStateException("rle: item " + h + " is garbage-collected but visible");
            }
            if (gc && items.isDeleted(h) && (items.flags[h] & ItemTable.GC) == 0) {
                throw new IllegalStateException("gc: tombstone " + h + " kept its content on a gc replica");
            }
            checkOrigin(h, items.olAgent[h], items.olSeq[h], "originLeft");
            checkOrigin(h, items.orAgent[h], items.orSeq[h], "originRight");
        }
        int[] total = {0};
        for (int a = 0; a < agents.n; a++) {
            final int agent = a;
            int[] expected = {0};
            agents.index[a].forEach((start, h) -> {
                if (items.agent[h] != agent || items.seq[h] != start) {
                    throw new IllegalStateException("id index: entry " + start + " of agent " + agents.ids[agent]
                            + " points to item (" + items.agent[h] + "," + items.seq[h] + ")");
                }
                if (start != expected[0]) {
                    throw new IllegalStateException("version: agent " + agents.ids[agent] + " items do not cover seq "
                            + expected[0] + " exactly");
                }
                expected[0] = start + items.len[h];
                total[0]++;
            });
            if (expected[0] != agents.next[a]) {
                throw new IllegalStateException("version: agent " + agents.ids[a] + " next seq " + agents.next[a]
                        + " but its items end at " + expected[0]);
            }
            if (agents.content[a].length < agents.next[a]) {
                throw new IllegalStateException("content: agent " + agents.ids[a] + " holds fewer units than its seqs");
            }
        }
        if (total[0] != items.size) {
            throw new IllegalStateException("id index: " + total[0] + " entries for " + items.size + " items");
        }
        for (PendingItem p : pendingItems) {
            int a = agents.find(p.agent());
            if (a >= 0 && p.seq() + p.len() <= agents.next[a]) {
                throw new IllegalStateException("pending: item (" + p.agent() + "," + p.seq() + ") is already integrated");
            }
        }
        for (long[] d : pendingDeletes) {
            int a = agents.find(d[0]);
            if (a >= 0 && d[2] <= agents.next[a]) {
                throw new IllegalStateException("delete set: pending delete of agent " + d[0] + " is integrable");
            }
        }
    }

    private void checkOrigin(int h, int oa, int os, String what) {
        if (oa == NONE) {
            if (os != 0) {
                throw new IllegalStateException("origins: item " + h + " has an absent " + what + " with seq " + os);
            }
            return;
        }
        if (oa < 0 || oa >= agents.n || os < 0 || os >= agents.next[oa]) {
            throw new IllegalStateException("origins: item " + h + " has a non-integrated " + what);
        }
        if (oa == items.agent[h] && os >= items.seq[h]) {
            throw new IllegalStateException("origins: item " + h + " has a " + what + " that is not an earlier id");
        }
    }
}
