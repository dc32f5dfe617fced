package dev.weft.lsp;

import dev.weft.lsp.binding.LatencyTrace;
import dev.weft.lsp.session.SessionManager;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.DocumentHighlight;
import org.eclipse.lsp4j.DocumentHighlightParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InlayHint;
import org.eclipse.lsp4j.InlayHintParams;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.services.TextDocumentService;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Shell for {@code textDocument/…}: routes to the session (which routes to document bindings). */
final class WeftTextDocumentService implements TextDocumentService {
    private final SessionManager session;

    WeftTextDocumentService(SessionManager session) {
        this.session = session;
    }

    @Override
    public void didOpen(DidOpenTextDocumentParams params) {
        TextDocumentItem d = params.getTextDocument();
        session.didOpen(d.getUri(), d.getLanguageId(), d.getText(), d.getVersion());
    }

    @Override
    public void didChange(DidChangeTextDocumentParams params) {
        LatencyTrace.mark("recv", params.getTextDocument().getUri(), -1, params.getTextDocument().getVersion());
        session.didChange(params.getTextDocument().getUri(), params.getTextDocument().getVersion(),
                params.getContentChanges());
    }

    @Override
    public void didClose(DidCloseTextDocumentParams params) {
        session.didClose(params.getTextDocument().getUri());
    }

    @Override
    public void didSave(DidSaveTextDocumentParams params) {
        // Saving is the editor's business; the replica and journal are independent of the file on disk.
    }

    /**
     * Plain LSP clients (no Weft plugin) send this where the caret is, on each caret move in many editors: the
     * position becomes the user's caret for the others. Weft itself highlights nothing.
     */
    @Override
    public CompletableFuture<List<? extends DocumentHighlight>> documentHighlight(DocumentHighlightParams params) {
        session.cursors().onPositionRequest(params.getTextDocument().getUri(), params.getPosition());
        return CompletableFuture.completedFuture(List.of());
    }

    /**
     * Like {@link #documentHighlight}: the hovered position (the caret, for keyboard hover) is the user's caret. In
     * a shared workspace in a git repository the hover names who typed the line's uncommitted characters.
     */
    @Override
    public CompletableFuture<Hover> hover(HoverParams params) {
        return session.hover(params.getTextDocument().getUri(), params.getPosition());
    }

    @Override
    public CompletableFuture<List<InlayHint>> inlayHint(InlayHintParams params) {
        return CompletableFuture.completedFuture(
                session.cursors().inlayHints(params.getTextDocument().getUri(), params.getRange()));
    }
}
