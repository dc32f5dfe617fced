package dev.weft.lsp.session;

import dev.weft.lsp.binding.DocumentBinding;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.nio.file.Path;

/** The room this server is in, if any: at most one at a time. Thread-safe (a volatile reference). */
final class CurrentRoom {
    /** The room, or null outside a session. */
    private volatile Room room;

    Room get() {
        return room;
    }

    void set(Room r) {
        room = r;
    }

    /** @throws org.eclipse.lsp4j.jsonrpc.ResponseErrorException {@code InvalidRequest} outside a session */
    Room require() {
        Room r = room;
        if (r == null) {
            throw SessionThread.error(ResponseErrorCode.InvalidRequest,
                    "not in a Weft session (use weft.share or weft.join)");
        }
        return r;
    }

    /** The room document materialised at {@code uri}'s path, or null. */
    RoomDocument byUri(String uri) {
        Room r = room;
        if (r == null) {
            return null;
        }
        Path p;
        try {
            p = WorkspaceNames.pathOf(uri);
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (RoomDocument rd : r.docs.values()) {
            if (p.equals(rd.localPath)) {
                return rd;
            }
        }
        return null;
    }

    /** The room document a binding belongs to, or null. */
    RoomDocument byBinding(DocumentBinding b) {
        Room r = room;
        if (r == null || b == null) {
            return null;
        }
        for (RoomDocument rd : r.docs.values()) {
            if (rd.binding == b) {
                return rd;
            }
        }
        return null;
    }
}
