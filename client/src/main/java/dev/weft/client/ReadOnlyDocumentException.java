package dev.weft.client;

/** A local edit was attempted on a document of a room this member joined read-only; nothing was changed. */
public final class ReadOnlyDocumentException extends IllegalStateException {
    public ReadOnlyDocumentException(String doc) {
        super("document '" + doc + "' is read-only: this invite gives read-only access");
    }
}
