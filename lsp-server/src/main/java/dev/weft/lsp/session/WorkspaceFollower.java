package dev.weft.lsp.session;

import dev.weft.client.workspace.Workspace;
import dev.weft.lsp.cursors.CursorService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.lsp4j.ApplyWorkspaceEditParams;
import org.eclipse.lsp4j.DeleteFile;
import org.eclipse.lsp4j.DeleteFileOptions;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.RenameFile;
import org.eclipse.lsp4j.RenameFileOptions;
import org.eclipse.lsp4j.ResourceOperation;
import org.eclipse.lsp4j.TextDocumentEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

/**
 * Makes the editor follow what the room does to the files it has open, for one root of a shared workspace
 * ({@code docs/workspace.md}, "Editors"): a remote rename becomes a {@code workspace/applyEdit} with a
 * {@link RenameFile} (the editor moves the file and its open buffer; it then closes the old URI and opens the new
 * one, which re-leases the file) when the editor supports that resource operation, else a message (the engine
 * moves the disk file when the buffer is closed). A remote delete detaches the buffer; if the buffer was saved a
 * {@link DeleteFile} closes it, else the buffer and its disk file are kept and the user is told (saving shares the
 * file again: nothing typed vanishes). Also collects the local copies a join kept aside, for {@link JoinConflicts}.
 */
final class WorkspaceFollower implements Workspace.EditorFileListener {
    private static final Logger LOG = Logger.getLogger(WorkspaceFollower.class.getName());

    private final EditorClient editor;
    private final OpenDocuments open;
    private final CursorService cursors;
    /** The room while it is the current one; immutable supplier. */
    private final Supplier<Room> room;
    /** This root's folder; immutable. */
    private final Path dir;
    /** Resource operations the editor applies in {@code workspace/applyEdit} ("rename", "delete"); immutable. */
    private final Set<String> resourceOperations;
    /** Local files a join kept aside: {path, aside}, root-relative, in order. */
    final List<String[]> keptAside = new CopyOnWriteArrayList<>();

    WorkspaceFollower(EditorClient editor, OpenDocuments open, CursorService cursors, Supplier<Room> room, Path dir,
                      Set<String> resourceOperations) {
        this.editor = editor;
        this.open = open;
        this.cursors = cursors;
        this.room = room;
        this.dir = dir;
        this.resourceOperations = Set.copyOf(resourceOperations);
    }

    @Override
    public void renamed(String fileId, String from, String to) {
        String oldUri = WorkspaceNames.uriOf(dir.resolve(from));
        String newUri = WorkspaceNames.uriOf(dir.resolve(to));
        if (leasedUri(fileId) == null) {
            return; // not bound (yet): the engine moves the file when its lease ends
        }
        if (resourceOperations.contains("rename")) {
            RenameFile op = new RenameFile(oldUri, newUri, new RenameFileOptions(false, true));
            apply(op).thenAccept(applied -> {
                if (!applied) {
                    tell(from, to);
                }
            });
        } else {
            tell(from, to);
        }
    }

    private void tell(String from, String to) {
        editor.show(MessageType.Warning, "Weft: '" + from + "' was renamed to '" + to + "' by someone else; close it"
                + " (it moves to the new name then) and open '" + to + "'");
    }

    @Override
    public void deleted(String fileId, String path, boolean unsaved) {
        String uri = leasedUri(fileId);
        Room r = room.get();
        if (uri == null || r == null || r.workspace == null) {
            return;
        }
        WorkspaceRoom.Leased l = r.workspace.leased.remove(uri);
        if (l == null) {
            return;
        }
        // Off the engine thread: detaching waits on the binding.
        CompletableFuture.runAsync(() -> {
            WorkspaceRoom.detachBuffer(r, uri, l.doc(), open, cursors);
            if (!unsaved && resourceOperations.contains("delete")) {
                apply(new DeleteFile(uri, new DeleteFileOptions(false, true)));
                editor.show(MessageType.Info, "Weft: '" + path + "' was deleted by someone else");
            } else {
                editor.show(MessageType.Warning, "Weft: '" + path + "' was deleted by someone else; "
                        + (unsaved ? "your unsaved changes stay in the editor: save the file to share it again"
                        : "close it, or save it to share it again"));
            }
        }).exceptionally(e -> {
            LOG.log(Level.WARNING, "could not detach deleted " + path, e);
            return null;
        });
    }

    @Override
    public void keptAside(String path, String aside) {
        keptAside.add(new String[]{path, aside});
    }

    /** The editor URI leasing {@code fileId} in the current room, or null. */
    private String leasedUri(String fileId) {
        Room r = room.get();
        if (r == null || r.workspace == null) {
            return null;
        }
        for (Map.Entry<String, WorkspaceRoom.Leased> e : r.workspace.leased.entrySet()) {
            if (e.getValue().lease().fileId().equals(fileId)) {
                return e.getKey();
            }
        }
        return null;
    }

    private CompletableFuture<Boolean> apply(ResourceOperation op) {
        var c = editor.client();
        if (c == null) {
            return CompletableFuture.completedFuture(false);
        }
        List<Either<TextDocumentEdit, ResourceOperation>> changes = new ArrayList<>();
        changes.add(Either.forRight(op));
        return c.applyEdit(new ApplyWorkspaceEditParams(new WorkspaceEdit(changes)))
                .thenApply(res -> res != null && res.isApplied())
                .exceptionally(e -> false);
    }

    /** Puts the local copy kept aside at {@code aside} back over {@code path} (the engine merges it as edits). */
    void keepMine(String path, String aside) throws java.io.IOException {
        Path from = dir.resolve(aside);
        if (Files.exists(from)) {
            Files.move(from, dir.resolve(path), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Drops the local copy kept aside (the room's version stays). */
    void takeTheRooms(String aside) throws java.io.IOException {
        Files.deleteIfExists(dir.resolve(aside));
    }

    Path dir() {
        return dir;
    }
}
