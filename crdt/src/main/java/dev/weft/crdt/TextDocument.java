package dev.weft.crdt;

import dev.weft.crdt.model.Assoc;
import dev.weft.crdt.model.IdRun;
import dev.weft.crdt.model.IdSet;
import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.MalformedUpdateException;
import dev.weft.crdt.model.RelativePosition;
import dev.weft.crdt.model.TextChange;
import dev.weft.crdt.model.UpdateTooLargeException;
import dev.weft.crdt.model.VersionVector;
import dev.weft.crdt.codec.DecodedUpdate;
import dev.weft.crdt.codec.UpdateDecoder;
import dev.weft.crdt.internal.Replica;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A replica of one shared text document: a sequence CRDT over UTF-16 code units.
 *
 * <p>Every character has an id {@code (agent, seq)}; seqs of one agent are contiguous from 0, so the set of
 * operations a replica has seen is summarised by a {@link VersionVector} (agent → next seq). Local edits
 * return the encoded update they produced; remote updates are integrated with {@link #applyUpdate(byte[])},
 * which buffers updates whose dependencies have not arrived yet and integrates them when they do.
 *
 * <pre>{@code
 * TextDocument a = new TextDocument(1), b = new TextDocument(2);
 * byte[] u = a.insert(0, "hi").update();   // a: "hi"
 * b.applyUpdate(u);                        // b: "hi", b.version() equals a.version()
 * }</pre>
 *
 * <p>Not thread-safe: callers confine each replica to one thread (the language server uses one serial executor
 * per document).
 */
public final class TextDocument {
    /** Options given at construction; immutable. */
    private final Options options;
    /** The replica state; replaced wholesale when a snapshot is loaded into a pristine document. */
    private Replica replica;

    /**
     * Creates an empty replica whose local edits are attributed to {@code agent}.
     *
     * @param agent this replica's agent id, {@code >= 0}; must be unique among all replicas that ever edit the
     *              document (callers pick a random 53-bit value, or reuse a journaled one together with the
     *              journaled state)
     */
    public TextDocument(long agent) {
        this(agent, Options.DEFAULT);
    }

    /** Creates an empty replica with explicit options (e.g. garbage collection of deleted content). */
    public TextDocument(long agent, Options options) {
        this.options = Objects.requireNonNull(options, "options");
        this.replica = new Replica(agent, options.gc());
    }

    /** This replica's agent id. Local edits get ids {@code (agent(), seq)} with seq continuing from {@code version().get(agent())}. */
    public long agent() {
        return replica.agent();
    }

    /** The current visible text. */
    public String getText() {
        return replica.text();
    }

    /**
     * Every character ever inserted and integrated, in document order, as runs of consecutive ids: visible ones
     * and tombstones. Concatenating the {@code text} of the non-deleted runs gives {@link #getText()}; the agent
     * of each visible character is who typed it. Adjacent runs are not necessarily merged. O(items).
     */
    public List<IdRun> runs() {
        return replica.runs();
    }

    /** Visible length in UTF-16 code units. O(1). */
    public int length() {
        return replica.length();
    }

    /**
     * Inserts {@code text} at UTF-16 offset {@code pos} as a local edit.
     *
     * @return the edit: its encoded update (to send to others), the ids it created and its positional changes
     * @throws IndexOutOfBoundsException if {@code pos} is outside {@code [0, length()]}
     * @throws IllegalArgumentException if {@code pos} falls between the two halves of a surrogate pair
     */
    public LocalEdit insert(int pos, String text) {
        return replica.insert(pos, Objects.requireNonNull(text, "text"));
    }

    /**
     * Deletes {@code length} UTF-16 code units starting at {@code pos} as a local edit.
     *
     * @throws IndexOutOfBoundsException if the range is outside the document
     * @throws IllegalArgumentException if either end of the range splits a surrogate pair
     */
    public LocalEdit delete(int pos, int length) {
        return replica.delete(pos, length);
    }

    /**
     * Integrates a remote update (from {@link LocalEdit#update()}, {@link #encodeStateAsUpdate()} or
     * {@link #encodeDiff(VersionVector)}). Idempotent: already-known operations are ignored. Operations whose
     * dependencies are missing are buffered, never dropped, and integrated as soon as the dependencies arrive.
     *
     * @return the positional changes this call caused, in order, each relative to the text after the previous
     *         one (including changes from previously buffered updates that became integrable); empty if none
     * @throws MalformedUpdateException if the bytes are not a valid update; the replica is then unchanged
     */
    public List<TextChange> applyUpdate(byte[] update) {
        return applyDecoded(UpdateDecoder.decode(update));
    }

    /**
     * {@link #applyUpdate(byte[])} for bytes from an untrusted peer: refuses an update that would decode to more
     * than {@code maxDecodedLength} (inflated bytes, content units or item-table entries; see
     * {@link UpdateDecoder#decode(byte[], int)}) before allocating it.
     *
     * @throws UpdateTooLargeException if it would decode to more; the replica is then unchanged
     * @throws MalformedUpdateException if the bytes are not a valid update; the replica is then unchanged
     */
    public List<TextChange> applyUpdate(byte[] update, int maxDecodedLength) {
        return applyDecoded(UpdateDecoder.decode(update, maxDecodedLength));
    }

    /**
     * Integrates an update already decoded (and so validated) by {@link UpdateDecoder}, e.g. by a caller that
     * looked at its size first; otherwise like {@link #applyUpdate(byte[])}.
     */
    public List<TextChange> applyDecoded(DecodedUpdate u) {
        if (u.snapshot && replica.isPristine()) {
            List<TextChange> changes = new ArrayList<>();
            replica = Replica.load(u, replica.agent(), options.gc(), changes);
            return List.copyOf(changes);
        }
        return replica.apply(u);
    }

    /**
     * Replaces this replica's whole state with {@code state} (an update, typically another replica's
     * {@link #encodeStateAsUpdate()}) under a new agent id: the repair for a replica that diverged from the room
     * although its version equals the room's (two live replicas once shared an agent id, so the same ids name
     * different characters here and there; merging cannot fix that, only adopting the room's state can).
     * Operations only this replica had are dropped; callers make sure none of them is unsent.
     *
     * <pre>{@code
     * List<TextChange> c = d.replaceState(freshAgent, relayState);   // d.getText() is now the relay's text
     * }</pre>
     *
     * @param newAgent the agent id for later local edits; must be unused in the document
     * @return the change from the old text to the new one (at most a deletion then an insertion, around the
     *         common prefix and suffix, never splitting a surrogate pair); empty if the text is unchanged
     * @throws MalformedUpdateException if {@code state} is not a valid update; this replica is then unchanged
     */
    public List<TextChange> replaceState(long newAgent, byte[] state) {
        DecodedUpdate u = UpdateDecoder.decode(state);
        Replica fresh = new Replica(newAgent, options.gc());
        if (u.snapshot) {
            fresh = Replica.load(u, newAgent, options.gc(), new ArrayList<>());
        } else {
            fresh.apply(u);
        }
        String before = replica.text();
        replica = fresh;
        String after = replica.text();
        int prefix = 0;
        int max = Math.min(before.length(), after.length());
        while (prefix < max && before.charAt(prefix) == after.charAt(prefix)) {
            prefix++;
        }
        if (prefix > 0 && Character.isHighSurrogate(before.charAt(prefix - 1))) {
            prefix--;
        }
        int suffix = 0;
        while (suffix < max - prefix
                && before.charAt(before.length() - 1 - suffix) == after.charAt(after.length() - 1 - suffix)) {
            suffix++;
        }
        if (suffix > 0 && Character.isLowSurrogate(before.charAt(before.length() - suffix))) {
            suffix--;
        }
        List<TextChange> changes = new ArrayList<>(2);
        int deleted = before.length() - prefix - suffix;
        String inserted = after.substring(prefix, after.length() - suffix);
        if (deleted > 0) {
            changes.add(TextChange.delete(prefix, deleted));
        }
        if (!inserted.isEmpty()) {
            changes.add(TextChange.insert(prefix, inserted));
        }
        return List.copyOf(changes);
    }

    /** A snapshot of the operations integrated so far (buffered, not-yet-integrable ones excluded). */
    public VersionVector version() {
        return replica.version();
    }

    /** True while some received operations wait for missing dependencies. */
    public boolean hasPendingUpdates() {
        return replica.hasPending();
    }

    /** The whole state (all items, tombstones and delete set) as one update; loading it into a fresh replica reproduces this one's text and version. */
    public byte[] encodeStateAsUpdate() {
        return replica.encodeState();
    }

    /**
     * Everything this replica has that a replica at {@code theirs} lacks: the items with ids not covered by
     * {@code theirs}, plus the delete set. Applying it to a replica at {@code theirs} brings it to at least
     * this replica's version.
     */
    public byte[] encodeDiff(VersionVector theirs) {
        return replica.encodeDiff(Objects.requireNonNull(theirs, "theirs"));
    }

    /**
     * {@link #encodeDiff(VersionVector)} as a list of updates of at most {@code maxBytes} bytes each, to send (and
     * apply) in order: for transports that limit one message (the sync protocol's {@code WireLimits.MAX_UPDATE_BYTES}).
     * A diff that fits is returned as one update. Items are split where needed, never inside a surrogate pair.
     *
     * @throws IllegalArgumentException if {@code maxBytes} is under a few hundred bytes
     */
    public List<byte[]> encodeDiff(VersionVector theirs, int maxBytes) {
        return replica.encodeDiffChunks(Objects.requireNonNull(theirs, "theirs"), maxBytes);
    }

    /**
     * A position that stays attached to the character at {@code offset} (or, with {@link Assoc#BEFORE}, to the
     * one before it) while others edit around it; for cursors and selections.
     */
    public RelativePosition relativePosition(int offset, Assoc assoc) {
        return replica.relativePosition(offset, Objects.requireNonNull(assoc, "assoc"));
    }

    /**
     * Current UTF-16 offset of a relative position; if its character was deleted, the offset where it stood.
     *
     * @return the offset, or {@code -1} if this replica does not know the position's id yet
     */
    public int resolve(RelativePosition position) {
        return replica.resolve(position);
    }

    /**
     * Selective undo of an insert: deletes those characters among {@code ids} that are still visible, as a new
     * local edit. Characters others inserted in between are untouched.
     */
    public LocalEdit deleteIds(IdSet ids) {
        return replica.deleteIds(ids);
    }

    /**
     * Selective undo of a delete: re-inserts, as new local items, the same characters that {@code deletedIds}
     * held, each at the place its tombstone stands (so text others typed around them stays where it was).
     * Ids in {@code deletedIds} that are still visible are skipped.
     *
     * @throws IllegalStateException if the content of some of those ids was garbage-collected
     */
    public LocalEdit restore(IdSet deletedIds) {
        return replica.restore(deletedIds);
    }

    /**
     * Throws {@link IllegalStateException} naming the first violated invariant of the internal structures
     * (item links, run-length encoding, indexes, lengths, version, delete set). Tests call it after every step.
     */
    public void checkInvariants() {
        replica.checkInvariants();
    }

    /** Replica options. */
    public record Options(boolean gc) {
        /** No garbage collection: deleted content is kept (needed for {@link #restore(IdSet)}). */
        public static final Options DEFAULT = new Options(false);
    }
}
