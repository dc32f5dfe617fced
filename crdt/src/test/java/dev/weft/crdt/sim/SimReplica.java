package dev.weft.crdt.sim;

import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.TextChange;
import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated participant: a {@link TextDocument}, the {@link Shadow} an editor would hold, its connectivity,
 * and its typing state (a cursor that moves like a person typing forwards, backwards or deleting).
 */
public final class SimReplica {
    /** Index in the network; immutable. */
    public final int index;
    /** The replica under test; immutable reference. */
    public final TextDocument doc;
    /** Whether the replica garbage-collects deleted content; immutable. */
    public final boolean gc;
    /** Text rebuilt from change events only; mutable. */
    public final Shadow shadow = new Shadow();
    /** Own edits, for selective undo/redo; mutable. */
    public final List<LocalEdit> history = new ArrayList<>();

    /** False while the replica is disconnected: it neither sends nor receives; mutable. */
    boolean online = true;
    /** Partition group; replicas only exchange messages within a group; mutable. */
    int group;
    /** Where the simulated user types next; shifted by remote changes like an editor cursor; mutable. */
    int cursor;
    /** Current typing mode and how many more keystrokes it lasts; mutable. */
    Mode mode = Mode.FORWARD;
    int runLeft;

    /** How a simulated user is typing right now. */
    enum Mode { FORWARD, BACKWARD, BACKSPACE, DELETE_FORWARD, RANGE_DELETE, PASTE }

    SimReplica(int index, long agent, boolean gc) {
        this.index = index;
        this.gc = gc;
        this.doc = new TextDocument(agent, new TextDocument.Options(gc));
    }

    /** Applies a local edit's changes to the shadow and records the edit. */
    void recordLocal(LocalEdit edit) {
        shadow.apply(edit.changes());
        history.add(edit);
    }

    /**
     * Applies a remote update and checks the replica's contract: the reported changes rebuild the text and
     * the version never moves backwards.
     */
    List<TextChange> receive(byte[] update) {
        VersionVector before = doc.version();
        List<TextChange> changes = doc.applyUpdate(update);
        shadow.apply(changes);
        for (TextChange c : changes) {
            if (c.isInsert()) {
                if (c.offset() < cursor) {
                    cursor += c.insertText().length();
                }
            } else if (c.offset() < cursor) {
                cursor = Math.max(c.offset(), cursor - c.deleteLength());
            }
        }
        VersionVector after = doc.version();
        if (!after.covers(before)) {
            throw new AssertionError("replica " + index + " version went backwards: " + before.asMap()
                + " -> " + after.asMap());
        }
        return changes;
    }

    /** Runs {@code checkInvariants()} and compares text, shadow and UTF-16 well-formedness. */
    void check(String context) {
        try {
            doc.checkInvariants();
        } catch (IllegalStateException e) {
            throw new AssertionError(context + ": replica " + index + " invariant violated: " + e.getMessage(), e);
        }
        String text = doc.getText();
        if (!text.equals(shadow.text())) {
            throw new AssertionError(context + ": replica " + index + " change events diverge from getText()\n"
                + "  text:   " + quote(text) + "\n  shadow: " + quote(shadow.text()));
        }
        if (doc.length() != text.length()) {
            throw new AssertionError(context + ": replica " + index + " length() " + doc.length()
                + " != getText().length() " + text.length());
        }
        TextGen.assertWellFormed(text, context + ": replica " + index);
    }

    static String quote(String s) {
        return s.length() > 400 ? "\"" + s.substring(0, 400) + "\"...(" + s.length() + " units)" : "\"" + s + "\"";
    }

    @Override
    public String toString() {
        return "r" + index + (gc ? "(gc)" : "") + (online ? "" : "[offline]") + " g" + group;
    }
}
