package dev.weft.lsp.session;

import dev.weft.lsp.binding.DocumentBinding;

/**
 * {@code weft.pause} / {@code weft.resume}: holds incoming changes back from every bound editor, or releases them.
 *
 * @param room the room the session is in, if any
 * @param status sends {@code weft/status} when it changes
 */
record PauseFeature(CurrentRoom room, StatusPublisher status) {
    /** Runs on the session thread. */
    void setPaused(boolean paused) {
        Room r = room.require();
        r.paused = paused;
        for (RoomDocument rd : r.docs.values()) {
            DocumentBinding b = rd.binding;
            if (b != null) {
                b.setPaused(paused);
            }
        }
        status.changed();
    }
}
