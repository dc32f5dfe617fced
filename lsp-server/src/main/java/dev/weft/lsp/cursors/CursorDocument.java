package dev.weft.lsp.cursors;

import dev.weft.client.SharedDocument;
import dev.weft.lsp.binding.DocumentBinding;

import java.nio.file.Path;

/** What the cursors feature needs of one shared document. */
public interface CursorDocument {
    /** The document's name in the room. */
    String name();

    /** Its network side; presence lives in {@link SharedDocument#presence()}. */
    SharedDocument shared();

    /** The editor binding while the document is open, else null. */
    DocumentBinding binding();

    /** The local file, or null if not known. */
    Path localPath();
}
