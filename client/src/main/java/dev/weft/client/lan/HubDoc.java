package dev.weft.client.lan;

import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import java.util.Objects;

/**
 * The node's own replica of one room document: what it serves to the local editor and to peers, and what it keeps
 * in its journal. Confined to the hub's executor.
 */
final class HubDoc {
    /** Document name; immutable. */
    final String name;
    /** The replica; only integrates (never edits locally). */
    final TextDocument replica;
    /** True if changed since the last journal save. */
    boolean dirty;
    /**
     * The replica's version at its last successful journal save (as loaded, for a document read from the journal;
     * empty for a new one): what the node acknowledges as durable, never more.
     */
    VersionVector saved = VersionVector.EMPTY;

    HubDoc(String name, TextDocument replica) {
        this.name = Objects.requireNonNull(name);
        this.replica = Objects.requireNonNull(replica);
    }
}
