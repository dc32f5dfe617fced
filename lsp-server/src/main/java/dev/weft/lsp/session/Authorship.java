package dev.weft.lsp.session;

import dev.weft.client.git.Attribution;
import dev.weft.client.git.AuthorCommit;
import dev.weft.client.git.AuthorLog;
import dev.weft.client.git.AuthorRecorder;
import dev.weft.client.git.GitIdentity;
import dev.weft.client.git.GitRepo;
import dev.weft.client.paths.BadPathException;
import dev.weft.client.workspace.ChannelPool;
import dev.weft.client.workspace.EditorLease;
import dev.weft.client.workspace.Workspace;
import dev.weft.client.workspace.tree.FileKind;
import dev.weft.client.workspace.tree.ResolvedFile;
import dev.weft.crdt.model.IdRun;
import dev.weft.lsp.binding.DocumentBinding;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Who this participant is in git terms and what the room knows of who typed what ({@code docs/git.md},
 * "Editors"): the identity sent with presence and written to the authors log, the log's recorder of a
 * shared-workspace room (one session per root, the editor's deletions included), and a root's shared files as
 * {@link AuthorCommit.SharedFiles} for blame, stage and commit. Thread-safe.
 */
final class Authorship {
    /** How long a read of the log or of a file's replica may take. */
    static final long READ_SECONDS = 10;

    private final SessionConfig config;
    /** The room {@link #identity(Room)} was last computed for and the result; null before the first call. */
    private volatile Cached cached;

    Authorship(SessionConfig config) {
        this.config = config;
    }

    /**
     * This participant in room {@code r}: the room's display name, and {@code userEmail} from
     * {@code initializationOptions} if not blank, else git's {@code user.email} in the first shared folder (or
     * the workspace root).
     */
    GitIdentity identity(Room r) {
        Cached c = cached;
        if (c != null && c.room() == r && r != null) {
            return c.identity();
        }
        Path dir = r != null && r.workspace != null ? r.workspace.roots.get(0).dir() : config.names().root();
        GitIdentity id = identity(r == null ? null : r.client.userName(), dir);
        cached = new Cached(r, id);
        return id;
    }

    /** The identity for {@code displayName} (null: git's name) working in {@code dir} (null: the current one). */
    GitIdentity identity(String displayName, Path dir) {
        String email = config.options().userEmail;
        return GitIdentity.resolve(dir == null ? Path.of("").toAbsolutePath() : dir, displayName,
                email == null || email.isBlank() ? null : email.trim());
    }

    /**
     * Starts recording root engine {@code engine} (agent {@code agent}) in the room's authors log: the first root
     * starts the recorder (on a connection of {@code pool}), later ones add their session to it.
     *
     * @param recorder the room's recorder so far, or null for the first root
     * @return the room's recorder
     */
    static AuthorRecorder record(AuthorRecorder recorder, Workspace engine, long agent, GitIdentity who,
                                 ChannelPool pool) {
        if (recorder == null) {
            return AuthorRecorder.start(engine, agent, who, pool.next());
        }
        recorder.addWorkspace(engine, agent, who);
        return recorder;
    }

    /** Records the deletions the user makes in an editor buffer bound through {@code lease}. */
    static void recordEditorDeletions(AuthorRecorder recorder, EditorLease lease, DocumentBinding b) {
        if (recorder == null) {
            return;
        }
        long session = Workspace.sessionOf(lease.replica().agent());
        String fileId = lease.fileId();
        b.addLocalDeletionListener(ids -> recorder.recordDeletion(session, fileId, ids));
    }

    /** The current shared-workspace room, or an error saying why there is none. */
    static WorkspaceRoom workspaceOf(Room r, String command) {
        if (r == null || r.workspace == null) {
            throw SessionThread.error(ResponseErrorCode.InvalidRequest, command + " needs a shared workspace"
                    + " (weft.shareWorkspace, or weft.join of such a room): authorship is recorded only there");
        }
        return r.workspace;
    }

    /** The roots {@code uri} selects: the one holding it, or every root when {@code uri} is null. */
    static List<WorkspaceRoom.Root> roots(WorkspaceRoom ws, String uri) {
        if (uri == null || uri.isBlank()) {
            return ws.roots;
        }
        Path p = path(uri);
        for (WorkspaceRoom.Root r : ws.roots) {
            if (p.startsWith(r.dir())) {
                return List.of(r);
            }
        }
        throw SessionThread.error(ResponseErrorCode.InvalidParams, uri + " is not inside a shared folder");
    }

    static Path path(String uri) {
        try {
            return WorkspaceNames.pathOf(uri).toAbsolutePath().normalize();
        } catch (IllegalArgumentException e) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, "not a file URI: " + uri);
        }
    }

    /** The git repository around a shared root, or an error saying there is none. */
    static GitRepo repo(Path dir) throws IOException {
        try {
            return GitRepo.open(dir);
        } catch (GitRepo.NotARepositoryException e) {
            throw SessionThread.error(ResponseErrorCode.InvalidRequest, e.getMessage());
        }
    }

    /** The room's authors log as this member has it now. */
    static AuthorLog log(WorkspaceRoom ws) throws Exception {
        return ws.authors == null ? AuthorLog.parse("") : get(ws.authors.log());
    }

    /** A root's shared text files and their attribution, with {@code log} as the authors log. */
    static AuthorCommit.SharedFiles files(WorkspaceRoom.Root root, AuthorLog log) {
        return new AuthorCommit.SharedFiles() {
            @Override
            public List<Path> textFiles() throws Exception {
                List<Path> out = new ArrayList<>();
                for (Map.Entry<String, ResolvedFile> e : get(engine(root).files()).entrySet()) {
                    if (e.getValue().kind() == FileKind.TEXT) {
                        out.add(root.dir().resolve(e.getKey()));
                    }
                }
                return out;
            }

            @Override
            public Attribution attribution(Path file, String head) throws Exception {
                Path f = file.toAbsolutePath().normalize();
                if (!f.startsWith(root.dir()) || f.equals(root.dir())) {
                    return null;
                }
                String rel = root.dir().relativize(f).toString().replace('\\', '/');
                FileRuns fr;
                try {
                    fr = get(engine(root).readText(rel, (id, t) -> new FileRuns(id, t.runs())));
                } catch (BadPathException e) {
                    return null;
                }
                return new Attribution(fr.fileId(), head, fr.runs(), log);
            }
        };
    }

    /** The engine mirroring {@code root} now (a branch-scoped root's current branch's), or an error during a move. */
    private static Workspace engine(WorkspaceRoom.Root root) {
        Workspace w = root.engine();
        if (w == null) {
            throw SessionThread.error(ResponseErrorCode.InvalidRequest, "git is switching branches in " + root.dir()
                    + "; try again in a moment");
        }
        return w;
    }

    /** A file's id and its replica's runs, read on the engine thread. */
    private record FileRuns(String fileId, List<IdRun> runs) {
    }

    /** {@link #identity(Room)}'s last answer. */
    private record Cached(Room room, GitIdentity identity) {
    }

    private static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        try {
            return f.get(READ_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }
}
