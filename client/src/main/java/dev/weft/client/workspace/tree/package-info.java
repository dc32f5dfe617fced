/**
 * The replicated workspace tree: an append-only log of {@link dev.weft.client.workspace.tree.TreeEvent}s, one line
 * each, kept in the CRDT text document {@value dev.weft.client.workspace.tree.TreeNames#TREE}, and the
 * deterministic {@link dev.weft.client.workspace.tree.TreeResolver} every peer runs over it. Design and the
 * conflict rules: {@code docs/workspace.md}.
 */
package dev.weft.client.workspace.tree;
