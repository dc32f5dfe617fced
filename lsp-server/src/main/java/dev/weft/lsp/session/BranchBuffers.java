package dev.weft.lsp.session;

import dev.weft.client.git.BranchWorkspace;
import dev.weft.client.workspace.Workspace;
import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.cursors.CursorService;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The editor's buffers in a branch-scoped shared workspace ({@code docs/git.md}, "Editors on branches"): a buffer
 * open on a file is bound to the file's document <em>of the branch git has checked out</em>, and a checkout moves
 * it to the new branch's document without carrying text from one branch into the other.
 *
 * <ul>
 * <li><b>Held changes.</b> A buffer's {@code didChange} is passed on to its branch only while git is settled on
 * that branch ({@link BranchWorkspace#settledOn}: no git command running, HEAD, index and refs unchanged for the
 * settle time). Otherwise it is held, in order: an editor reloading a file that a checkout rewrote must not become
 * an edit of the branch being left. When git settles on the same branch again (a {@code git status},
 * {@code add} or {@code commit} took the index lock), the held changes are passed on: typing is never dropped.</li>
 * <li><b>Leaving a branch</b> ({@link #leaving}, before its engine stops): each buffer bound to the old branch
 * is detached (the editor keeps its text). If its held changes turn it into exactly what is on disk now (the editor
 * reloaded what git wrote), they are not the user's and stay out of the room; otherwise they are typing done on the
 * old branch's text and go to the old branch (its engine waits for their acknowledgement before stopping).</li>
 * <li><b>Entering a branch</b> ({@link #entered}, once its engine has settled): every buffer under the folder is
 * bound to the new branch's document, whose text wins (the buffer is edited to it: the branch's live text, or
 * HEAD's for a file nobody changed). If the user typed in a buffer while it was detached (its text is neither what
 * it was when detached, nor the disk's, nor HEAD's), that text is kept in {@code NAME.weft-local} beside the file
 * (never shared) and the user is told: nothing typed is lost, nothing goes to a branch it was not typed on.</li>
 * </ul>
 *
 * <p>Thread-safe: held changes, detaching and rebinding run under this object's lock; {@link #leaving} runs on the
 * branch controller's thread, which waits for it.
 */
final class BranchBuffers implements BranchWorkspace.MoveListener {
    private static final Logger LOG = Logger.getLogger(BranchBuffers.class.getName());
    /** How often held changes are looked at. */
    static final long FLUSH_MILLIS = 50;
    /** How long a binding may take to answer while leaving a branch. */
    static final long BINDING_SECONDS = 5;

    /** One held {@code didChange}. Immutable. */
    private record Change(int version, List<TextDocumentContentChangeEvent> changes) {
    }

    /** The changes held for one buffer, and the lease they were made under. */
    private record Held(WorkspaceRoom.Leased leased, List<Change> changes) {
    }

    private final EditorClient editor;
    private final OpenDocuments open;
    private final CursorService cursors;
    /** The current room; immutable supplier. */
    private final Supplier<Room> room;
    /** The shared folder (absolute, normalised); immutable. */
    private final Path dir;
    /** The folder's branch controller; immutable. */
    private final BranchWorkspace branches;
    /** Binds an open buffer in the room (the feature's didOpen for a buffer that followed a move); immutable. */
    private final BiConsumer<Room, OpenDocument> bind;
    /** Told about remote renames and deletes of open files, in every branch's engine; immutable. */
    private final Workspace.EditorFileListener follower;
    /** Held changes by URI, in arrival order; guarded by this. */
    private final Map<String, Held> held = new HashMap<>();
    /** Each buffer's text when it was detached from the branch it left, by URI; guarded by this. */
    private final Map<String, String> detachedText = new HashMap<>();
    private final ScheduledExecutorService timer;

    BranchBuffers(EditorClient editor, OpenDocuments open, CursorService cursors, Supplier<Room> room, Path dir,
                  BranchWorkspace branches, BiConsumer<Room, OpenDocument> bind,
                  Workspace.EditorFileListener follower) {
        this.editor = editor;
        this.open = open;
        this.cursors = cursors;
        this.room = room;
        this.dir = dir;
        this.branches = branches;
        this.bind = bind;
        this.follower = follower;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "weft-branch-buffers");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * A {@code didChange} of {@code od}: passed on to the buffer's branch now if git is settled on it, else held.
     *
     * @return false if {@code od} is not a buffer bound to a branch of this folder (the caller routes it as usual)
     */
    synchronized boolean didChange(OpenDocument od, int version, List<TextDocumentContentChangeEvent> changes) {
        Held h = held.get(od.uri);
        if (h == null) {
            WorkspaceRoom ws = workspace();
            WorkspaceRoom.Leased l = ws == null ? null : ws.leased.get(od.uri);
            if (l == null || l.branch() == null || l.doc().binding == null || od.binding() != l.doc().binding) {
                return false;
            }
            if (branches.settledOn(l.branch())) {
                od.didChange(version, changes, editor.encoding());
                return true;
            }
            h = new Held(l, new ArrayList<>());
            held.put(od.uri, h);
        }
        h.changes().add(new Change(version, List.copyOf(changes)));
        return true;
    }

    /** Passes on the held changes of buffers whose branch git is settled on again. */
    private synchronized void flush() {
        try {
            WorkspaceRoom ws = workspace();
            for (Iterator<Map.Entry<String, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Held> e = it.next();
                Held h = e.getValue();
                OpenDocument od = open.get(e.getKey());
                if (ws == null || od == null || ws.leased.get(e.getKey()) != h.leased()) {
                    it.remove();   // closed or left (a move is handled by leaving(), before the lease goes)
                    continue;
                }
                if (branches.settledOn(h.leased().branch())) {
                    for (Change c : h.changes()) {
                        od.didChange(c.version(), c.changes(), editor.encoding());
                    }
                    it.remove();
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "passing on held buffer changes failed", e);
        }
    }

    @Override
    public void leaving(String from, Workspace old, String to) {
        Room r = room.get();
        WorkspaceRoom ws = r == null ? null : r.workspace;
        if (ws == null) {
            return;
        }
        synchronized (this) {
            for (Map.Entry<String, WorkspaceRoom.Leased> e : List.copyOf(ws.leased.entrySet())) {
                if (e.getValue().engine() == old) {
                    leave(r, ws, e.getKey(), e.getValue());
                }
            }
            ws.docsByFileId.remove(old);
        }
    }

    /** Detaches one buffer from the branch being left; its held changes go to that branch if they are typing. */
    private void leave(Room r, WorkspaceRoom ws, String uri, WorkspaceRoom.Leased l) {
        Held h = held.remove(uri);
        OpenDocument od = open.get(uri);
        DocumentBinding b = l.doc().binding;
        boolean typed = false;
        if (h != null && od != null && b != null) {
            try {
                String view = b.call(b::view).get(BINDING_SECONDS, TimeUnit.SECONDS);
                OpenDocument scratch = new OpenDocument(uri, od.languageId, view, 0);
                for (Change c : h.changes()) {
                    scratch.didChange(c.version(), c.changes(), editor.encoding());
                }
                typed = !scratch.text().equals(diskText(uri));
                if (typed) {
                    for (Change c : h.changes()) {
                        b.didChange(c.version(), c.changes());
                    }
                    b.call(() -> null).get(BINDING_SECONDS, TimeUnit.SECONDS);
                }
            } catch (Exception ex) {
                LOG.log(Level.WARNING, "could not hand " + uri + "'s held changes to branch " + l.branch(), ex);
            }
        }
        ws.leased.remove(uri);
        WorkspaceRoom.detachBuffer(r, uri, l.doc(), open, cursors);
        if (od != null) {
            if (h != null && !typed) {
                for (Change c : h.changes()) {
                    od.didChange(c.version(), c.changes(), editor.encoding());   // unbound: tracked text only
                }
            }
            detachedText.put(uri, od.text());
        }
    }

    @Override
    public void entered(String branch, Workspace w) {
        w.addEditorFileListener(follower);
        w.settled().thenRunAsync(() -> rebind(branch, w), timer).exceptionally(e -> {
            LOG.log(Level.WARNING, "binding the buffers to branch " + branch + " failed", e);
            return null;
        });
    }

    /** True if the buffer at {@code uri} left a branch and waits to be bound to the next one here. */
    synchronized boolean awaitingRebind(String uri) {
        return detachedText.containsKey(uri);
    }

    /** Binds every buffer under the folder to {@code w}'s documents, keeping aside text typed during the move. */
    private void rebind(String branch, Workspace w) {
        Room r = room.get();
        if (r == null || r.workspace == null || branches.mirror().workspace() != w) {
            return;   // left, or moved on already (the next entered() binds)
        }
        synchronized (this) {
            for (OpenDocument od : open.all()) {
                String rel = relative(od.uri);
                if (rel == null || od.binding() != null || r.workspace.leased.containsKey(od.uri)) {
                    continue;
                }
                String before = detachedText.remove(od.uri);
                String now = od.text();
                if (before != null && !now.equals(before) && !now.equals(diskText(od.uri))
                        && !now.equals(branches.headText(rel))) {
                    keepAside(rel, now, branch);
                }
                bind.accept(r, od);
            }
            detachedText.clear();   // the rest were closed during the move
        }
    }

    private void keepAside(String rel, String text, String branch) {
        try {
            String aside = rel + ".weft-local";
            for (int k = 2; Files.exists(dir.resolve(aside), LinkOption.NOFOLLOW_LINKS); k++) {
                aside = rel + "." + k + ".weft-local";
            }
            Files.writeString(dir.resolve(aside), text, StandardCharsets.UTF_8);
            editor.show(MessageType.Warning, "Weft: what you typed in '" + rel + "' while git switched to branch "
                    + branch + " is kept in '" + aside + "' (not shared); the buffer now shows the branch's text");
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not keep aside " + rel, e);
            editor.show(MessageType.Error, "Weft: could not keep aside what you typed in '" + rel + "' while git"
                    + " switched branches: " + e.getMessage() + "; undo in the editor to get it back");
        }
    }

    /** The folder-relative path of {@code uri}, or null if it is not a file under the folder. */
    private String relative(String uri) {
        try {
            Path p = WorkspaceNames.pathOf(uri).toAbsolutePath().normalize();
            return p.startsWith(dir) && !p.equals(dir) ? dir.relativize(p).toString().replace('\\', '/') : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The disk's text of {@code uri}'s file now, or null if it has none. */
    private static String diskText(String uri) {
        try {
            return Files.readString(WorkspaceNames.pathOf(uri), StandardCharsets.UTF_8);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private WorkspaceRoom workspace() {
        Room r = room.get();
        return r == null ? null : r.workspace;
    }

    /** Stops looking at held changes (the room is left). */
    void close() {
        timer.shutdownNow();
    }
}
