package dev.weft.lsp.customservice;

import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.services.LanguageClient;

/** The editor as Weft sees it: a language client plus the server → client {@code weft/…} notifications. */
public interface WeftLanguageClient extends LanguageClient {
    /** {@code weft/status}: connection, room, unsent count, participants; sent on every change. */
    @JsonNotification("weft/status")
    void weftStatus(WeftProtocol.Status status);

    /** {@code weft/remoteCursors}: every remote participant's selections in one document (empty list clears). */
    @JsonNotification("weft/remoteCursors")
    void weftRemoteCursors(WeftProtocol.RemoteCursors cursors);
}
