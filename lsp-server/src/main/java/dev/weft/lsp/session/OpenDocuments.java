package dev.weft.lsp.session;

import dev.weft.lsp.binding.DocumentBinding;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The documents the editor has open ({@code didOpen} … {@code didClose}), by URI string. Thread-safe. */
public final class OpenDocuments {
    /** Open documents by the URI string the editor sent. */
    private final Map<String, OpenDocument> open = new ConcurrentHashMap<>();

    void put(OpenDocument od) {
        open.put(od.uri, od);
    }

    OpenDocument remove(String uri) {
        return open.remove(uri);
    }

    public OpenDocument get(String uri) {
        return open.get(uri);
    }

    Collection<OpenDocument> all() {
        return open.values();
    }

    List<String> uris() {
        return new ArrayList<>(open.keySet());
    }

    /** The open document of a local path, or null. */
    OpenDocument findByPath(Path path) {
        for (OpenDocument od : open.values()) {
            try {
                if (WorkspaceNames.pathOf(od.uri).equals(path)) {
                    return od;
                }
            } catch (IllegalArgumentException e) {
                // not a file: URI
            }
        }
        return null;
    }

    /** The binding of an open URI, or null if it is not open or not shared. */
    public DocumentBinding bindingOf(String uri) {
        OpenDocument od = open.get(uri);
        return od == null ? null : od.binding();
    }
}
