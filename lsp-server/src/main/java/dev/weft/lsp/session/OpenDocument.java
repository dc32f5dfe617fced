package dev.weft.lsp.session;

import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.binding.LineIndex;
import dev.weft.lsp.binding.PositionEncoding;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;

import java.util.List;

/**
 * A document the editor has open ({@code didOpen} … {@code didClose}). While it is not shared, its text is tracked
 * here so it can be shared later; once shared, its {@link DocumentBinding} receives every later change.
 *
 * <p>Thread-safe: guarded by {@code this}, so a binding is created from a (text, version) pair with no change
 * lost or applied twice between the snapshot and the binding taking over.
 */
public final class OpenDocument {
    /** The editor's URI string, exactly as sent. Immutable. */
    public final String uri;
    /** Language id from didOpen. Immutable. */
    public final String languageId;
    /** Text while unbound (stale once bound). */
    private String text;
    /** Version of {@link #text}. */
    private int version;
    /** The binding, once shared; null before. */
    private DocumentBinding binding;

    public OpenDocument(String uri, String languageId, String text, int version) {
        this.uri = uri;
        this.languageId = languageId;
        this.text = text;
        this.version = version;
    }

    /** Routes a didChange: to the binding if bound, else applied to the tracked text. */
    public synchronized void didChange(int newVersion, List<TextDocumentContentChangeEvent> changes,
                                       PositionEncoding encoding) {
        if (binding != null) {
            binding.didChange(newVersion, changes);
            return;
        }
        for (TextDocumentContentChangeEvent c : changes) {
            if (c.getRange() == null) {
                text = c.getText();
            } else {
                LineIndex li = new LineIndex(text);
                int s = li.offsetOf(c.getRange().getStart(), encoding);
                int e = Math.max(s, li.offsetOf(c.getRange().getEnd(), encoding));
                text = text.substring(0, s) + c.getText() + text.substring(e);
            }
        }
        version = newVersion;
    }

    /** Binds the document: {@code factory} gets the current text and version under the lock. */
    public synchronized DocumentBinding bind(BindingFactory factory) {
        if (binding == null) {
            binding = factory.create(text, version);
        }
        return binding;
    }

    /** Detaches the binding (leave, close); the tracked text resumes from the binding's view. */
    public synchronized DocumentBinding unbind(String currentText, int currentVersion) {
        DocumentBinding b = binding;
        binding = null;
        text = currentText;
        version = currentVersion;
        return b;
    }

    public synchronized DocumentBinding binding() {
        return binding;
    }

    public synchronized String text() {
        return text;
    }

    public synchronized int version() {
        return version;
    }

    /** Creates a binding from a consistent (text, version) snapshot. */
    @FunctionalInterface
    public interface BindingFactory {
        DocumentBinding create(String text, int version);
    }
}
