package dev.weft.lsp.session;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.lsp4j.MessageType;

/**
 * After a workspace join into a folder whose files differed from the room's ({@code docs/workspace.md}, "Joining
 * into a non-empty folder"): the engine wrote the room's version and kept each local copy beside it as
 * {@code name.weft-local}; this asks the user once, with {@code window/showMessageRequest}, what to do with all of
 * them:
 * <ul>
 *   <li>{@value #KEEP_MINE}: each local copy is put back over the file, and the engine merges it into the room as
 *       edits (three-way against the room's text, as any change made on disk);</li>
 *   <li>{@value #TAKE_ROOMS}: the local copies are deleted;</li>
 *   <li>{@value #OPEN_DIFF}: the local copy and the room's file of each are opened ({@code window/showDocument}) to
 *       compare; the copies stay beside the files;</li>
 *   <li>no answer (dismissed, or an editor that cannot ask): the copies stay beside the files, as with
 *       {@code bin/weft join}.</li>
 * </ul>
 */
final class JoinConflicts {
    private static final Logger LOG = Logger.getLogger(JoinConflicts.class.getName());
    static final String KEEP_MINE = "Keep mine as edits";
    static final String TAKE_ROOMS = "Take the room's";
    static final String OPEN_DIFF = "Open a diff";
    /** Files named in the question, at most. */
    private static final int NAMED = 5;

    private JoinConflicts() {
    }

    /** Asks about every copy the followers collected (blocking up to the editor's answer); no-op if none. */
    static void offer(EditorClient editor, List<WorkspaceFollower> followers) {
        List<String> names = new ArrayList<>();
        for (WorkspaceFollower f : followers) {
            for (String[] k : f.keptAside) {
                names.add(k[0]);
            }
        }
        if (names.isEmpty()) {
            return;
        }
        String list = String.join(", ", names.subList(0, Math.min(NAMED, names.size())))
                + (names.size() > NAMED ? ", …" : "");
        String answer = editor.ask(MessageType.Warning, "Weft: " + names.size() + " local file"
                + (names.size() == 1 ? "" : "s") + " differed from the room's (" + list + "). The room's version is"
                + " on disk and yours is kept beside it as .weft-local.", List.of(KEEP_MINE, TAKE_ROOMS, OPEN_DIFF));
        if (answer == null) {
            return;
        }
        for (WorkspaceFollower f : followers) {
            for (String[] k : List.copyOf(f.keptAside)) {
                try {
                    switch (answer) {
                        case KEEP_MINE -> f.keepMine(k[0], k[1]);
                        case TAKE_ROOMS -> f.takeTheRooms(k[1]);
                        case OPEN_DIFF -> {
                            editor.showDocument(f.dir().resolve(k[1]), false);
                            editor.showDocument(f.dir().resolve(k[0]), true);
                        }
                        default -> {
                            continue;
                        }
                    }
                    if (!answer.equals(OPEN_DIFF)) {
                        f.keptAside.remove(k);
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "could not apply '" + answer + "' to " + k[0], e);
                    editor.show(MessageType.Error, "Weft: could not apply '" + answer + "' to " + k[0] + ": " + e);
                }
            }
        }
    }
}
