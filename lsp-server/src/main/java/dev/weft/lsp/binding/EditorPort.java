package dev.weft.lsp.binding;

import org.eclipse.lsp4j.Range;

import java.util.concurrent.CompletableFuture;

/** The editor side of a binding: how the server changes the editor's buffer ({@code workspace/applyEdit}). */
public interface EditorPort {
    /**
     * Asks the editor to replace {@code range} of document {@code uri} by {@code newText}, only if the buffer is
     * still at {@code version} (a {@code VersionedTextDocumentIdentifier}).
     *
     * @return completes with the editor's {@code applied} answer; completes exceptionally if the request failed
     *         (both mean "not applied" unless an echo proves otherwise). Completion may happen on any thread.
     */
    CompletableFuture<Boolean> applyEdit(String uri, int version, Range range, String newText);

    /** Shows {@code message} to the user as a warning ({@code window/showMessage}). Default: nothing. */
    default void warnUser(String message) {
    }
}
