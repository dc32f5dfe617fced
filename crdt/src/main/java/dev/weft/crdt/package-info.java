/**
 * Weft's sequence CRDT for text: public API.
 *
 * <p>Vocabulary (see docs/INTERNALS.md): an <em>agent</em> is one replica's identity; each operation has an
 * <em>id</em> {@code (agent, seq)}; a <em>version</em> is a {@link dev.weft.crdt.VersionVector}; an
 * <em>update</em> is the binary encoding of a set of items and deletions; <em>originLeft/originRight</em> are an
 * item's neighbours when it was created, <em>left/right</em> its neighbours now.
 */
package dev.weft.crdt;
