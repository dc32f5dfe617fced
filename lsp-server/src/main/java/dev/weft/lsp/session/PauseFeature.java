package dev.weft.lsp.session;

import dev.weft.lsp.binding.DocumentBinding;

/** {@code weft.pause} / {@code weft.resume}: holds incoming changes back from every bound editor, or releases them. */
final class PauseFeature {
    private final CurrentRoom room;
    private final StatusPublisher status;

    PauseFeature(CurrentRoom room, StatusPublisher status) {
        this.room = room;
        this.status = status;
    }

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
