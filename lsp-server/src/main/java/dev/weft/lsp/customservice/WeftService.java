package dev.weft.lsp.customservice;

import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.jsonrpc.services.JsonRequest;
import org.eclipse.lsp4j.jsonrpc.services.JsonSegment;

import java.util.concurrent.CompletableFuture;

/** Client → server {@code weft/…} methods. */
@JsonSegment("weft")
public interface WeftService {
    /** {@code weft/selection}: the client's selections in one document at one version. */
    @JsonNotification
    void selection(WeftProtocol.SelectionParams params);

    /** {@code weft/verify}: compare the client's buffer hash with the server's editor view; repair on mismatch. */
    @JsonRequest
    CompletableFuture<WeftProtocol.VerifyResult> verify(WeftProtocol.VerifyParams params);
}
