package dev.weft.crdt.model;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The result of one local edit on a {@code TextDocument}: the ids it created or deleted, its positional changes
 * and its encoded update.
 *
 * <p>The update is encoded on the first call to {@link #update()} (then kept), not by the edit itself, so a caller
 * that never sends it (a batch of edits followed by one {@code encodeDiff}, a benchmark of the editing itself)
 * does not pay for it. Call {@code update()} where the document is used (same thread or lock, like every other
 * {@code TextDocument} method): the encoding reuses the document's encoder. The bytes do not depend on when they
 * are asked for: they describe exactly this edit.
 */
public final class LocalEdit {
    /**
     * Encodes a local insert's update from the fields the edit keeps (one instance per document, so an insert
     * allocates no encoder of its own).
     */
    @FunctionalInterface
    public interface InsertEncoder {
        /** The update of units {@code text} with ids {@code (agent, seq ..)} and the given origins (negative agent: absent). */
        byte[] encode(long agent, long seq, String text, long olAgent, int olSeq, long orAgent, int orSeq);
    }

    /** Encodes the update of a local delete of the one id range {@code (agent, seq .. seq + length - 1)}; one per document. */
    @FunctionalInterface
    public interface RangeEncoder {
        byte[] encode(long agent, long seq, int length);
    }

    /**
     * Produces the update on first use: a {@code Supplier<byte[]>}, an {@link InsertEncoder} (reading
     * {@link #agent}, {@link #seq}, {@link #text} and the origins) or a {@link RangeEncoder} (reading {@link #agent},
     * {@link #seq}, {@link #length}); null once {@link #update} is set.
     */
    private Object encoder;
    /** The encoded update, or null until first asked for. */
    private byte[] update;
    /** Ids of the characters this edit created (empty for deletes); null until built for an {@link #insertion}. */
    private IdSet inserted;
    /** Ids of the characters this edit deleted (empty for inserts); null until built for a {@link #deletionOfRange}. */
    private IdSet deleted;
    /** The positional changes the edit made to this replica's text, in order; null until built for an
     *  {@link #insertion} or {@link #deletion}. */
    private List<TextChange> changes;
    /** {@link #insertion} / {@link #deletionOfRange} only: the agent and first seq of the inserted (deleted) ids. */
    private long agent, seq;
    /** {@link #insertion} / {@link #deletion} only: offset of the edit; inserted text, or null for a deletion. */
    private int pos;
    private String text;
    /** {@link #deletion} / {@link #deletionOfRange} only: number of units deleted at {@link #pos}. */
    private int length;
    /** {@link #insertion} only: the inserted run's originLeft and originRight (negative agent: absent). */
    private long olAgent, orAgent;
    private int olSeq, orSeq;

    /**
     * An edit whose update is already encoded.
     *
     * @param update   the encoded update to send to other replicas (contains exactly this edit)
     * @param inserted ids of the characters this edit created (empty for deletes)
     * @param deleted  ids of the characters this edit deleted (empty for inserts)
     * @param changes  the positional changes the edit made to this replica's text, in order
     */
    public LocalEdit(byte[] update, IdSet inserted, IdSet deleted, List<TextChange> changes) {
        this.update = Objects.requireNonNull(update, "update");
        this.inserted = inserted;
        this.deleted = deleted;
        this.changes = changes;
    }

    private LocalEdit(Object encoder, IdSet inserted, IdSet deleted, List<TextChange> changes) {
        this.encoder = encoder;
        this.inserted = inserted;
        this.deleted = deleted;
        this.changes = changes;
    }

    /**
     * An edit whose update {@code encoder} produces when first asked for; {@code encoder} is called at most once
     * and must return the same bytes whenever it is called.
     */
    public static LocalEdit encodedOnDemand(Supplier<byte[]> encoder, IdSet inserted, IdSet deleted,
                                            List<TextChange> changes) {
        return new LocalEdit(Objects.requireNonNull(encoder, "encoder"), inserted, deleted, changes);
    }

    /**
     * A local insert of {@code text} at offset {@code pos} whose characters got the ids {@code (agent, seq ..)} and
     * the origins {@code (olAgent, olSeq)}, {@code (orAgent, orSeq)}: {@link #inserted()} and {@link #changes()} are
     * built when first asked for, the update by {@code encoder} from these fields.
     */
    public static LocalEdit insertion(InsertEncoder encoder, long agent, long seq, int pos, String text,
                                      long olAgent, int olSeq, long orAgent, int orSeq) {
        LocalEdit e = new LocalEdit(Objects.requireNonNull(encoder, "encoder"), null, IdSet.EMPTY, null);
        e.agent = agent;
        e.seq = seq;
        e.pos = pos;
        e.text = text;
        e.olAgent = olAgent;
        e.olSeq = olSeq;
        e.orAgent = orAgent;
        e.orSeq = orSeq;
        return e;
    }

    /**
     * A local delete of {@code length} units at offset {@code pos} that deleted {@code deleted}: {@link #changes()}
     * is built when first asked for, the update by {@code encoder}.
     */
    public static LocalEdit deletion(Supplier<byte[]> encoder, IdSet deleted, int pos, int length) {
        LocalEdit e = new LocalEdit(Objects.requireNonNull(encoder, "encoder"), IdSet.EMPTY, deleted, null);
        e.pos = pos;
        e.length = length;
        return e;
    }

    /**
     * A local delete of {@code length} units at offset {@code pos} whose ids are the one range {@code (agent, seq ..
     * seq + length - 1)}: {@link #deleted()} and {@link #changes()} are built when first asked for, the update by
     * {@code encoder}.
     */
    public static LocalEdit deletionOfRange(RangeEncoder encoder, long agent, long seq, int pos, int length) {
        LocalEdit e = new LocalEdit(Objects.requireNonNull(encoder, "encoder"), IdSet.EMPTY, null, null);
        e.agent = agent;
        e.seq = seq;
        e.pos = pos;
        e.length = length;
        return e;
    }

    /** The encoded update to send to other replicas (contains exactly this edit); encoded on the first call. */
    public byte[] update() {
        if (update == null) {
            Object e = encoder;
            if (e instanceof InsertEncoder ie) {
                update = ie.encode(agent, seq, text, olAgent, olSeq, orAgent, orSeq);
            } else if (e instanceof RangeEncoder re) {
                update = re.encode(agent, seq, length);
            } else {
                @SuppressWarnings("unchecked")
                Supplier<byte[]> supplier = (Supplier<byte[]>) e;
                update = supplier.get();
            }
            encoder = null;
        }
        return update;
    }

    /** Ids of the characters this edit created (empty for deletes). */
    public IdSet inserted() {
        if (inserted == null) {
            inserted = IdSet.range(agent, seq, seq + text.length());
        }
        return inserted;
    }

    /** Ids of the characters this edit deleted (empty for inserts). */
    public IdSet deleted() {
        if (deleted == null) {
            deleted = IdSet.range(agent, seq, seq + length);
        }
        return deleted;
    }

    /** The positional changes the edit made to this replica's text, in order. */
    public List<TextChange> changes() {
        if (changes == null) {
            changes = List.of(text != null ? TextChange.insert(pos, text) : TextChange.delete(pos, length));
        }
        return changes;
    }

    @Override
    public String toString() {
        return "LocalEdit[inserted=" + inserted() + ", deleted=" + deleted() + ", changes=" + changes() + "]";
    }
}
