package dev.weft.lsp.notices;

import dev.weft.client.RelayRejectedException;
import dev.weft.lsp.customservice.WeftLanguageClient;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Tells the user, through {@code window/showMessage}, about sync errors they must act on: an edit too large for
 * the room ({@code MESSAGE_TOO_LARGE}, {@code DOC_TOO_LARGE}) stays on this machine, so silently retrying would
 * leave them believing it is shared. Each distinct message is shown at most once per {@link #REPEAT_AFTER_MS}.
 */
public final class RelayErrorNotices {
    /** A repeated notice is suppressed for this long. */
    static final long REPEAT_AFTER_MS = 30_000;
    /** Codes shown to the user; others are logged only (rate limits, read-only, retried faults). */
    private static final Set<ErrorCode> SHOWN = EnumSet.of(ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.DOC_TOO_LARGE);

    /** Where notices go; the client may be absent (null) before initialize. Immutable reference. */
    private final Supplier<WeftLanguageClient> client;
    /** When each message text was last shown (epoch ms). */
    private final ConcurrentHashMap<String, Long> lastShown = new ConcurrentHashMap<>();

    public RelayErrorNotices(Supplier<WeftLanguageClient> client) {
        this.client = client;
    }

    /** A listener for one document's errors ({@code SharedDocument.addErrorListener}). */
    public Consumer<RelayRejectedException> forDocument() {
        return e -> {
            if (SHOWN.contains(e.code())) {
                show("Weft: " + e.getMessage());
            }
        };
    }

    /** A listener for the connection's messages: size errors the relay could not attribute to a document. */
    public Consumer<Message> forConnection() {
        return m -> {
            if (m instanceof Message.Error err && err.doc().isEmpty() && SHOWN.contains(err.code())) {
                show("Weft: the relay refused a message as too large (" + err.message() + "); the edit stays on "
                        + "this machine");
            }
        };
    }

    private void show(String text) {
        long now = System.currentTimeMillis();
        Long last = lastShown.get(text);
        if (last != null && now - last < REPEAT_AFTER_MS) {
            return;
        }
        lastShown.put(text, now);
        WeftLanguageClient c = client.get();
        if (c != null) {
            c.showMessage(new MessageParams(MessageType.Error, text));
        }
    }
}
