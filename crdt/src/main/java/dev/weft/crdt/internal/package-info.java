/**
 * The CRDT's data structures and algorithms (not API): {@link dev.weft.crdt.internal.Replica} holds one
 * replica's state — items in an {@code ItemTable}, their document order in a {@code ContentTree} (order-statistic
 * B-tree), per-agent id indexes and content in {@code Agents} — and {@code Integrator} holds the ordering rule.
 * Vocabulary and algorithm: docs/INTERNALS.md.
 */
package dev.weft.crdt.internal;
