package dev.weft.client.workspace;

/**
 * Who owns a shared file's text on this peer: the state machine of one tracked file.
 *
 * <table>
 * <caption>state × event → next state ("—" = refused with {@link IllegalFileTransitionException})</caption>
 * <tr><th></th><th>MATERIALIZED</th><th>EDITOR_OPENED</th><th>EDITOR_CLOSED</th><th>REMOVED</th></tr>
 * <tr><td>PENDING</td><td>MIRRORED</td><td>EDITOR</td><td>—</td><td>GONE</td></tr>
 * <tr><td>MIRRORED</td><td>MIRRORED</td><td>EDITOR</td><td>—</td><td>GONE</td></tr>
 * <tr><td>EDITOR</td><td>—</td><td>—</td><td>MIRRORED</td><td>GONE</td></tr>
 * <tr><td>GONE</td><td>—</td><td>—</td><td>—</td><td>GONE</td></tr>
 * </table>
 *
 * <ul>
 * <li>PENDING: in the tree, not yet on this disk (its content has not arrived).</li>
 * <li>MIRRORED: the engine keeps disk == replica: it writes remote edits and merges disk changes; the file's
 *     {@code base} is the last text known to be on both.</li>
 * <li>EDITOR: an editor's buffer is the truth; the engine neither reads nor writes this disk file (the editor
 *     saves it). On close the disk is read as the new base and the replica's text written if they differ.</li>
 * <li>GONE: deleted or no longer shared; terminal.</li>
 * </ul>
 */
public enum FileOwnership {
    PENDING, MIRRORED, EDITOR, GONE;

    /** What happens to a tracked file. */
    public enum Event {
        MATERIALIZED, EDITOR_OPENED, EDITOR_CLOSED, REMOVED
    }

    /**
     * The transition table above, in one place.
     *
     * @throws IllegalFileTransitionException for a "—" cell
     */
    public FileOwnership on(Event event) {
        FileOwnership next = switch (event) {
            case MATERIALIZED -> this == PENDING || this == MIRRORED ? MIRRORED : null;
            case EDITOR_OPENED -> this == PENDING || this == MIRRORED ? EDITOR : null;
            case EDITOR_CLOSED -> this == EDITOR ? MIRRORED : null;
            case REMOVED -> GONE;
        };
        if (next == null) {
            throw new IllegalFileTransitionException("file in state " + this + " cannot take event " + event);
        }
        return next;
    }

    /** Refused transition of {@link FileOwnership}. */
    public static final class IllegalFileTransitionException extends IllegalStateException {
        public IllegalFileTransitionException(String message) {
            super(message);
        }
    }
}
