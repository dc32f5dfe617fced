/**
 * Weft's sequence CRDT for text: the replica, {@link dev.weft.crdt.TextDocument}. Its value types (versions, id
 * sets, relative positions, changes, errors) are in {@code dev.weft.crdt.model}; the binary update format in
 * {@code dev.weft.crdt.codec}; the data structures behind the replica in {@code dev.weft.crdt.internal}, which no
 * other module may use.
 *
 * <p>Package dependencies point one way: {@code crdt → internal → codec → model}. Vocabulary (see
 * {@code docs/INTERNALS.md}): an <em>agent</em> is one replica's identity; each operation has an <em>id</em>
 * {@code (agent, seq)}; a <em>version</em> is a version vector; an <em>update</em> is the binary encoding of a set of
 * items and deletions; <em>originLeft/originRight</em> are an item's neighbours when it was created,
 * <em>left/right</em> its neighbours now.
 */
package dev.weft.crdt;
