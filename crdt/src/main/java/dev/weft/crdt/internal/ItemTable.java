package dev.weft.crdt.internal;

import java.util.Arrays;

/**
 * All items of a replica, stored column-wise ("struct of arrays") so an item costs a few ints and no object.
 * An <em>item</em> is a run of consecutive characters {@code (agent, seq) .. (agent, seq + len - 1)} inserted by
 * one agent, in document order, that behave as one: every character after the first has the previous character
 * of the run as its originLeft and shares the run's originRight. An item is addressed by its <em>handle</em>,
 * an index into these arrays, which never changes (splitting an item keeps the handle for the left part and
 * allocates a new handle for the right part).
 *
 * <p>Columns (index = handle):
 * <ul>
 *   <li>{@link #agent} — agent index (see {@link Agents}) of the inserting agent. <b>Immutable.</b></li>
 *   <li>{@link #seq} — seq of the first character. <b>Immutable.</b></li>
 *   <li>{@link #len} — number of characters (UTF-16 units), {@code >= 1}. <b>Mutable</b>: shrinks when the
 *       item is split (the tail goes to a new item), grows when the same agent appends to the run.</li>
 *   <li>{@link #olAgent}/{@link #olSeq} — originLeft of the first character: the id of the character that was
 *       immediately left of it when it was created, or {@link #NONE} for the document start. <b>Immutable.</b>
 *       (The right part of a split gets {@code (agent, seq - 1)}, which is what its first character had.)</li>
 *   <li>{@link #orAgent}/{@link #orSeq} — originRight shared by every character of the run: the id of the
 *       item that was immediately right of the insertion point (possibly a tombstone), or {@link #NONE} for the
 *       document end. <b>Immutable.</b></li>
 *   <li>{@link #flags} — {@link #DELETED} (tombstone: width 0) and {@link #GC} (content dropped).
 *       <b>Mutable</b>, only ever gains bits.</li>
 *   <li>{@link #leaf} — the {@link Node} of the content tree that holds the item. <b>Mutable</b> (leaf splits
 *       move items).</li>
 * </ul>
 * The characters themselves live in {@link Agents#content}, indexed by seq, so splitting copies no text.
 */
final class ItemTable {
    /** Marks an absent origin (document start for originLeft, end for originRight) or an absent item. */
    static final int NONE = -1;
    /** Flag: the item's characters are deleted (tombstone); it counts 0 towards the visible length. */
    static final byte DELETED = 1;
    /** Flag: the tombstone's content was garbage-collected (only its length is kept). Implies DELETED. */
    static final byte GC = 2;

    /** Number of handles allocated: valid handles are {@code [0, size)}. */
    int size;
    int[] agent;
    int[] seq;
    int[] len;
    int[] olAgent;
    int[] olSeq;
    int[] orAgent;
    int[] orSeq;
    byte[] flags;
    Node[] leaf;

    ItemTable(int capacity) {
        capacity = Math.max(16, capacity);
        agent = new int[capacity];
        seq = new int[capacity];
        len = new int[capacity];
        olAgent = new int[capacity];
        olSeq = new int[capacity];
        orAgent = new int[capacity];
        orSeq = new int[capacity];
        flags = new byte[capacity];
        leaf = new Node[capacity];
    }

    private void grow() {
        int c = agent.length * 2;
        agent = Arrays.copyOf(agent, c);
        seq = Arrays.copyOf(seq, c);
        len = Arrays.copyOf(len, c);
        olAgent = Arrays.copyOf(olAgent, c);
        olSeq = Arrays.copyOf(olSeq, c);
        orAgent = Arrays.copyOf(orAgent, c);
        orSeq = Arrays.copyOf(orSeq, c);
        flags = Arrays.copyOf(flags, c);
        leaf = Arrays.copyOf(leaf, c);
    }

    /** Allocates a handle for a new item (not yet in the tree or the id index). */
    int add(int a, int s, int l, int olA, int olS, int orA, int orS, byte f) {
        if (size == agent.length) {
            grow();
        }
        int h = size++;
        agent[h] = a;
        seq[h] = s;
        len[h] = l;
        olAgent[h] = olA;
        olSeq[h] = olS;
        orAgent[h] = orA;
        orSeq[h] = orS;
        flags[h] = f;
        return h;
    }

    boolean isDeleted(int h) {
        return (flags[h] & DELETED) != 0;
    }

    /** Visible width: {@code len} for a live item, 0 for a tombstone. */
    int width(int h) {
        return (flags[h] & DELETED) != 0 ? 0 : len[h];
    }

    /**
     * Cuts item {@code h} after its first {@code k} characters ({@code 0 < k < len}); the tail becomes a new
     * handle (returned) with originLeft {@code (agent, seq + k - 1)} and the same originRight and flags. The
     * caller places the new handle in the tree and the id index.
     */
    int splitOff(int h, int k) {
        int a = agent[h], s = seq[h];
        int r = add(a, s + k, len[h] - k, a, s + k - 1, orAgent[h], orSeq[h], flags[h]);
        len[h] = k;
        return r;
    }

    /** Approximate retained bytes of the columns (for memory reports). */
    long footprintBytes() {
        return (long) agent.length * (7 * 4 + 1 + 4);
    }
}
