package dev.weft.lsp.session;

import dev.weft.client.SharedDocument;
import dev.weft.client.SyncChannel;
import dev.weft.client.git.AuthorRecorder;
import dev.weft.client.git.BranchWorkspace;
import dev.weft.client.git.GitIdentity;
import dev.weft.client.git.GitRepo;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.MalformedInviteLinkException;
import dev.weft.client.journal.RoomJournal;
import dev.weft.client.paths.PathRules;
import dev.weft.client.workspace.ChannelPool;
import dev.weft.client.workspace.EditorLease;
import dev.weft.client.workspace.FolderScanner;
import dev.weft.client.workspace.IgnoreRules;
import dev.weft.client.workspace.Workspace;
import dev.weft.client.workspace.tree.TreeNames;
import dev.weft.crdt.TextDocument;
import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.cursors.CursorService;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.sync.Message;
import org.eclipse.lsp4j.DidChangeWatchedFilesRegistrationOptions;
import org.eclipse.lsp4j.FileSystemWatcher;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Registration;
import org.eclipse.lsp4j.RegistrationParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code weft.shareWorkspace}, and {@code weft.join} of a shared-workspace room: whole folders mirrored through the
 * client module's workspace engine ({@link Workspace}, {@code docs/workspace.md}), one engine per root.
 *
 * <p>The disk model: a file the editor has open is bound through an {@link EditorLease} (the buffer is the truth;
 * the disk changes when the editor saves); every other file is the engine's (disk == merged text, remote edits
 * written atomically within a second, outside changes merged as edits). Opening a file merges what changed on disk
 * first ({@link Workspace#openInEditor}), so a file changed by another program while closed is never put back to
 * the old shared text.
 *
 * <p>Branch scope ({@code docs/git.md}, "Editors on branches"): {@code branches: true} (one folder in a git work
 * tree), or a join of a room holding {@link TreeNames#BRANCHES}, mirrors the folder with a {@link BranchWorkspace}
 * and lets {@link BranchBuffers} move the editor's buffers between branches on a checkout.
 *
 * <p>Multi-root: root {@code i} has its own tree log ({@link TreeNames#rootTree(int)}), and the room document
 * {@link TreeNames#ROOTS} lists {@code treeDocument TAB name} per root. File contents are keyed by random file ids,
 * so the roots share the room's content documents without clashes.
 */
final class WorkspaceShareFeature {
    private static final Logger LOG = Logger.getLogger(WorkspaceShareFeature.class.getName());
    /** Documents per connection: half the relay's default per-connection limit (as {@code bin/weft}). */
    static final int DOCS_PER_CONNECTION = 500;
    /** How long share/join wait for the disk and the room to agree before answering anyway. */
    static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(120);
    /** How long share waits for the relay to acknowledge the upload. */
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(60);
    /** Progress reports at most this often. */
    static final long REPORT_MS = 250;

    private final SessionConfig config;
    private final EditorClient editor;
    private final OpenDocuments open;
    private final CurrentRoom room;
    private final RoomOpener opener;
    private final DocumentLinker linker;
    private final LeaveFeature leave;
    private final StatusPublisher status;
    private final CursorService cursors;
    private final Authorship authorship;
    /** Starts LAN rooms ({@code transport: "lan"}). */
    private final LanRooms lan;
    /** Every workspace folder {@code initialize} named, in order (empty: only the root, if any). */
    private volatile List<Path> folders = List.of();
    /** The editor declared {@code window.workDoneProgress}. */
    private volatile boolean progressSupported;
    /** The editor can register {@code workspace/didChangeWatchedFiles} dynamically. */
    private volatile boolean watchRegistration;
    /** Resource operations the editor applies in {@code workspace/applyEdit} ("create", "rename", "delete"). */
    private volatile Set<String> resourceOperations = Set.of();

    WorkspaceShareFeature(SessionConfig config, EditorClient editor, OpenDocuments open, CurrentRoom room,
                          RoomOpener opener, DocumentLinker linker, LeaveFeature leave, StatusPublisher status,
                          CursorService cursors, Authorship authorship, LanRooms lan) {
        this.config = config;
        this.editor = editor;
        this.open = open;
        this.room = room;
        this.opener = opener;
        this.linker = linker;
        this.leave = leave;
        this.status = status;
        this.cursors = cursors;
        this.authorship = authorship;
        this.lan = lan;
    }

    void configure(List<Path> workspaceFolders, boolean workDoneProgress, boolean watchRegistration,
                   Set<String> resourceOperations) {
        this.folders = workspaceFolders == null ? List.of() : List.copyOf(workspaceFolders);
        this.progressSupported = workDoneProgress;
        this.watchRegistration = watchRegistration;
        this.resourceOperations = resourceOperations == null ? Set.of() : Set.copyOf(resourceOperations);
    }

    // ---- share ----------------------------------------------------------------------------------------------

    /** {@code weft.shareWorkspace}; runs on the session thread. */
    WeftProtocol.WorkspaceResult share(WeftProtocol.ShareWorkspaceArgs args) throws Exception {
        WeftProtocol.ShareWorkspaceArgs a = args == null ? new WeftProtocol.ShareWorkspaceArgs() : args;
        Room current = room.get();
        if (current != null && current.workspace != null) {
            return result(current, null);
        }
        if (current != null) {
            throw SessionThread.error(ResponseErrorCode.InvalidRequest, "already sharing files in room " + current.id
                    + "; leave it (weft.leave) before sharing the whole workspace");
        }
        List<Path> dirs = shareFolders(a);
        boolean branchScoped = Boolean.TRUE.equals(a.branches);
        if (branchScoped && dirs.size() != 1) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, "a branch-scoped share is of one folder (a git"
                    + " working copy); pass {\"folders\": [one URI], \"branches\": true}");
        }
        boolean overLan = Transport.forShare(a.transport, config.options().transport) == Transport.LAN;
        List<String> names = rootNames(dirs);
        try (WorkspaceProgress progress = WorkspaceProgress.begin(editor.client(), progressSupported,
                "Weft: sharing workspace", overLan ? "starting the LAN node" : "connecting to the relay")) {
            Room r = overLan ? lan.createRoom(a.label) : createRelayRoom(a);
            RoomConnector.RoomConnection rc = r.client;
            RoomJournal rj = r.journal;
            ChannelPool pool = overLan ? lanPool(rc) : pool(rc, r.link);
            List<WorkspaceRoom.Root> roots = new ArrayList<>();
            GitIdentity me = authorship.identity(rc.userName(), dirs.get(0));
            AuthorRecorder authors = null;
            if (branchScoped) {
                r.workspace = startBranchRoom(dirs.get(0), pool, me, new ArrayList<>(), rj);
            } else {
                for (int i = 0; i < dirs.size(); i++) {
                    WorkspaceRoom.Root root = startRoot(dirs.size() == 1 ? "" : names.get(i), dirs.get(i),
                            TreeNames.rootTree(i), r.id, pool, new ArrayList<>());
                    authors = Authorship.record(authors, root.engine(), root.agent(), me, pool);
                    roots.add(root);
                }
                r.workspace = new WorkspaceRoom(roots, pool, authors);
            }
            roots = r.workspace.roots;
            room.set(r);
            if (dirs.size() > 1) {
                publishRoots(rc, roots);
            }
            List<String> leftOut = awaitSettled(r.workspace, progress, "sharing");
            progress.report(overLan ? "waiting for this node's journal to store every file"
                    : "waiting for the relay to store every file", 100);
            for (WorkspaceRoom.Root root : roots) {
                Workspace engine = root.engine();
                if (engine != null && !engine.awaitAllAcked(ACK_TIMEOUT)
                        || root.branches() != null && !root.branches().awaitLogged(ACK_TIMEOUT)) {
                    LOG.warning("the room did not acknowledge every file of " + root.dir() + " within "
                            + ACK_TIMEOUT.toSeconds() + " s; they keep syncing");
                }
            }
            afterStart(r);
            WeftProtocol.WorkspaceResult res = result(r, leftOut);
            progress.end(res.files + " files shared");
            return res;
        }
    }

    /** A new relay room (on {@code a.relayUrl}, else the configured relay), its Welcome awaited. */
    private Room createRelayRoom(WeftProtocol.ShareWorkspaceArgs a) throws Exception {
        RoomOpener.CreatedRoom created = opener.createRoom(
                RoomOpener.firstNonBlank(a.relayUrl, config.options().relayUrl, WeftProtocol.DEFAULT_RELAY_URL));
        InviteLink link = created.link();
        RoomJournal rj = config.journal().openRoom(created.id());
        RoomConnector.RoomConnection rc = opener.open(link, created.fallbacks());
        try {
            opener.awaitWelcome(rc, link.relay().toString(), false);
        } catch (Exception e) {
            rj.close();
            throw e;
        }
        return new Room(created.id(), rc, link, link.format(), created.readOnly().format(), rj);
    }

    /** The folders to share: the argument's, else every workspace folder, else the workspace root. */
    private List<Path> shareFolders(WeftProtocol.ShareWorkspaceArgs a) {
        List<Path> dirs = new ArrayList<>();
        if (a.folders != null && !a.folders.isEmpty()) {
            for (String uri : a.folders) {
                try {
                    dirs.add(WorkspaceNames.pathOf(uri));
                } catch (IllegalArgumentException e) {
                    throw SessionThread.error(ResponseErrorCode.InvalidParams, "cannot share folder " + uri + ": "
                            + e.getMessage());
                }
            }
        } else if (!folders.isEmpty()) {
            dirs.addAll(folders);
        } else if (config.names().root() != null) {
            dirs.add(config.names().root());
        }
        if (dirs.isEmpty()) {
            throw SessionThread.error(ResponseErrorCode.InvalidRequest, "no workspace folder to share: open a folder"
                    + " or pass {\"folders\": [\"file:///…\"]}");
        }
        List<Path> out = new ArrayList<>();
        for (Path d : dirs) {
            Path n = d.toAbsolutePath().normalize();
            if (!Files.isDirectory(n)) {
                throw SessionThread.error(ResponseErrorCode.InvalidParams, "cannot share " + n + ": not a folder");
            }
            for (Path o : out) {
                if (n.startsWith(o) || o.startsWith(n)) {
                    throw SessionThread.error(ResponseErrorCode.InvalidParams, "cannot share " + n + " and " + o
                            + ": one folder is inside the other");
                }
            }
            out.add(n);
        }
        return out;
    }

    /** Folder names, made unique with " (2)", " (3)"… in order. */
    static List<String> rootNames(List<Path> dirs) {
        List<String> names = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Path d : dirs) {
            String base = d.getFileName() == null ? "root" : d.getFileName().toString();
            String n = base;
            for (int k = 2; !used.add(n.toLowerCase(java.util.Locale.ROOT)); k++) {
                n = base + " (" + k + ")";
            }
            names.add(n);
        }
        return names;
    }

    /** The room's list of roots (multi-root shares), written once and acknowledged. */
    private void publishRoots(SyncChannel channel, List<WorkspaceRoom.Root> roots) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (WorkspaceRoom.Root r : roots) {
            sb.append(r.treeDoc()).append('\t').append(r.name()).append('\n');
        }
        SharedDocument d = SharedDocument.open(channel, TreeNames.ROOTS, new TextDocument(newAgent()));
        try {
            d.firstSync().get(30, TimeUnit.SECONDS);
            d.edit(t -> t.insert(0, sb.toString())).get(10, TimeUnit.SECONDS);
            if (!d.awaitAllAcked(Duration.ofSeconds(30))) {
                LOG.warning("the relay did not acknowledge the list of roots within 30 s");
            }
        } finally {
            d.close();
        }
    }

    // ---- join -----------------------------------------------------------------------------------------------

    /**
     * {@code weft.join} when the link's room is a shared workspace (its Welcome lists {@link TreeNames#TREE});
     * runs on the session thread.
     *
     * @return the result, or null when the room is not a workspace room (or the link is bad, or the relay
     *         unreachable): {@link JoinFeature} then handles the join as before
     */
    WeftProtocol.WorkspaceResult tryJoin(WeftProtocol.JoinArgs args) throws Exception {
        if (args == null || args.link == null || args.link.isBlank()) {
            return null;
        }
        InviteLink link;
        try {
            link = InviteLink.parse(args.link.trim());
        } catch (MalformedInviteLinkException e) {
            return null;
        }
        Room current = room.get();
        if (current != null && current.id.equals(link.room())) {
            return current.workspace == null ? null : result(current, null);
        }
        RoomConnector.RoomConnection rc = opener.open(link);
        Message.Welcome w;
        try {
            w = opener.awaitWelcome(rc, link.relay().toString(), true);
        } catch (RuntimeException e) {
            return null; // refused: JoinFeature reports it
        }
        if (w == null || !isWorkspace(w.docNames())) {
            rc.close();
            return null;
        }
        if (current != null) {
            leave.leaveNow();
        }
        RoomJournal rj;
        try {
            rj = config.journal().openRoom(link.room());
        } catch (IOException | RuntimeException e) {
            rc.close();
            throw e;
        }
        return enter(new Room(link.room(), rc, link, rc.readOnly() ? null : link.format(), null, rj), w.docNames(),
                pool(rc, link));
    }

    /**
     * {@code weft.join} of a LAN link ({@link JoinFeature#startLan} started the node) when the room is a shared
     * workspace; runs on the session thread.
     *
     * @return the result, or null when the room is not a workspace room: {@link JoinFeature#enterLan} then joins
     *         it document by document with the node already started
     */
    WeftProtocol.WorkspaceResult tryJoinLan(JoinFeature.LanStart s) throws Exception {
        if (s.current() != null) {
            return s.current().workspace == null ? null : result(s.current(), null);
        }
        if (!isWorkspace(s.docNames())) {
            return null;
        }
        return enter(s.room(), s.docNames(), lanPool(s.room().client));
    }

    /** True if a room holding {@code docNames} is a shared workspace (a tree log, or branch scope). */
    private static boolean isWorkspace(List<String> docNames) {
        return docNames.contains(TreeNames.TREE) || docNames.contains(TreeNames.BRANCHES);
    }

    /**
     * Mirrors the workspace room {@code r} (its connection open, its journal slot locked, not yet the session's)
     * into the editor's folders and makes it the session's room. If no folder can take it, the room is closed.
     */
    private WeftProtocol.WorkspaceResult enter(Room r, List<String> docNames, ChannelPool pool) throws Exception {
        boolean branchScoped = docNames.contains(TreeNames.BRANCHES);
        try (WorkspaceProgress progress = WorkspaceProgress.begin(editor.client(), progressSupported,
                "Weft: joining workspace", "reading the room")) {
            List<String[]> rootList;
            List<Path> dirs;
            try {
                rootList = !branchScoped && docNames.contains(TreeNames.ROOTS) ? readRoots(r.client)
                        : List.<String[]>of(new String[]{TreeNames.TREE, ""});
                dirs = joinFolders(rootList);
            } catch (Exception e) {
                pool.close();
                r.journal.close();
                throw e;
            }
            List<WorkspaceRoom.Root> roots = new ArrayList<>();
            List<WorkspaceFollower> followers = new ArrayList<>();
            GitIdentity me = authorship.identity(r.client.userName(), dirs.get(0));
            AuthorRecorder authors = null;
            if (branchScoped) {
                r.workspace = startBranchRoom(dirs.get(0), pool, me, followers, r.journal);
            } else {
                for (int i = 0; i < rootList.size(); i++) {
                    Files.createDirectories(dirs.get(i));
                    WorkspaceRoom.Root root = startRoot(rootList.get(i)[1], dirs.get(i), rootList.get(i)[0],
                            r.id, pool, followers);
                    authors = Authorship.record(authors, root.engine(), root.agent(), me, pool);
                    roots.add(root);
                }
                r.workspace = new WorkspaceRoom(roots, pool, authors);
            }
            room.set(r);
            List<String> leftOut = awaitSettled(r.workspace, progress, "joining");
            afterStart(r);
            // Asked after the join answered (the question waits for the user): local copies kept aside.
            CompletableFuture.runAsync(() -> JoinConflicts.offer(editor, followers));
            WeftProtocol.WorkspaceResult res = result(r, leftOut);
            progress.end(res.files + " files on disk");
            return res;
        }
    }

    /** Reads {@link TreeNames#ROOTS}: each line {@code treeDoc TAB name}; bad lines are refused with the reason. */
    private List<String[]> readRoots(SyncChannel channel) throws Exception {
        SharedDocument d = SharedDocument.open(channel, TreeNames.ROOTS, new TextDocument(newAgent()));
        String text;
        try {
            d.firstSync().get(30, TimeUnit.SECONDS);
            text = d.call(TextDocument::getText).get(10, TimeUnit.SECONDS);
        } finally {
            d.close();
        }
        List<String[]> roots = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String line : text.split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length != 2 || !f[0].startsWith(TreeNames.TREE) || f[1].isEmpty() || f[1].contains("/")
                    || PathRules.nameProblem(f[1]) != null || !seen.add(f[1].toLowerCase(java.util.Locale.ROOT))) {
                if (!line.isEmpty()) {
                    LOG.warning("ignoring a bad line in the room's list of roots: '" + line + "'");
                }
                continue;
            }
            roots.add(f);
        }
        if (roots.isEmpty()) {
            roots.add(new String[]{TreeNames.TREE, ""});
        }
        return roots;
    }

    /**
     * Where each root goes: a single root into the first workspace folder; several into the workspace folder of
     * the same name if the editor has one, else into {@code <first folder>/<name>}.
     */
    private List<Path> joinFolders(List<String[]> rootList) {
        List<Path> mine = !folders.isEmpty() ? folders
                : config.names().root() != null ? List.of(config.names().root()) : List.of();
        if (mine.isEmpty()) {
            throw SessionThread.error(ResponseErrorCode.InvalidRequest, "this room is a shared workspace: open a"
                    + " folder to join it into (its files are written there)");
        }
        if (rootList.size() == 1) {
            return List.of(mine.get(0));
        }
        List<Path> dirs = new ArrayList<>();
        for (String[] r : rootList) {
            Path match = null;
            for (Path m : mine) {
                if (m.getFileName() != null && m.getFileName().toString().equals(r[1])) {
                    match = m;
                }
            }
            dirs.add(match != null ? match : WorkspaceNames.resolve(mine.get(0), r[1]));
        }
        return dirs;
    }

    // ---- common ---------------------------------------------------------------------------------------------

    /** A LAN room's pool: its one node serves every document (it has no per-connection limit). */
    private static ChannelPool lanPool(RoomConnector.RoomConnection node) {
        return new ChannelPool(node, () -> node, Integer.MAX_VALUE);
    }

    private ChannelPool pool(RoomConnector.RoomConnection first, InviteLink link) {
        return new ChannelPool(first, () -> {
            RoomConnector.RoomConnection c = opener.open(link);
            c.connect();
            return c;
        }, DOCS_PER_CONNECTION);
    }

    /** Starts the engine of one root, with a {@link WorkspaceFollower} (added to {@code followers}) listening. */
    private WorkspaceRoom.Root startRoot(String name, Path dir, String treeDoc, String roomId, ChannelPool pool,
                                         List<WorkspaceFollower> followers) throws IOException {
        Workspace.Options o = Workspace.Options.of(dir, this::notice).withStateFor(roomId).withTreeDocument(treeDoc);
        Workspace engine = Workspace.start(o, pool);
        WorkspaceFollower f = new WorkspaceFollower(editor, open, cursors, room::get, o.root(), resourceOperations);
        engine.addEditorFileListener(f);
        followers.add(f);
        return new WorkspaceRoom.Root(name, o.root(), treeDoc, engine, o.agent());
    }

    /**
     * Starts a branch-scoped room on {@code dir} ({@code docs/git.md}, "Editors on branches"): its branch
     * controller, the authors recorder of every branch's engine, and the buffers that follow checkouts. If the
     * controller cannot start, {@code pool} and {@code rj} are closed.
     *
     * @throws org.eclipse.lsp4j.jsonrpc.ResponseErrorException (invalid request) if {@code dir} is not in a git
     *         work tree or HEAD is detached
     */
    private WorkspaceRoom startBranchRoom(Path dir, ChannelPool pool, GitIdentity me,
                                          List<WorkspaceFollower> followers, RoomJournal rj)
            throws IOException, InterruptedException {
        Workspace.Options o = Workspace.Options.of(dir, this::branchNotice);
        BranchWorkspace bw;
        try {
            bw = BranchWorkspace.start(o, pool, me);
        } catch (IOException | InterruptedException | RuntimeException e) {
            pool.close();
            rj.close();
            if (e instanceof GitRepo.NotARepositoryException || e instanceof BranchWorkspace.DetachedHeadException) {
                throw SessionThread.error(ResponseErrorCode.InvalidRequest, "a branch-scoped workspace needs a git"
                        + " working copy with a branch checked out: " + e.getMessage());
            }
            throw e;
        }
        WorkspaceFollower f = new WorkspaceFollower(editor, open, cursors, room::get, o.root(), resourceOperations);
        Workspace first = bw.mirror().workspace();
        first.addEditorFileListener(f);
        followers.add(f);
        BranchBuffers buffers = new BranchBuffers(editor, open, cursors, room::get, o.root(), bw,
                (rm, od) -> bindLeased(rm, od, true), f);
        bw.addMoveListener(buffers);
        AuthorRecorder authors = AuthorRecorder.start(bw, o.agent(), me, pool.next());
        WorkspaceRoom.Root root = new WorkspaceRoom.Root("", o.root(), TreeNames.branchTree(bw.branch()), first,
                o.agent(), bw);
        editor.show(MessageType.Info, "Weft: branch-scoped; on branch " + bw.branch());
        return new WorkspaceRoom(List.of(root), pool, authors, buffers);
    }

    /** A branch controller's message: where the others are and this peer's moves are shown; the rest as engines'. */
    private void branchNotice(String message) {
        if (message.contains(" is on ") || message.contains(" left branch ") || message.contains(" is at commit ")
                || message.startsWith("left branch ") || message.startsWith("HEAD is detached")
                || message.startsWith("leaving branch ")) {
            LOG.info("branches: " + message);
            editor.show(MessageType.Info, "Weft: " + message);
        } else {
            notice(message);
        }
    }

    /** An engine's message for the user: kept-aside copies, restores and errors are shown; the rest is logged. */
    private void notice(String message) {
        LOG.info("workspace: " + message);
        if (message.contains("differed from the room's") && editor.canAsk()) {
            return; // asked about once the join is done (JoinConflicts)
        }
        if (message.contains("kept") || message.contains("restored") || message.startsWith("error")) {
            editor.show(MessageType.Warning, "Weft: " + message);
        }
    }

    /**
     * Waits (bounded by {@link #SETTLE_TIMEOUT}) until every root's disk and the room agree, reporting progress.
     *
     * @return what was left out here and why
     */
    private List<String> awaitSettled(WorkspaceRoom ws, WorkspaceProgress progress, String verb)
            throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        List<String> leftOut = new ArrayList<>();
        for (WorkspaceRoom.Root r : ws.roots) {
            if (r.engine() == null) {
                continue;   // a branch-scoped root moving to another branch already
            }
            FolderScanner.Scan scan = await(r.engine().firstPass(), deadline, ws, progress, verb);
            if (scan != null) {
                for (String line : IgnoreRules.describe(scan.excluded(), 50)) {
                    leftOut.add(r.name().isEmpty() ? line : r.name() + "/" + line);
                }
            }
        }
        for (WorkspaceRoom.Root r : ws.roots) {
            if (r.engine() != null && await(r.engine().settled(), deadline, ws, progress, verb) == null) {
                LOG.warning(r.dir() + " not in sync after " + SETTLE_TIMEOUT.toSeconds() + " s; it keeps syncing");
            }
        }
        return leftOut;
    }

    private static <T> T await(CompletableFuture<T> f, long deadline, WorkspaceRoom ws, WorkspaceProgress progress,
                               String verb) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            try {
                return f.get(REPORT_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                progress.report(verb + ": " + progressText(ws), percent(ws));
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.log(Level.WARNING, verb + " failed", e.getCause());
                return null;
            }
        }
        return null;
    }

    /** The engines' progress lines joined ("4210/5000 room files on disk"). */
    static String progressText(WorkspaceRoom ws) {
        List<String> parts = new ArrayList<>();
        for (WorkspaceRoom.Root r : ws.roots) {
            Workspace engine = r.engine();
            parts.add((r.name().isEmpty() ? "" : r.name() + ": ") + (engine == null ? "changing branch"
                    : engine.progress()));
        }
        return String.join(", ", parts);
    }

    private static Integer percent(WorkspaceRoom ws) {
        Workspace engine = ws.roots.get(0).engine();
        return engine == null ? null : WorkspaceProgress.percentOf(engine.progress());
    }

    /** Binds the files already open in the editor, asks for file events, publishes status. */
    private void afterStart(Room r) {
        for (OpenDocument od : open.all()) {
            if (od.binding() == null) {
                didOpen(r, od);
            }
        }
        if (watchRegistration && editor.client() != null) {
            FileSystemWatcher all = new FileSystemWatcher(Either.forLeft("**/*"));
            Registration reg = new Registration("weft-workspace-files", "workspace/didChangeWatchedFiles",
                    new DidChangeWatchedFilesRegistrationOptions(List.of(all)));
            editor.client().registerCapability(new RegistrationParams(List.of(reg)));
        }
        status.changed();
    }

    private WeftProtocol.WorkspaceResult result(Room r, List<String> leftOut) {
        WeftProtocol.WorkspaceResult res = new WeftProtocol.WorkspaceResult();
        res.room = r.id;
        res.inviteLink = r.inviteLink;
        res.readOnlyInviteLink = r.readOnlyInviteLink;
        for (WorkspaceRoom.Root root : r.workspace.roots) {
            res.folders.add(WorkspaceNames.uriOf(root.dir()));
            BranchWorkspace.Mirror m = root.branches() == null ? null : root.branches().mirror();
            if (m != null) {
                res.branch = m.branch();
            }
            Workspace engine = m != null ? m.workspace() : root.engine();
            if (engine == null) {
                continue;
            }
            try {
                res.files += engine.files().get(10, TimeUnit.SECONDS).size();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "could not count the files of " + root.dir(), e);
            }
        }
        if (leftOut != null) {
            res.leftOut.addAll(leftOut);
        }
        return res;
    }

    // ---- editor buffers -------------------------------------------------------------------------------------

    /**
     * {@code didOpen} in a workspace room: a file under a shared root is bound through an engine lease (after the
     * engine merged what changed on disk). A file the engine does not track yet (just created) gets one pass first.
     *
     * @return false if {@code od} is not under a shared root of {@code r} (not handled here)
     */
    boolean didOpen(Room r, OpenDocument od) {
        return bindLeased(r, od, false);
    }

    /**
     * {@link #didOpen}; {@code afterMove}: the buffer followed a checkout ({@link BranchBuffers}), so it may still
     * show another branch's text, which must never become this branch's: if this branch's file is empty the
     * buffer is left unbound (binding would share its text) and the user is told, as when the branch has no such
     * file.
     */
    private boolean bindLeased(Room r, OpenDocument od, boolean afterMove) {
        WorkspaceRoom ws = r.workspace;
        if (ws == null) {
            return false;
        }
        Path p;
        try {
            p = WorkspaceNames.pathOf(od.uri);
        } catch (IllegalArgumentException e) {
            return false;
        }
        WorkspaceRoom.Located loc = ws.locate(p);
        if (loc == null) {
            return false;
        }
        BranchWorkspace.Mirror m = loc.root().branches() == null ? null : loc.root().branches().mirror();
        Workspace engine = m != null ? m.workspace() : loc.root().engine();
        if (engine == null || !afterMove && ws.branchBuffers != null && ws.branchBuffers.awaitingRebind(od.uri)) {
            return true;   // changing branch: BranchBuffers binds it once the new branch's engine has settled
        }
        String branch = m == null ? null : m.branch();
        java.util.concurrent.atomic.AtomicReference<EditorLease> emptyLease = new java.util.concurrent.atomic
                .AtomicReference<>();
        engine.openInEditor(loc.relPath())
                .exceptionallyCompose(e -> engine.sync().thenCompose(v -> engine.openInEditor(loc.relPath())))
                .thenCompose(lease -> lease.document().firstSync().thenApply(v -> lease))
                .thenCompose(lease -> lease.document().call(t -> {
                    if (t.getText().isEmpty()) {
                        emptyLease.set(lease);   // read on the replica's executor
                    }
                    return lease;
                }))
                .whenComplete((lease, err) -> {
                    if (err != null) {
                        LOG.info("not binding " + od.uri + " (not a shared text file yet): " + err.getMessage());
                        if (afterMove) {
                            editor.show(MessageType.Warning, "Weft: '" + loc.relPath() + "' is not on branch "
                                    + branch + "; the buffer is not shared (saving it would add it to " + branch
                                    + ")");
                        }
                        return;
                    }
                    if (room.get() != r || open.get(od.uri) != od || ws.leased.containsKey(od.uri)
                            || m != null && loc.root().branches().mirror().workspace() != engine) {
                        lease.close(); // closed, left, bound or moved to another branch meanwhile
                        return;
                    }
                    if (afterMove && emptyLease.get() == lease && od.binding() == null && !od.text().isEmpty()) {
                        lease.close();
                        editor.show(MessageType.Warning, "Weft: '" + loc.relPath() + "' is empty on branch "
                                + branch + "; close and reopen it to edit it there (the buffer still shows"
                                + " another branch's text, which is not shared)");
                        return;
                    }
                    RoomDocument rd = ws.docsByFileId.computeIfAbsent(engine, e -> new java.util.concurrent
                            .ConcurrentHashMap<>()).computeIfAbsent(lease.fileId(), id -> newDocument(r, lease,
                            loc.displayName()));
                    rd.localPath = p;
                    r.docs.put(rd.name, rd);
                    ws.leased.put(od.uri, new WorkspaceRoom.Leased(lease, rd, engine, branch));
                    linker.bind(r, rd, od);
                    Authorship.recordEditorDeletions(ws.authors, lease, rd.binding);
                });
        return true;
    }

    private RoomDocument newDocument(Room r, EditorLease lease, String name) {
        RoomDocument rd = new RoomDocument(name, lease.replica(), lease.document());
        lease.document().addRemoteChangeListener(changes -> status.changed());
        lease.document().addAwarenessListener((clientId, state) -> cursors.onAwareness(rd));
        return rd;
    }

    /**
     * {@code didClose} of a leased buffer: ends the lease (the engine mirrors the file to disk again).
     *
     * @return false if {@code b} is not a workspace binding
     */
    boolean didClose(Room r, String uri, DocumentBinding b) {
        WorkspaceRoom ws = r == null ? null : r.workspace;
        if (ws == null) {
            return false;
        }
        WorkspaceRoom.Leased l = ws.leased.get(uri);
        if (l == null || l.doc().binding != b) {
            return false;
        }
        ws.leased.remove(uri);
        cursors.clear(l.doc(), uri);
        l.doc().binding = null;
        r.docs.remove(l.doc().name, l.doc());
        l.lease().close();
        return true;
    }

    /** {@code workspace/didChangeWatchedFiles}: passes soon, and binds open buffers whose files are now shared. */
    void filesChanged() {
        Room r = room.get();
        if (r == null || r.workspace == null) {
            return;
        }
        WorkspaceRoom ws = r.workspace;
        List<CompletableFuture<Void>> passes = new ArrayList<>();
        for (WorkspaceRoom.Root root : ws.roots) {
            Workspace engine = root.engine();
            if (engine != null) {
                passes.add(engine.sync());
            }
        }
        CompletableFuture.allOf(passes.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            for (OpenDocument od : open.all()) {
                if (od.binding() == null && !ws.leased.containsKey(od.uri) && room.get() == r) {
                    didOpen(r, od);
                }
            }
        });
    }

    /**
     * {@code didChange} of an open document: in a branch-scoped room, {@link BranchBuffers} passes it on or holds it
     * while git is busy.
     *
     * @return false if the caller routes it as usual
     */
    boolean didChange(OpenDocument od, int version, List<TextDocumentContentChangeEvent> changes) {
        Room r = room.get();
        BranchBuffers b = r == null || r.workspace == null ? null : r.workspace.branchBuffers;
        return b != null && b.didChange(od, version, changes);
    }

    private static long newAgent() {
        return new SecureRandom().nextLong() & ((1L << 53) - 1);
    }

    /** For tests and status: the roots of the current workspace room, or empty. */
    List<Path> sharedFolders() {
        Room r = room.get();
        if (r == null || r.workspace == null) {
            return List.of();
        }
        return r.workspace.roots.stream().map(WorkspaceRoom.Root::dir).toList();
    }

}
