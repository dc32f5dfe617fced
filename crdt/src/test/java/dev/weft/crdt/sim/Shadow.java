package dev.weft.crdt.sim;

import dev.weft.crdt.model.TextChange;
import java.util.List;

/**
 * A plain-text copy of a replica kept up to date only from the {@link TextChange}s the replica reports — the
 * way the editor binding keeps an editor buffer. Comparing it with {@code getText()} proves the change events
 * are complete and correctly ordered.
 */
public final class Shadow {
    /** The text as rebuilt from change events; mutable. */
    private final StringBuilder text;

    public Shadow() {
        this("");
    }

    public Shadow(String initial) {
        this.text = new StringBuilder(initial);
    }

    /**
     * Applies {@code changes} in order. Each change must lie inside the current text and be either a pure
     * insert or a pure delete (the contract of {@link TextChange} for changes the CRDT reports).
     *
     * @throws AssertionError naming the offending change otherwise
     */
    public void apply(List<TextChange> changes) {
        for (TextChange c : changes) {
            apply(c);
        }
    }

    /** Applies one change; see {@link #apply(List)}. */
    public void apply(TextChange c) {
        if (c.offset() < 0 || c.deleteLength() < 0 || c.offset() + c.deleteLength() > text.length()) {
            throw new AssertionError("change " + c + " out of range for shadow of length " + text.length());
        }
        boolean ins = !c.insertText().isEmpty();
        boolean del = c.deleteLength() > 0;
        if (ins == del) {
            throw new AssertionError("change " + c + " must be exactly one of insert or delete");
        }
        if (del) {
            text.delete(c.offset(), c.offset() + c.deleteLength());
        } else {
            text.insert(c.offset(), c.insertText());
        }
    }

    public String text() {
        return text.toString();
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
