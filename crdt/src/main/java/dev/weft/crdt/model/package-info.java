/**
 * The CRDT's value types, shared by the replica and by every module that syncs it: {@code VersionVector} (agent →
 * next seq), {@code IdSet} (sets of ids, e.g. what an undo deletes), {@code RelativePosition} and {@code Assoc}
 * (cursors that stay on their character), {@code TextChange} and {@code LocalEdit} (what an edit did), the typed
 * errors of bad updates, and {@code Varint}, the variable-length integer encoding their binary forms use. Depends on
 * nothing but the JDK; the rest of the CRDT builds on it.
 */
package dev.weft.crdt.model;
