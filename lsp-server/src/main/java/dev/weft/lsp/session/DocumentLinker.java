package dev.weft.lsp.session;

import dev.weft.lsp.notices.RelayErrorNotices;
import dev.weft.client.SharedDocument;
import dev.weft.client.journal.Journal;
import dev.weft.crdt.TextDocument;
import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.binding.EditorPort;
import dev.weft.lsp.cursors.CursorService;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Range;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Links the three sides of a shared document: creates a room document (its replica restored from the journal or
 * new with a random 53-bit agent, and its {@link SharedDocument}, with the listeners that journal, publish status
 * and presence), and binds it to the editor's open document.
 *
 * @param config what {@code initialize} configured
 * @param editor the editor and what it can do
 * @param journal writes replicas to the journal
 * @param status sends {@code weft/status} when it changes
 * @param cursors the remote cursors shown in the editor
 * @param notices shows the relay's refusals of this document's updates that the user must see (size limits)
 */
record DocumentLinker(SessionConfig config, EditorClient editor, JournalScheduler journal, StatusPublisher status,
                      CursorService cursors, RelayErrorNotices notices) {
    private static final Logger LOG = Logger.getLogger(DocumentLinker.class.getName());

    /** Creates document {@code name} in room {@code r}, restoring its replica from the journal if there is one. */
    RoomDocument create(Room r, String name) throws IOException {
        TextDocument replica = null;
        Optional<Journal.Entry> entry = Optional.empty();
        try {
            entry = r.journal.load(name);
        } catch (Journal.CorruptJournalException e) {
            LOG.warning("ignoring corrupt journal entry: " + e.getMessage());
        }
        if (entry.isPresent()) {
            replica = new TextDocument(entry.get().agent());
            replica.applyUpdate(entry.get().state());
        }
        if (replica == null) {
            replica = new TextDocument(new SecureRandom().nextLong() & ((1L << 53) - 1));
        }
        SharedDocument shared = SharedDocument.open(r.client, name, replica);
        RoomDocument rd = new RoomDocument(name, replica, shared);
        r.docs.put(name, rd);
        shared.addRemoteChangeListener(changes -> {
            journal.schedule(r, rd);
            status.changed();
        });
        shared.addSyncListener(status::changed);
        shared.addErrorListener(notices.forDocument());
        shared.addAwarenessListener((clientId, state) -> cursors.onAwareness(rd));
        return rd;
    }

    /** Binds a room document to the editor's open document (replica wins: differences become pending edits). */
    void bind(Room r, RoomDocument rd, OpenDocument od) {
        EditorPort port = new EditorPort() {
            @Override
            public CompletableFuture<Boolean> applyEdit(String uri, int version, Range range, String newText) {
                return editor.applyEdit(uri, version, range, newText);
            }

            @Override
            public void warnUser(String message) {
                editor.show(MessageType.Warning, message);
            }
        };
        DocumentBinding b = od.bind((text, version) -> DocumentBinding.open(od.uri, editor.encoding(), rd.shared,
                rd.replica, port, () -> {
                    status.changed();
                    journal.schedule(r, rd);
                }, text, version, System::nanoTime));
        rd.binding = b;
        if (r.paused) {
            b.setPaused(true);
        }
        b.addViewListener(x -> cursors.publish(rd));
        b.addTypingListener((x, offset) -> cursors.onTyping(rd, x, offset));
        cursors.announce(rd);
    }
}
