package dev.weft.lsp.session;

import dev.weft.lsp.binding.PositionEncoding;
import dev.weft.lsp.customservice.WeftLanguageClient;
import org.eclipse.lsp4j.ApplyWorkspaceEditParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ShowDocumentParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentEdit;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The editor as the session's features use it: what {@code initialize} said it can do (the capability flags and
 * the negotiated position encoding) and the few calls the server makes to it. Every call is a no-op (or a
 * negative answer) before the editor is connected.
 */
public final class EditorClient {
    /** The editor; null until the launcher connects it. */
    private volatile WeftLanguageClient client;
    /** Negotiated in {@code initialize}; UTF-16 until then. */
    private volatile PositionEncoding encoding = PositionEncoding.UTF16;
    /** The client handles {@code window/showDocument}. */
    private volatile boolean supportsShowDocument;
    /** The client handles {@code window/showMessageRequest} (assumed unless it says otherwise). */
    private volatile boolean supportsShowMessageRequest = true;
    /** The client handles {@code workspace/inlayHint/refresh}. */
    private volatile boolean supportsInlayRefresh;

    void connect(WeftLanguageClient c) {
        this.client = c;
    }

    void configure(PositionEncoding enc, boolean showDocument, boolean showMessageRequest, boolean inlayRefresh) {
        this.encoding = enc;
        this.supportsShowDocument = showDocument;
        this.supportsShowMessageRequest = showMessageRequest;
        this.supportsInlayRefresh = inlayRefresh;
    }

    public WeftLanguageClient client() {
        return client;
    }

    public PositionEncoding encoding() {
        return encoding;
    }

    public boolean supportsInlayRefresh() {
        return supportsInlayRefresh;
    }

    /** True if the user can be asked a question ({@link #ask}). */
    boolean canAsk() {
        return supportsShowMessageRequest && client != null;
    }

    /** Sends one versioned {@code workspace/applyEdit}; completes with whether the editor applied it. */
    CompletableFuture<Boolean> applyEdit(String uri, int version, Range range, String text) {
        WeftLanguageClient c = client;
        if (c == null) {
            return CompletableFuture.completedFuture(false);
        }
        TextDocumentEdit tde = new TextDocumentEdit(new VersionedTextDocumentIdentifier(uri, version),
                List.of(Either.forLeft(new TextEdit(range, text))));
        WorkspaceEdit we = new WorkspaceEdit(List.of(Either.forLeft(tde)));
        return c.applyEdit(new ApplyWorkspaceEditParams(we)).thenApply(res -> res != null && res.isApplied());
    }

    /** Shows a message ({@code window/showMessage}). */
    void show(MessageType type, String message) {
        WeftLanguageClient c = client;
        if (c != null) {
            c.showMessage(new MessageParams(type, message));
        }
    }

    /** Asks the editor to open a file ({@code window/showDocument}), if it can. */
    void showDocument(Path path, boolean focus) {
        WeftLanguageClient c = client;
        if (supportsShowDocument && c != null) {
            ShowDocumentParams p = new ShowDocumentParams(WorkspaceNames.uriOf(path));
            p.setTakeFocus(focus);
            c.showDocument(p);
        }
    }

    /**
     * Asks the user ({@code window/showMessageRequest}, waiting up to 5 minutes).
     *
     * @return the chosen action's title, or null if the editor cannot ask, the user dismissed it or did not answer
     */
    String ask(MessageType type, String message, List<String> actions) {
        WeftLanguageClient c = client;
        if (!canAsk()) {
            return null;
        }
        List<MessageActionItem> items = new ArrayList<>();
        for (String a : actions) {
            items.add(new MessageActionItem(a));
        }
        ShowMessageRequestParams p = new ShowMessageRequestParams(items);
        p.setType(type);
        p.setMessage(message);
        try {
            MessageActionItem answer = c.showMessageRequest(p).get(5, TimeUnit.MINUTES);
            return answer == null ? null : answer.getTitle();
        } catch (Exception e) {
            return null;
        }
    }
}
