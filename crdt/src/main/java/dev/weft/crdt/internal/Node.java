package dev.weft.crdt.internal;

/**
 * A node of the {@link ContentTree}: either a leaf holding item handles in document order, or an inner node
 * holding child nodes. Every leaf is at the same depth.
 */
final class Node {
    /** Maximum item handles per leaf (a leaf may hold one more transiently, until it splits). */
    static final int LEAF_CAP = 64;
    /** Maximum children per inner node (one more transiently, until it splits). */
    static final int INNER_CAP = 32;

    /** True for a leaf; immutable. */
    final boolean isLeaf;
    /** Parent inner node, null for the root; mutable (splits re-parent). */
    Node parent;
    /** Number of used slots in {@link #items} or {@link #kids}; mutable. */
    int n;
    /** Sum of the visible widths of everything below this node; mutable. */
    int width;
    /** Leaf only: item handles {@code [0, n)} in document order; the array is mutable, the reference is not. */
    final int[] items;
    /** Inner only: children {@code [0, n)} in document order. */
    final Node[] kids;
    /** Leaf only: neighbouring leaves in document order (null at the ends); mutable. */
    Node prev, next;

    Node(boolean leaf) {
        this.isLeaf = leaf;
        this.items = leaf ? new int[LEAF_CAP + 1] : null;
        this.kids = leaf ? null : new Node[INNER_CAP + 1];
    }

    int indexOfKid(Node k) {
        for (int i = 0; i < n; i++) {
            if (kids[i] == k) {
                return i;
            }
        }
        throw new IllegalStateException("tree: node is not among its parent's children");
    }
}
