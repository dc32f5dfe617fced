package dev.weft.lsp.session;

import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.cursors.CursorService;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code weft.leave} (and shutdown, and joining another room): detaches every binding (the editor keeps its
 * text), clears the remote cursors shown, journals every replica and closes the connection. Files and the
 * journal stay.
 *
 * @param room the room the session is in, if any
 * @param open the editor's open documents
 * @param cursors the remote cursors shown in the editor
 * @param journal writes replicas to the journal
 */
record LeaveFeature(CurrentRoom room, OpenDocuments open, CursorService cursors, JournalScheduler journal) {
    private static final Logger LOG = Logger.getLogger(LeaveFeature.class.getName());

    /** Leaves the current room, if any; runs on the session thread. */
    void leaveNow() {
        Room r = room.get();
        if (r == null) {
            return;
        }
        room.set(null);
        if (r.workspace != null) {
            r.workspace.leave(r, open, cursors);
        }
        for (RoomDocument rd : r.docs.values()) {
            DocumentBinding b = rd.binding;
            if (b != null) {
                b.close();
                try {
                    String[] viewAndVersion = b.call(() -> new String[]{b.view(), Integer.toString(b.viewVersion())})
                            .get(5, TimeUnit.SECONDS);
                    for (OpenDocument od : open.all()) {
                        if (od.binding() == b) {
                            od.unbind(viewAndVersion[0], Integer.parseInt(viewAndVersion[1]));
                        }
                    }
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "could not detach " + rd.name, e);
                }
                cursors.clear(rd, b.uri());
            }
            journal.saveNow(r, rd);
            rd.shared.close();
        }
        r.client.close();
        try {
            r.journal.close();
        } catch (java.io.IOException e) {
            LOG.log(Level.WARNING, "could not release the journal of room " + r.id, e);
        }
    }
}
