package dev.weft.lsp.session;

import dev.weft.client.git.AuthorRecorder;
import dev.weft.client.git.BranchWorkspace;
import dev.weft.client.workspace.ChannelPool;
import dev.weft.client.workspace.EditorLease;
import dev.weft.client.workspace.Workspace;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The shared-workspace side of a {@link Room} ({@link Room#workspace}): one workspace engine per shared root, the
 * connections they share, and the editor leases of the files the editor has open. Thread-safe (immutable lists,
 * concurrent maps).
 */
final class WorkspaceRoom {
    private static final Logger LOG = Logger.getLogger(WorkspaceRoom.class.getName());

    /**
     * One shared root.
     *
     * @param name     the root's name in the room (its folder name; "" for a single-root share)
     * @param dir      the local folder, absolute and normalised
     * @param treeDoc  the room document of its tree log (of the first branch, for a branch-scoped root)
     * @param fixed    the running engine mirroring {@code dir}; for a branch-scoped root its first branch's
     * @param agent    the engine's {@link Workspace.Options#agent()} (its authorship session, docs/git.md)
     * @param branches the branch-scoped controller ({@code docs/git.md}, "Editors on branches"), or null
     */
    record Root(String name, Path dir, String treeDoc, Workspace fixed, long agent, BranchWorkspace branches) {
        Root(String name, Path dir, String treeDoc, Workspace engine, long agent) {
            this(name, dir, treeDoc, engine, agent, null);
        }

        /** The engine mirroring {@code dir} now: the fixed one, or the current branch's (null during a move). */
        Workspace engine() {
            return branches == null ? fixed : branches.mirror().workspace();
        }
    }

    /**
     * A file the editor has open, bound through an engine lease.
     *
     * @param engine the engine that lent it (a branch's, for a branch-scoped root)
     * @param branch the branch of that engine, or null for a root that is not branch-scoped
     */
    record Leased(EditorLease lease, RoomDocument doc, Workspace engine, String branch) {
    }

    /** The roots, in the room's order. Immutable. */
    final List<Root> roots;
    /** Every connection of the room (the first is the {@link Room#client}). Immutable reference. */
    final ChannelPool pool;
    /** Open files by editor URI. */
    final Map<String, Leased> leased = new ConcurrentHashMap<>();
    /**
     * Room documents made for leased files, by engine and file id: reused when a file is opened again (listeners
     * once). A branch's engine is replaced on every move, so its entries are dropped then ({@link BranchBuffers}).
     */
    final Map<Workspace, Map<String, RoomDocument>> docsByFileId = new ConcurrentHashMap<>();
    /** Writes this member's sessions and deletions into the room's authors log ({@link Authorship}). Immutable. */
    final AuthorRecorder authors;
    /** For a branch-scoped room: holds and hands over the buffers' changes around checkouts; else null. */
    final BranchBuffers branchBuffers;

    WorkspaceRoom(List<Root> roots, ChannelPool pool, AuthorRecorder authors) {
        this(roots, pool, authors, null);
    }

    WorkspaceRoom(List<Root> roots, ChannelPool pool, AuthorRecorder authors, BranchBuffers branchBuffers) {
        this.roots = List.copyOf(roots);
        this.pool = pool;
        this.authors = authors;
        this.branchBuffers = branchBuffers;
    }

    /** A local path inside one of the roots. */
    record Located(Root root, String relPath) {
        /** The room-wide name: the root's name, a slash, the relative path (just the path for a single root). */
        String displayName() {
            return root.name().isEmpty() ? relPath : root.name() + "/" + relPath;
        }
    }

    /** The root holding {@code p} and its {@code /}-separated relative path, or null outside every root. */
    Located locate(Path p) {
        Path n = p.toAbsolutePath().normalize();
        for (Root r : roots) {
            if (n.startsWith(r.dir()) && !n.equals(r.dir())) {
                return new Located(r, r.dir().relativize(n).toString().replace('\\', '/'));
            }
        }
        return null;
    }

    /** Asks every engine for a pass soon (an editor reported file changes). */
    void requestPasses() {
        for (Root r : roots) {
            Workspace w = r.engine();
            if (w != null) {
                w.requestPass();
            }
        }
    }

    /**
     * Leaving the room: detaches every leased buffer (the editor keeps its text), clears its remote cursors, removes
     * the leased documents from {@code r.docs} (the engines own them), then {@link #close}s and closes every
     * connection. Runs on the session thread before the rest of the leave.
     */
    void leave(Room r, OpenDocuments open, dev.weft.lsp.cursors.CursorService cursors) {
        for (Map.Entry<String, Leased> e : leased.entrySet()) {
            detachBuffer(r, e.getKey(), e.getValue().doc(), open, cursors);
        }
        close(Duration.ofSeconds(10));
        pool.close();
    }

    /**
     * Detaches the buffer at {@code uri} from {@code rd} (the editor keeps its text, the buffer is plain again),
     * clears its remote cursors and removes {@code rd} from {@code r.docs}. Blocks up to 5 s on the binding.
     */
    static void detachBuffer(Room r, String uri, RoomDocument rd, OpenDocuments open,
                             dev.weft.lsp.cursors.CursorService cursors) {
        dev.weft.lsp.binding.DocumentBinding b = rd.binding;
        if (b != null) {
            b.close();
            try {
                String[] vv = b.call(() -> new String[]{b.view(), Integer.toString(b.viewVersion())})
                        .get(5, java.util.concurrent.TimeUnit.SECONDS);
                OpenDocument od = open.get(uri);
                if (od != null && od.binding() == b) {
                    od.unbind(vv[0], Integer.parseInt(vv[1]));
                }
            } catch (Exception ex) {
                LOG.log(Level.WARNING, "could not detach " + rd.name, ex);
            }
            cursors.clear(rd, b.uri());
            rd.binding = null;
        }
        r.docs.remove(rd.name, rd);
    }

    /**
     * Ends every lease and stops every engine (each takes in the last disk changes and waits, bounded, for the
     * relay's acknowledgements). The connections are closed by the caller.
     *
     * @return true if every engine's local changes were acknowledged
     */
    boolean close(Duration ackTimeout) {
        for (Leased l : leased.values()) {
            l.lease().close();
        }
        leased.clear();
        if (branchBuffers != null) {
            branchBuffers.close();
        }
        boolean acked = true;
        for (Root r : roots) {
            try {
                acked &= r.branches() != null ? r.branches().close(ackTimeout) : r.fixed().close(ackTimeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "stopping the engine of " + r.dir() + " failed", e);
                acked = false;
            }
        }
        if (authors != null) {
            try {
                acked &= authors.close(ackTimeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return acked;
    }
}
