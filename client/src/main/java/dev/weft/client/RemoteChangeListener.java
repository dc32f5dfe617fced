package dev.weft.client;

import dev.weft.crdt.model.TextChange;
import java.util.List;

/** Receives the positional changes remote updates made to a {@link SharedDocument}'s replica. */
@FunctionalInterface
public interface RemoteChangeListener {
    /**
     * Called on the document's executor right after the replica integrated a remote update (or a sync reply),
     * so the replica's text already includes {@code changes}.
     *
     * @param changes non-empty, in order, each relative to the text after the previous one
     */
    void onRemoteChanges(List<TextChange> changes);
}
