package dev.weft.lsp.session;

import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.customservice.WeftProtocol;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.util.concurrent.CompletableFuture;

/**
 * {@code weft.undo} / {@code weft.redo}: undoes or redoes the user's own edits in one shared document.
 *
 * @param room the room the session is in, if any
 * @param open the editor's open documents
 */
record UndoFeature(CurrentRoom room, OpenDocuments open) {
    CompletableFuture<Object> undo(WeftProtocol.UriArgs args, boolean redo) {
        Room r = room.require();
        if (args == null || args.uri == null) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, "weft.undo/weft.redo need {\"uri\": …}");
        }
        DocumentBinding b = open.bindingOf(args.uri);
        if (b == null) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, args.uri + " is not a shared open document");
        }
        if (r.paused) {
            // The binding holds every replica change back from the editor while paused, the undo's own included:
            // the others would see the undo and this editor would not, until resume. Refuse instead.
            throw SessionThread.error(ResponseErrorCode.InvalidRequest, "Weft: incoming changes are paused; resume "
                    + "them before " + (redo ? "redoing" : "undoing") + " your changes");
        }
        return (redo ? b.redo() : b.undo()).thenApply(done -> (Object) done);
    }
}
