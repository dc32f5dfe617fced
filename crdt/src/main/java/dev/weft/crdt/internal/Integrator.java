package dev.weft.crdt.internal;

/**
 * Places items in the document: the one place where the ordering rule of the CRDT lives.
 *
 * <p>The rule is YjsMod / FugueMax (Weidner &amp; Kleppmann, "The Art of the Fugue", 2023; Gentle's
 * reference-crdts {@code yjsMod}): a new item goes somewhere between its originLeft {@code L} and its
 * originRight {@code R}. Items already between them were inserted concurrently; the new item is compared with
 * each of them, {@code o}, left to right, by the positions of {@code o}'s origins relative to its own
 * (see the decision table in {@link #integrate}). The result does not depend on the order in which concurrent
 * items arrive, and runs typed concurrently at the same place, forwards or backwards, never interleave.
 *
 * <p>Runs: every character after the first of an item has the previous character as originLeft and the item's
 * originRight, so such a character always "comes from the left" of anything scanned after its own item; an
 * item can therefore be decided by its first character. Origins are split out to item boundaries first.
 */
final class Integrator {
    private final ItemTable items;
    private final ContentTree tree;
    private final Agents agents;
    /** {@code mark[h] == stamp} iff item h was scanned during the current {@link #integrate} call. */
    private int[] mark = new int[64];
    private int stamp;

    /** Result of {@link #place}: the item that now holds the new characters ... */
    int placedItem;
    /** ... and the offset of the first new character inside it. */
    int placedOffset;

    Integrator(ItemTable items, ContentTree tree, Agents agents) {
        this.items = items;
        this.tree = tree;
        this.agents = agents;
    }

    /** The item holding the integrated id {@code (a, s)}. */
    int find(int a, int s) {
        return agents.index[a].find(s);
    }

    /** Splits item {@code h} after its first {@code k} characters; returns the tail's handle. */
    int split(int h, int k) {
        int r = items.splitOff(h, k);
        tree.insertSplit(h, r);
        agents.index[items.agent[r]].insert(items.seq[r], r);
        return r;
    }

    /** Makes {@code (a, s)} the first character of an item and returns that item. */
    int splitBefore(int a, int s) {
        int h = find(a, s);
        int k = s - items.seq[h];
        return k == 0 ? h : split(h, k);
    }

    /** Makes {@code (a, s)} the last character of an item and returns that item. */
    int splitAfter(int a, int s) {
        int h = find(a, s);
        int k = s - items.seq[h] + 1;
        if (k < items.len[h]) {
            split(h, k);
        }
        return h;
    }

    /**
     * Integrates the remote run {@code (a, s .. s+n-1)} with the given origins (agent NONE = absent) and flags.
     * Preconditions: {@code s == agents.next[a]}, both origins are integrated. The caller stores the content.
     *
     * <p>Decision table, for each item {@code o} scanned between L (the new item's originLeft) and R (its
     * originRight), comparing o's origins {@code oL}, {@code oR} with L, R by document position
     * ("scanning" means: o might still turn out to belong before us, keep the insertion point where it was):
     * <pre>
     *                 | oR &lt; R            | oR == R                          | oR &gt; R
     *   --------------+--------------------+----------------------------------+----------------
     *   oL &lt; L       | stop: insert before o (o's subtree ends here)        ... any oR
     *   oL == L       | scanning = true    | agent(new) &lt; agent(o): stop;     | scanning = false
     *                 | (o may be ours     |   else scanning = false (o first) | (skip o)
     *                 |  to precede)       |                                  |
     *   oL &gt; L       | continue (o is inside a subtree already being skipped) ... any oR
     * </pre>
     * Before each o, while not scanning, the insertion point moves to just before o. At R (or the document end)
     * the scan stops; the item goes to the last insertion point.
     *
     * <p>{@code oL < L} is decided without positions: oL lies left of o, so it is either L, one of the items
     * scanned so far ({@code oL > L}, marked), or left of L. {@code oR} vs R needs a real order comparison
     * (O(log n)), done only in the rare oL == L case.
     */
    void integrate(int a, int s, int n, int olA, int olS, int orA, int orS, byte flags) {
        int right = orA == ItemTable.NONE ? ItemTable.NONE : splitBefore(orA, orS);
        int left = olA == ItemTable.NONE ? ItemTable.NONE : splitAfter(olA, olS);
        int o = left == ItemTable.NONE ? tree.first() : tree.next(left);
        int dest = left;
        if (o != right) {
            if (mark.length < items.size) {
                mark = new int[Math.max(items.size, mark.length * 2)];
            }
            stamp++;
            long myAgent = agents.ids[a];
            boolean scanning = false;
            int prev = left;
            while (true) {
                if (!scanning) {
                    dest = prev;
                }
                if (o == ItemTable.NONE || o == right) {
                    break;
                }
                int row = compareOriginLeft(o, olA, olS);
                if (row < 0) {
                    break;
                }
                if (row == 0) {
                    int col = compareOriginRight(o, orA, orS, right);
                    if (col < 0) {
                        scanning = true;
                    } else if (col == 0) {
                        if (myAgent < agents.ids[items.agent[o]]) {
                            break;
                        }
                        scanning = false;
                    } else {
                        scanning = false;
                    }
                }
                mark[o] = stamp;
                prev = o;
                o = tree.next(o);
            }
        }
        place(dest, a, s, n, olA, olS, orA, orS, flags);
    }

    /** Row of the decision table: -1, 0, 1 as o's originLeft is before, equal to, after L. */
    private int compareOriginLeft(int o, int olA, int olS) {
        int oa = items.olAgent[o], os = items.olSeq[o];
        if (oa == olA && (oa == ItemTable.NONE || os == olS)) {
            return 0;
        }
        if (oa == ItemTable.NONE) {
            return -1;  // oL is the document start, L is not
        }
        if (olA == ItemTable.NONE) {
            return 1;   // L is the document start, oL is a character after it
        }
        return mark[find(oa, os)] == stamp ? 1 : -1;
    }

    /** Column of the decision table: -1, 0, 1 as o's originRight is before, equal to, after R. */
    private int compareOriginRight(int o, int orA, int orS, int right) {
        int ra = items.orAgent[o], rs = items.orSeq[o];
        if (ra == orA && (ra == ItemTable.NONE || rs == orS)) {
            return 0;
        }
        if (orA == ItemTable.NONE) {
            return -1;  // R is the document end
        }
        if (ra == ItemTable.NONE) {
            return 1;   // oR is the document end
        }
        int h = find(ra, rs);
        if (h == right) {
            return 1;   // a later character of R's item
        }
        return tree.compareOrder(h, right) < 0 ? -1 : 1;
    }

    /**
     * Puts the run right after item {@code after} (NONE = document start): extends {@code after} when the run
     * continues it (same agent, next seq, originLeft = its last character, same originRight and flags),
     * otherwise adds a new item. Advances the agent's next seq. Sets {@link #placedItem}/{@link #placedOffset}.
     */
    void place(int after, int a, int s, int n, int olA, int olS, int orA, int orS, byte flags) {
        if (olA == ItemTable.NONE) {
            olS = 0;
        }
        if (orA == ItemTable.NONE) {
            orS = 0;
        }
        if (after != ItemTable.NONE && items.agent[after] == a && olA == a && olS == s - 1
                && items.seq[after] + items.len[after] == s && items.orAgent[after] == orA
                && items.orSeq[after] == orS && items.flags[after] == flags) {
            placedItem = after;
            placedOffset = items.len[after];
            items.len[after] += n;
            if ((flags & ItemTable.DELETED) == 0) {
                tree.addWidthOf(after, n);
            }
        } else {
            int h = items.add(a, s, n, olA, olS, orA, orS, flags);
            tree.insertAfter(after, h);
            agents.index[a].insert(s, h);
            placedItem = h;
            placedOffset = 0;
        }
        agents.next[a] = s + n;
    }
}
