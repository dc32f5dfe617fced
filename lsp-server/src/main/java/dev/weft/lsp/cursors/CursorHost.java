package dev.weft.lsp.cursors;

import dev.weft.lsp.customservice.WeftLanguageClient;

import java.util.Collection;

/**
 * The narrow view of the session the cursors feature gets (never the session itself, so {@code cursors} does not
 * depend on {@code session}).
 */
public interface CursorHost {
    /** The editor, or null before it is connected. */
    WeftLanguageClient client();

    /** The editor handles {@code workspace/inlayHint/refresh}. */
    boolean supportsInlayRefresh();

    /**
     * The editor draws remote cursors itself from {@code weft/remoteCursors}: no inlay hints or hint diagnostics
     * for it.
     */
    boolean drawsCursors();

    /** The current room's documents; empty outside a session. */
    Collection<? extends CursorDocument> documents();

    /** The shared document bound to an editor URI, or null. */
    CursorDocument documentOf(String uri);

    /** Our display name in the room. */
    String userName();

    /** Our e-mail (git {@code user.email}, sent with presence for commit trailers), or {@code ""}. */
    String email();

    /** Our colour ({@code #rrggbb}) in the room. */
    String color();

    /** The room's participants may have changed (status should be re-sent). */
    void participantsChanged();
}
