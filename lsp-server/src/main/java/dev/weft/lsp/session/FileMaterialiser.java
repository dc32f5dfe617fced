package dev.weft.lsp.session;

import org.eclipse.lsp4j.MessageType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * Where a joined document lives on disk: writes it under the workspace (or, without one, under
 * {@code <dataDir>/workspace/<room>}), asks before overwriting a different local file (else it goes to
 * {@code .weft/<room>/}), and either binds it to the editor's open buffer or asks the editor to open it.
 */
final class FileMaterialiser {
    private static final Logger LOG = Logger.getLogger(FileMaterialiser.class.getName());
    static final String OVERWRITE = "Overwrite";
    static final String SEPARATE_FOLDER = "Use a separate folder";

    private final SessionConfig config;
    private final EditorClient editor;
    private final OpenDocuments open;
    private final DocumentLinker linker;

    FileMaterialiser(SessionConfig config, EditorClient editor, OpenDocuments open, DocumentLinker linker) {
        this.config = config;
        this.editor = editor;
        this.open = open;
        this.linker = linker;
    }

    /** Materialises one joined document whose synced text is {@code text}; sets {@code rd.localPath}. */
    void materialise(Room r, RoomDocument rd, String text, boolean focus) throws IOException {
        String name = rd.name;
        Path base = config.names().root() != null ? config.names().root()
                : config.journal().dataDir().resolve("workspace").resolve(r.id);
        Path path = WorkspaceNames.resolve(base, name);
        if (Files.exists(path) && !Files.readString(path, StandardCharsets.UTF_8).equals(text)
                && open.findByPath(path) == null) {
            if (!askOverwrite(name)) {
                path = WorkspaceNames.resolve(base.resolve(".weft").resolve(r.id), name);
            }
        }
        OpenDocument od = open.findByPath(path);
        if (od == null) {
            Files.createDirectories(path.getParent());
            if (!Files.exists(path) || !Files.readString(path, StandardCharsets.UTF_8).equals(text)) {
                Files.writeString(path, text, StandardCharsets.UTF_8);
            }
        }
        rd.localPath = path;
        if (od != null) {
            if (!od.text().equals(text) && !askOverwrite(name)) {
                LOG.info("keeping the editor's " + path + " unshared at the user's request");
                rd.localPath = null;
                return;
            }
            linker.bind(r, rd, od);
        } else {
            editor.showDocument(path, focus);
        }
    }

    private boolean askOverwrite(String name) {
        return OVERWRITE.equals(editor.ask(MessageType.Warning, "Weft: the local file " + name + " differs from the "
                + "shared one. Overwrite it with the shared version, or put the shared version in a separate folder "
                + "(.weft/<room>/)?", List.of(OVERWRITE, SEPARATE_FOLDER)));
    }
}
