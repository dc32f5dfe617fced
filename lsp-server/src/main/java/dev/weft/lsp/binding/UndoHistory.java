package dev.weft.lsp.binding;

import dev.weft.crdt.model.IdSet;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * The user's own edit groups for one document, for selective undo/redo that leaves collaborators' edits alone.
 *
 * <p>A group collects the ids a run of local edits inserted and deleted. Edits join the current group like an
 * editor groups typing: a new group starts after a pause of {@link #GROUP_PAUSE_NANOS} or more, when the kind
 * of edit changes (typing vs deleting), or at a word boundary (whitespace typed after a non-whitespace
 * character). Undoing a group deletes its inserted ids that are still visible and restores its deleted ids; the
 * ids that undo created/deleted form the redo group, and redoing is undoing that.
 */
public final class UndoHistory {
    /** Edits further apart than this start a new group (500 ms). */
    public static final long GROUP_PAUSE_NANOS = 500_000_000L;

    /**
     * One undoable unit. Immutable.
     *
     * @param inserted ids the group's edits created
     * @param deleted  ids the group's edits deleted
     */
    public record Group(IdSet inserted, IdSet deleted) {
        Group plus(IdSet ins, IdSet del) {
            return new Group(inserted.union(ins), deleted.union(del));
        }

        boolean isEmpty() {
            return inserted.isEmpty() && deleted.isEmpty();
        }
    }

    /** Undoable groups, newest first. */
    private final Deque<Group> undo = new ArrayDeque<>();
    /** Redoable groups, newest first; cleared by any new local edit. */
    private final Deque<Group> redo = new ArrayDeque<>();
    /** Source of monotonic time in nanoseconds; immutable (tests inject a fake). */
    private final LongSupplier clock;
    /** When the last edit was added to the open group; meaningless if {@link #open} is false. */
    private long lastEditNanos;
    /** True if the newest undo group still accepts edits. */
    private boolean open;
    /** Kind of the open group's edits: true = typing, false = deleting. */
    private boolean openIsInsert;
    /** Last character typed into the open group (for word boundaries), or 0. */
    private char lastTyped;

    public UndoHistory(LongSupplier clock) {
        this.clock = clock;
    }

    /** Records a local edit made in the editor; {@code text} is what it inserted ("" for deletes). */
    public void recordEdit(IdSet inserted, IdSet deleted, String text) {
        if (inserted.isEmpty() && deleted.isEmpty()) {
            return;
        }
        redo.clear();
        long now = clock.getAsLong();
        boolean isInsert = !inserted.isEmpty();
        boolean boundary = isInsert && !text.isEmpty() && Character.isWhitespace(text.charAt(0))
                && lastTyped != 0 && !Character.isWhitespace(lastTyped);
        boolean join = open && !undo.isEmpty() && now - lastEditNanos < GROUP_PAUSE_NANOS
                && openIsInsert == isInsert && !(isInsert && !deleted.isEmpty()) && !boundary;
        if (join) {
            undo.push(undo.pop().plus(inserted, deleted));
        } else {
            undo.push(new Group(inserted, deleted));
        }
        open = true;
        openIsInsert = isInsert;
        lastEditNanos = now;
        lastTyped = text.isEmpty() ? 0 : text.charAt(text.length() - 1);
    }

    /** Closes the open group so the next edit starts a new one (after an undo/redo, or when asked). */
    public void closeGroup() {
        open = false;
        lastTyped = 0;
    }

    /** The newest undoable group, removed; null if none. */
    public Group popUndo() {
        closeGroup();
        return undo.poll();
    }

    /** The newest redoable group, removed; null if none. */
    public Group popRedo() {
        closeGroup();
        return redo.poll();
    }

    /** Records the group an undo produced (so it can be redone). */
    public void pushRedo(Group g) {
        if (!g.isEmpty()) {
            redo.push(g);
        }
    }

    /** Records the group a redo produced (so it can be undone again), keeping the redo stack. */
    public void pushUndo(Group g) {
        if (!g.isEmpty()) {
            undo.push(g);
        }
    }

    public int undoDepth() {
        return undo.size();
    }

    public int redoDepth() {
        return redo.size();
    }
}
