package dev.weft.crdt.internal;

/**
 * The document order of all items (tombstones included): an order-statistic B-tree whose leaves hold item
 * handles and whose nodes know the visible width below them, so position → item and item → position are
 * O(log n). Leaves are also chained for O(1) next/previous item.
 *
 * <p>{@link #locate(int)} stores its result in the cursor fields {@link #curLeaf}, {@link #curSlot},
 * {@link #curItem} and {@link #curOff} instead of allocating.
 */
final class ContentTree {
    private final ItemTable items;
    /** The root; a leaf while the document is small. Mutable (grows on split). */
    Node root = new Node(true);
    /** The first leaf in document order (never changes: leaves split to the right). */
    final Node firstLeaf = root;
    /** Number of items in the tree. */
    int count;

    /** Result of {@link #locate(int)}: the leaf, slot, item and offset inside the item. */
    Node curLeaf;
    int curSlot;
    int curItem;
    int curOff;

    ContentTree(ItemTable items) {
        this.items = items;
    }

    int width() {
        return root.width;
    }

    /**
     * Cursor cache: the leaf of the last {@link #locate} and the visible offset where it starts. Valid while
     * only that leaf's width changes (local typing); cleared by any other width change or split.
     */
    private Node cacheLeaf;
    private int cacheStart;
    /**
     * Slot cache inside {@link #cacheLeaf}: the item in slot {@code cacheSlot} starts {@code cacheSlotStart}
     * visible units after the leaf's start, so a locate at or after it scans from there (typing and backspacing
     * stay at the same spot). -1: none. Valid while no item at or before that slot moves or changes width;
     * cleared by any other change to the leaf ({@link #addWidth}, an insert at or before the slot, a split).
     */
    private int cacheSlot = -1;
    private int cacheSlotStart;

    /** Finds the visible character at offset {@code pos} ({@code 0 <= pos < width()}) and sets the cursor. */
    void locate(int pos) {
        Node node = cacheLeaf;
        if (node != null && pos >= cacheStart && pos < cacheStart + node.width) {
            int rel = pos - cacheStart;
            if (cacheSlot >= 0 && rel >= cacheSlotStart) {
                scanLeaf(node, cacheSlot, cacheSlotStart, rel);
            } else {
                scanLeaf(node, 0, 0, rel);
            }
            return;
        }
        int start = pos;
        node = root;
        while (!node.isLeaf) {
            Node[] kids = node.kids;
            int i = 0;
            for (int n = node.n - 1; i < n; i++) {
                int w = kids[i].width;
                if (pos < w) {
                    break;
                }
                pos -= w;
            }
            node = kids[i];
        }
        cacheLeaf = node;
        cacheStart = start - pos;
        cacheSlot = -1;
        scanLeaf(node, 0, 0, pos);
    }

    /**
     * Sets the cursor to visible offset {@code rel} of leaf {@code node} (the cached leaf), scanning from slot
     * {@code from}, which starts at visible offset {@code fromStart <= rel}; caches the slot found.
     */
    private void scanLeaf(Node node, int from, int fromStart, int rel) {
        int[] it = node.items;
        byte[] flags = items.flags;
        int[] len = items.len;
        int pos = rel - fromStart;
        for (int i = from, n = node.n; i < n; i++) {
            int h = it[i];
            if ((flags[h] & ItemTable.DELETED) == 0) {
                int w = len[h];
                if (pos < w) {
                    curLeaf = node;
                    curSlot = i;
                    curItem = h;
                    curOff = pos;
                    hintLeaf = node;
                    hintSlot = i;
                    cacheSlot = i;
                    cacheSlotStart = rel - pos;
                    return;
                }
                pos -= w;
            }
        }
        throw new IllegalStateException("tree: position beyond the widths recorded in the nodes");
    }

    /**
     * Where {@link #slotOf} looks first: the leaf and slot of the last item located, found or stepped to by
     * {@link #next}. Only a guess, always verified (any change may have moved the item): it makes the walks of a
     * multi-item delete or of the integration scan, and the re-lookups of the item a local edit just split, O(1).
     */
    private Node hintLeaf;
    private int hintSlot;

    /** The slot of item {@code h} in its leaf: the hinted slot or the one after it if h is there, else a leaf scan. */
    int slotOf(int h) {
        Node lf = items.leaf[h];
        int[] it = lf.items;
        if (lf == hintLeaf) {
            int c = hintSlot;
            if (c < lf.n && it[c] == h) {
                return c;
            }
            if (c + 1 < lf.n && it[c + 1] == h) {
                hintSlot = c + 1;
                return c + 1;
            }
        }
        for (int i = 0, n = lf.n; i < n; i++) {
            if (it[i] == h) {
                hintLeaf = lf;
                hintSlot = i;
                return i;
            }
        }
        throw new IllegalStateException("tree: item " + h + " is not in the leaf it records");
    }

    /** The item after {@code h} in document order, or NONE. */
    int next(int h) {
        Node lf = items.leaf[h];
        int s = slotOf(h);
        if (s + 1 < lf.n) {
            hintSlot = s + 1;
            return lf.items[s + 1];
        }
        for (Node l = lf.next; l != null; l = l.next) {
            if (l.n > 0) {
                hintLeaf = l;
                hintSlot = 0;
                return l.items[0];
            }
        }
        return ItemTable.NONE;
    }

    /** The item before {@code h} in document order, or NONE. */
    int prev(int h) {
        Node lf = items.leaf[h];
        int s = slotOf(h);
        if (s > 0) {
            return lf.items[s - 1];
        }
        for (Node l = lf.prev; l != null; l = l.prev) {
            if (l.n > 0) {
                return l.items[l.n - 1];
            }
        }
        return ItemTable.NONE;
    }

    /** The first item in document order, or NONE. */
    int first() {
        for (Node l = firstLeaf; l != null; l = l.next) {
            if (l.n > 0) {
                return l.items[0];
            }
        }
        return ItemTable.NONE;
    }

    /** The last item in document order, or NONE. */
    int last() {
        Node node = root;
        while (!node.isLeaf) {
            node = node.kids[node.n - 1];
        }
        for (Node l = node; l != null; l = l.prev) {
            if (l.n > 0) {
                return l.items[l.n - 1];
            }
        }
        return ItemTable.NONE;
    }

    /** Visible offset of the first character of item {@code h}. O(log n). */
    int offsetOf(int h) {
        Node lf = items.leaf[h];
        int off = 0;
        int[] it = lf.items;
        int i = 0;
        for (int n = lf.n; i < n; i++) {
            int x = it[i];
            if (x == h) {
                break;
            }
            off += items.width(x);
        }
        if (i == lf.n) {
            throw new IllegalStateException("tree: item " + h + " is not in the leaf it records");
        }
        Node node = lf;
        for (Node p = node.parent; p != null; node = p, p = p.parent) {
            Node[] kids = p.kids;
            for (int k = 0; kids[k] != node; k++) {
                off += kids[k].width;
            }
        }
        return off;
    }

    /** Negative, zero or positive as item {@code a} is before, equal to or after item {@code b} in document order. */
    int compareOrder(int a, int b) {
        if (a == b) {
            return 0;
        }
        Node la = items.leaf[a], lb = items.leaf[b];
        if (la == lb) {
            return Integer.compare(slotOf(a), slotOf(b));
        }
        Node na = la, nb = lb;
        while (na.parent != nb.parent) {
            na = na.parent;
            nb = nb.parent;
        }
        Node p = na.parent;
        return Integer.compare(p.indexOfKid(na), p.indexOfKid(nb));
    }

    /** Adds {@code delta} to the width of {@code leaf} (an item in it at an unknown slot) and all its ancestors. */
    void addWidth(Node leaf, int delta) {
        if (leaf == cacheLeaf) {
            cacheSlot = -1;
        }
        propagateWidth(leaf, delta);
    }

    /**
     * Adds {@code delta} to the width of item {@code h}'s leaf and its ancestors (the caller changed h's width).
     * Keeps the slot cache when h is the cached slot's item or the next one (typing, backspacing).
     */
    void addWidthOf(int h, int delta) {
        Node leaf = items.leaf[h];
        if (leaf == cacheLeaf && cacheSlot >= 0) {
            int[] it = leaf.items;
            if (it[cacheSlot] != h && (cacheSlot + 1 >= leaf.n || it[cacheSlot + 1] != h)) {
                cacheSlot = -1;
            }
        }
        propagateWidth(leaf, delta);
    }

    private void propagateWidth(Node leaf, int delta) {
        if (leaf != cacheLeaf) {
            cacheLeaf = null;
        }
        for (Node node = leaf; node != null; node = node.parent) {
            node.width += delta;
        }
    }

    /** Inserts item {@code h} right after item {@code after} (NONE = at the document start). */
    void insertAfter(int after, int h) {
        if (after == ItemTable.NONE) {
            insertAt(firstLeaf, 0, h, true);
        } else {
            insertAt(items.leaf[after], slotOf(after) + 1, h, true);
        }
    }

    /**
     * Places {@code tail}, just cut off item {@code head} by {@link ItemTable#splitOff}, right after it. The
     * widths above are unchanged: the tail's characters were already counted as part of the head.
     */
    void insertSplit(int head, int tail) {
        insertAt(items.leaf[head], slotOf(head) + 1, tail, false);
    }

    /** Appends item {@code h} at the document end. */
    void append(int h) {
        Node node = root;
        while (!node.isLeaf) {
            node = node.kids[node.n - 1];
        }
        insertAt(node, node.n, h, true);
    }

    /** Inserts item {@code h} into {@code lf} at {@code slot}, splitting nodes that overflow. */
    void insertAt(Node lf, int slot, int h, boolean countWidth) {
        if (lf == cacheLeaf && slot <= cacheSlot) {
            cacheSlot = -1;
        }
        int[] it = lf.items;
        System.arraycopy(it, slot, it, slot + 1, lf.n - slot);
        it[slot] = h;
        lf.n++;
        items.leaf[h] = lf;
        count++;
        int w = countWidth ? items.width(h) : 0;
        if (w != 0) {
            propagateWidth(lf, w); // after the cached slot, if any: the slot cache stays valid
        }
        if (lf.n > Node.LEAF_CAP) {
            // appending at the very end (loading a snapshot, typing at the end): keep the left leaf full
            splitLeaf(lf, slot == lf.n - 1 && lf.next == null ? Node.LEAF_CAP : lf.n / 2);
        }
    }

    private void splitLeaf(Node lf, int half) {
        cacheLeaf = null;
        cacheSlot = -1;
        Node right = new Node(true);
        int moved = lf.n - half;
        System.arraycopy(lf.items, half, right.items, 0, moved);
        right.n = moved;
        lf.n = half;
        int w = 0;
        for (int i = 0; i < moved; i++) {
            int h = right.items[i];
            items.leaf[h] = right;
            w += items.width(h);
        }
        right.width = w;
        lf.width -= w;
        right.next = lf.next;
        if (lf.next != null) {
            lf.next.prev = right;
        }
        lf.next = right;
        right.prev = lf;
        addSibling(lf, right);
    }

    /**
     * Puts {@code sib} right after {@code node} in node's parent. Before the call, node's ancestors already count
     * sib's width (it was cut out of node), so only a new root needs its width computed.
     */
    private void addSibling(Node node, Node sib) {
        Node p = node.parent;
        if (p == null) {
            Node r = new Node(false);
            r.kids[0] = node;
            r.kids[1] = sib;
            r.n = 2;
            r.width = node.width + sib.width;
            node.parent = r;
            sib.parent = r;
            root = r;
            return;
        }
        int idx = p.indexOfKid(node) + 1;
        System.arraycopy(p.kids, idx, p.kids, idx + 1, p.n - idx);
        p.kids[idx] = sib;
        p.n++;
        sib.parent = p;
        if (p.n > Node.INNER_CAP) {
            Node right = new Node(false);
            boolean atEnd = idx == p.n - 1 && isRightmost(p);
            int half = atEnd ? Node.INNER_CAP : p.n / 2;
            int moved = p.n - half;
            System.arraycopy(p.kids, half, right.kids, 0, moved);
            java.util.Arrays.fill(p.kids, half, p.n, null);
            right.n = moved;
            p.n = half;
            int w = 0;
            for (int i = 0; i < moved; i++) {
                right.kids[i].parent = right;
                w += right.kids[i].width;
            }
            right.width = w;
            p.width -= w;
            addSibling(p, right);
        }
    }

    private static boolean isRightmost(Node n) {
        for (Node p = n.parent; p != null; n = p, p = p.parent) {
            if (p.kids[p.n - 1] != n) {
                return false;
            }
        }
        return true;
    }

    /** While a snapshot loads ({@link #startLoad} .. {@link #finishLoad}): the leaf being filled, and leaves so far. */
    private Node loadLeaf;
    private int loadLeaves;

    /**
     * Starts filling this empty tree in document order with {@link #appendLoaded}, bottom-up: full leaves, and
     * at {@link #finishLoad} full inner levels. O(n) in all, no descent per item.
     */
    void startLoad() {
        if (count != 0) {
            throw new IllegalStateException("tree: bulk load into a non-empty tree");
        }
        loadLeaf = firstLeaf;
        loadLeaves = 1;
    }

    /**
     * Appends item {@code h} after the items appended so far. Widths are summed when a leaf is closed, so the
     * last item appended may still grow ({@link ItemTable#len}) until the next append or {@link #finishLoad}.
     */
    void appendLoaded(int h) {
        Node lf = loadLeaf;
        if (lf.n == Node.LEAF_CAP) {
            closeLoadedLeaf(lf);
            Node next = new Node(true);
            lf.next = next;
            next.prev = lf;
            loadLeaf = lf = next;
            loadLeaves++;
        }
        lf.items[lf.n++] = h;
        items.leaf[h] = lf;
        count++;
    }

    private void closeLoadedLeaf(Node lf) {
        int[] len = items.len;
        byte[] flags = items.flags;
        int[] it = lf.items;
        int w = 0;
        for (int i = 0, n = lf.n; i < n; i++) {
            int h = it[i];
            if ((flags[h] & ItemTable.DELETED) == 0) {
                w += len[h];
            }
        }
        lf.width = w;
    }

    /** Ends a load: the last leaf's width, then the inner levels over the leaf chain. */
    void finishLoad() {
        closeLoadedLeaf(loadLeaf);
        loadLeaf = null;
        Node[] level = new Node[loadLeaves];
        int m = 0;
        for (Node l = firstLeaf; l != null; l = l.next) {
            level[m++] = l;
        }
        while (m > 1) {
            int np = (m + Node.INNER_CAP - 1) / Node.INNER_CAP;
            Node[] up = new Node[np];
            for (int pi = 0, at = 0; pi < np; pi++) {
                Node p = new Node(false);
                int k = Math.min(Node.INNER_CAP, m - at);
                int w = 0;
                for (int i = 0; i < k; i++) {
                    Node c = level[at + i];
                    p.kids[i] = c;
                    c.parent = p;
                    w += c.width;
                }
                p.n = k;
                p.width = w;
                up[pi] = p;
                at += k;
            }
            level = up;
            m = np;
        }
        root = level[0];
        root.parent = null;
        cacheLeaf = null;
    }

    /** Calls {@code f} for every item in document order. */
    void forEach(java.util.function.IntConsumer f) {
        for (Node l = firstLeaf; l != null; l = l.next) {
            for (int i = 0; i < l.n; i++) {
                f.accept(l.items[i]);
            }
        }
    }

    /**
     * Checks: parent links, equal leaf depth, node sizes within capacity, every node's width equals the sum
     * below it, the leaf chain visits the leaves in tree order, every item records its leaf, item count.
     *
     * @return the number of items found
     */
    int checkInvariants() {
        int[] depth = {-1};
        int found = checkNode(root, null, 0, depth);
        if (found != count) {
            throw new IllegalStateException("tree: item count " + count + " but " + found + " items in the leaves");
        }
        // leaf chain == in-order leaves
        Node expect = firstLeaf;
        Node l = leftmostLeaf(root);
        if (l != expect) {
            throw new IllegalStateException("tree: first leaf is not the leftmost leaf");
        }
        Node prev = null;
        int chained = 0;
        for (Node x = firstLeaf; x != null; x = x.next) {
            if (x.prev != prev) {
                throw new IllegalStateException("tree: leaf chain prev link broken");
            }
            chained += x.n;
            prev = x;
        }
        if (chained != count) {
            throw new IllegalStateException("tree: leaf chain holds " + chained + " items, tree holds " + count);
        }
        if (cacheLeaf != null && cacheSlot >= 0) {
            if (cacheSlot >= cacheLeaf.n) {
                throw new IllegalStateException("tree: cached slot " + cacheSlot + " beyond the leaf's " + cacheLeaf.n + " items");
            }
            int start = 0;
            for (int i = 0; i < cacheSlot; i++) {
                start += items.width(cacheLeaf.items[i]);
            }
            if (start != cacheSlotStart) {
                throw new IllegalStateException("tree: cached slot starts at " + start + ", cache says " + cacheSlotStart);
            }
        }
        return found;
    }

    private static Node leftmostLeaf(Node n) {
        while (!n.isLeaf) {
            n = n.kids[0];
        }
        return n;
    }

    private int checkNode(Node node, Node parent, int d, int[] leafDepth) {
        if (node.parent != parent) {
            throw new IllegalStateException("tree: wrong parent link");
        }
        if (node.isLeaf) {
            if (leafDepth[0] < 0) {
                leafDepth[0] = d;
            } else if (leafDepth[0] != d) {
                throw new IllegalStateException("tree: leaves at different depths");
            }
            if (node.n > Node.LEAF_CAP) {
                throw new IllegalStateException("tree: leaf over capacity");
            }
            int w = 0;
            for (int i = 0; i < node.n; i++) {
                int h = node.items[i];
                if (h < 0 || h >= items.size) {
                    throw new IllegalStateException("tree: invalid item handle " + h);
                }
                if (items.leaf[h] != node) {
                    throw new IllegalStateException("tree: item " + h + " records the wrong leaf");
                }
                w += items.width(h);
            }
            if (w != node.width) {
                throw new IllegalStateException("tree: leaf width " + node.width + " != sum of item widths " + w);
            }
            return node.n;
        }
        if (node.n < 1 || node.n > Node.INNER_CAP) {
            throw new IllegalStateException("tree: inner node size " + node.n + " out of range");
        }
        int w = 0, c = 0;
        for (int i = 0; i < node.n; i++) {
            c += checkNode(node.kids[i], node, d + 1, leafDepth);
            w += node.kids[i].width;
        }
        if (w != node.width) {
            throw new IllegalStateException("tree: inner width " + node.width + " != sum of children " + w);
        }
        return c;
    }
}
