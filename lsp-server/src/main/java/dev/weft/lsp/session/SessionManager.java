package dev.weft.lsp.session;

import dev.weft.lsp.notices.RelayErrorNotices;
import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.binding.PositionEncoding;
import dev.weft.lsp.cursors.CursorDocument;
import dev.weft.lsp.cursors.CursorHost;
import dev.weft.lsp.cursors.CursorService;
import dev.weft.lsp.customservice.WeftLanguageClient;
import dev.weft.lsp.customservice.WeftProtocol;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The session: a thin router from the LSP shell to one class per feature (lemminx's {@code XMLLanguageService}
 * shape). Each handler is a few lines that delegate:
 *
 * <table>
 *   <caption>Where each behaviour lives</caption>
 *   <tr><td>what the editor can do, calls to it</td><td>{@link EditorClient}</td></tr>
 *   <tr><td>{@code didOpen}/{@code didChange}/{@code didClose} routing</td><td>here, {@link OpenDocuments}</td></tr>
 *   <tr><td>{@code weft.share}</td><td>{@link ShareFeature}</td></tr>
 *   <tr><td>{@code weft.join}</td><td>{@link JoinFeature}; files on disk: {@link FileMaterialiser}</td></tr>
 *   <tr><td>transports (relay, direct, LAN), {@code weft.lanSessions}</td><td>{@link Transport},
 *       {@link RoomOpener}, {@link LanRooms}</td></tr>
 *   <tr><td>{@code weft.leave}</td><td>{@link LeaveFeature}</td></tr>
 *   <tr><td>{@code weft.pause}/{@code resume}</td><td>{@link PauseFeature}</td></tr>
 *   <tr><td>{@code weft.undo}/{@code redo}</td><td>{@link UndoFeature}</td></tr>
 *   <tr><td>{@code weft.status}, {@code weft/status}</td><td>{@link StatusPublisher}</td></tr>
 *   <tr><td>{@code weft.blame}, {@code weft.stageMine}, {@code weft.commit}; identity, authors log</td>
 *       <td>{@link BlameFeature}, {@link StageMineFeature}, {@link CommitFeature}; {@link Authorship}</td></tr>
 *   <tr><td>journal saves</td><td>{@link JournalScheduler}</td></tr>
 *   <tr><td>replica + network + binding of one document</td><td>{@link DocumentLinker}</td></tr>
 *   <tr><td>remote cursors, presence</td><td>{@link CursorService} through {@link CursorHost}</td></tr>
 * </table>
 *
 * <p>Threading: commands that touch the network run on one {@link SessionThread} (never LSP4J's message thread);
 * document work runs on each document's executor.
 */
public final class SessionManager {
    private static final Logger LOG = Logger.getLogger(SessionManager.class.getName());

    private final SessionThread thread = new SessionThread();
    private final SessionConfig config = new SessionConfig();
    private final EditorClient editor = new EditorClient();
    private final OpenDocuments open = new OpenDocuments();
    private final CurrentRoom room = new CurrentRoom();
    private final CursorService cursors;
    /** Relay refusals the user must see (size limits), shown as window/showMessage. */
    private final RelayErrorNotices notices = new RelayErrorNotices(editor::client);
    private final StatusPublisher status;
    private final JournalScheduler journal;
    private final DocumentLinker linker;
    private final ShareFeature share;
    private final JoinFeature join;
    /** LAN rooms' nodes and {@code weft.lanSessions}. */
    private final LanRooms lan;
    private final LeaveFeature leave;
    private final PauseFeature pause;
    private final UndoFeature undo;
    private final WorkspaceShareFeature workspaceShare;
    private final Authorship authorship;
    private final BlameFeature blame;
    private final StageMineFeature stageMine;
    private final CommitFeature commit;
    /** Per-file rooms: disk text at close, merged on reopen. */
    private final ClosedFileBases closedBases = new ClosedFileBases();

    public SessionManager() {
        this(RoomConnector.RELAY);
    }

    /** A session manager reaching rooms through {@code connector} (tests pass an in-memory relay). */
    public SessionManager(RoomConnector connector) {
        StatusPublisher[] statusRef = new StatusPublisher[1];
        authorship = new Authorship(config);
        cursors = new CursorService(new Host(() -> statusRef[0].changed()));
        status = new StatusPublisher(thread, editor, room, r -> cursors.participants());
        statusRef[0] = status;
        journal = new JournalScheduler(thread, config);
        linker = new DocumentLinker(config, editor, journal, status, cursors, notices);
        RoomOpener opener = new RoomOpener(connector, config, status, notices);
        lan = new LanRooms(config, opener);
        leave = new LeaveFeature(room, open, cursors, journal);
        share = new ShareFeature(config, room, open, opener, linker, journal, status, lan);
        join = new JoinFeature(thread, config, room, opener, linker, new FileMaterialiser(config, editor, open, linker),
                leave, status, lan);
        pause = new PauseFeature(room, status);
        undo = new UndoFeature(room, open);
        workspaceShare = new WorkspaceShareFeature(config, editor, open, room, opener, linker, leave, status, cursors,
                authorship, lan);
        blame = new BlameFeature(room);
        stageMine = new StageMineFeature(room, authorship);
        commit = new CommitFeature(room, authorship);
    }

    /** What {@code initialize} said about workspace sharing: every folder, progress and file-watch support. */
    public void configureWorkspace(List<Path> folders, boolean workDoneProgress, boolean watchRegistration,
                                   java.util.Set<String> resourceOperations) {
        workspaceShare.configure(folders, workDoneProgress, watchRegistration, resourceOperations);
    }

    // ---- configuration (initialize) ----------------------------------------------------------------------------

    public void connect(WeftLanguageClient c) {
        editor.connect(c);
    }

    /** Applies what {@code initialize} negotiated. */
    public void configure(PositionEncoding enc, Path workspaceRoot, WeftProtocol.InitOptions opts,
                          boolean showDocument, boolean showMessageRequest, boolean inlayRefresh) {
        editor.configure(enc, showDocument, showMessageRequest, inlayRefresh);
        config.configure(workspaceRoot, opts);
    }

    public PositionEncoding encoding() {
        return editor.encoding();
    }

    public WeftLanguageClient client() {
        return editor.client();
    }

    public Room room() {
        return room.get();
    }

    public CursorService cursors() {
        return cursors;
    }

    public OpenDocument openDocument(String uri) {
        return open.get(uri);
    }

    // ---- text document sync ---------------------------------------------------------------------------------

    public void didOpen(String uri, String languageId, String text, int version) {
        OpenDocument od = new OpenDocument(uri, languageId, text, version);
        open.put(od);
        RoomDocument rd = room.byUri(uri);
        Room r = room.get();
        if (rd != null && r != null) {
            closedBases.reopened(rd, text);
            linker.bind(r, rd, od);
        } else if (r != null) {
            workspaceShare.didOpen(r, od);
        }
    }

    public void didChange(String uri, int version, List<TextDocumentContentChangeEvent> changes) {
        OpenDocument od = open.get(uri);
        if (od == null) {
            LOG.warning("didChange for a document that is not open: " + uri);
            return;
        }
        if (!workspaceShare.didChange(od, version, changes)) {
            od.didChange(version, changes, editor.encoding());
        }
    }

    public void didClose(String uri) {
        OpenDocument od = open.remove(uri);
        DocumentBinding b = od == null ? null : od.binding();
        if (b == null) {
            return;
        }
        b.close();
        Room r = room.get();
        if (workspaceShare.didClose(r, uri, b)) {
            return;
        }
        if (r != null) {
            for (RoomDocument rd : r.docs.values()) {
                if (rd.binding == b) {
                    rd.binding = null;
                    closedBases.closed(rd);
                    journal.schedule(r, rd);
                }
            }
        }
    }

    // ---- commands -------------------------------------------------------------------------------------------

    /** {@code weft.share}. */
    public CompletableFuture<WeftProtocol.ShareResult> share(WeftProtocol.ShareArgs args) {
        return thread.command(() -> {
            Room r = room.get();
            if (r != null && r.workspace != null) {
                // Every file of the shared folders is shared already: answer with the room's links.
                WeftProtocol.ShareResult res = new WeftProtocol.ShareResult();
                res.room = r.id;
                res.inviteLink = r.inviteLink;
                res.readOnlyInviteLink = r.readOnlyInviteLink;
                return res;
            }
            return share.share(args);
        });
    }

    /** {@code weft.shareWorkspace}: every workspace folder, through the workspace engine. */
    public CompletableFuture<WeftProtocol.WorkspaceResult> shareWorkspace(WeftProtocol.ShareWorkspaceArgs args) {
        return thread.command(() -> workspaceShare.share(args));
    }

    /** {@code weft.join}: a shared-workspace room is mirrored folder-wide, any other room as before. */
    public CompletableFuture<WeftProtocol.JoinResult> join(WeftProtocol.JoinArgs args) {
        return thread.command(() -> {
            if (args != null && dev.weft.client.lan.LanLink.isLanLink(args.link)) {
                JoinFeature.LanStart s = join.startLan(args);
                WeftProtocol.WorkspaceResult w = workspaceShare.tryJoinLan(s);
                return w != null ? w : join.enterLan(s);
            }
            WeftProtocol.WorkspaceResult w = workspaceShare.tryJoin(args);
            return w != null ? w : join.join(args);
        });
    }

    /** {@code workspace/didChangeWatchedFiles}: shared folders take the changes in at once. */
    public void filesChanged() {
        workspaceShare.filesChanged();
    }

    /** The local folders of the current shared-workspace room (empty outside one). */
    public List<Path> sharedFolders() {
        return workspaceShare.sharedFolders();
    }

    /**
     * {@code weft.lanSessions}: the LAN rooms advertised on the network now. Not on the session thread (it may
     * listen for a while); it reads only the current room reference.
     */
    public CompletableFuture<WeftProtocol.LanSessionsResult> lanSessions(WeftProtocol.LanSessionsArgs args) {
        CompletableFuture<WeftProtocol.LanSessionsResult> f = new CompletableFuture<>();
        LAN_SESSIONS_EXECUTOR.execute(() -> {
            try {
                f.complete(lan.sessions(args, room.get()));
            } catch (org.eclipse.lsp4j.jsonrpc.ResponseErrorException e) {
                f.completeExceptionally(e);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "weft.lanSessions failed", e);
                f.completeExceptionally(SessionThread.error(
                        org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode.InternalError, String.valueOf(e)));
            }
        });
        return f;
    }

    /** Runs {@code weft.lanSessions} calls, one at a time, off the session thread. */
    private static final java.util.concurrent.Executor LAN_SESSIONS_EXECUTOR =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "weft-lan-sessions");
                t.setDaemon(true);
                return t;
            });

    /** {@code weft.leave}: stops sharing; local files and the journal stay. */
    public CompletableFuture<Object> leave() {
        return thread.command(() -> {
            leave.leaveNow();
            status.changed();
            return null;
        });
    }

    /** {@code weft.pause} / {@code weft.resume}. */
    public CompletableFuture<Object> setPaused(boolean paused) {
        return thread.command(() -> {
            pause.setPaused(paused);
            return null;
        });
    }

    /** {@code weft.undo} / {@code weft.redo} of the user's own edits in one document. */
    public CompletableFuture<Object> undo(WeftProtocol.UriArgs args, boolean redo) {
        return undo.undo(args, redo);
    }

    /** {@code weft.blame}: the authors of each line's uncommitted characters. */
    public CompletableFuture<WeftProtocol.BlameResult> blame(WeftProtocol.UriArgs args) {
        return thread.command(() -> blame.blame(args));
    }

    /**
     * {@code textDocument/hover} of a plain client: the position is its caret for the others
     * ({@link CursorService#onPositionRequest}); the answer names who typed the line's uncommitted characters.
     */
    public CompletableFuture<org.eclipse.lsp4j.Hover> hover(String uri, org.eclipse.lsp4j.Position position) {
        cursors.onPositionRequest(uri, position);
        return thread.command(() -> blame.hover(uri, position.getLine()));
    }

    /** {@code weft.stageMine}: exactly this participant's changes into the git index. */
    public CompletableFuture<WeftProtocol.StageResult> stageMine(WeftProtocol.GitArgs args) {
        return thread.command(() -> stageMine.stage(args));
    }

    /** {@code weft.commit}: the index, with {@code Co-authored-by} trailers for the other authors in it. */
    public CompletableFuture<WeftProtocol.CommitResult> commit(WeftProtocol.GitArgs args) {
        return thread.command(() -> commit.commit(args));
    }

    /** {@code weft.status}. */
    public WeftProtocol.Status status() {
        return status.status();
    }

    /** Something status reports may have changed: send {@code weft/status} soon (coalesced). */
    public void statusChanged() {
        status.changed();
    }

    /** Flushes journals and closes the connection (shutdown). */
    public void shutdown() {
        try {
            thread.command(() -> {
                leave.leaveNow();
                return null;
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "shutdown did not complete cleanly", e);
        }
        lan.close();
    }

    // ---- lookups --------------------------------------------------------------------------------------------

    /** The document binding for an editor URI, or null. */
    public DocumentBinding bindingOf(String uri) {
        return open.bindingOf(uri);
    }

    /** The room document bound to an editor URI, or null. */
    public RoomDocument roomDocumentOf(String uri) {
        return room.byBinding(open.bindingOf(uri));
    }

    /** What the cursors feature may see of the session: the editor, the room's documents, our name and colour. */
    private final class Host implements CursorHost {
        private final Runnable participantsChanged;

        Host(Runnable participantsChanged) {
            this.participantsChanged = participantsChanged;
        }

        @Override
        public WeftLanguageClient client() {
            return editor.client();
        }

        @Override
        public boolean supportsInlayRefresh() {
            return editor.supportsInlayRefresh();
        }

        @Override
        public boolean drawsCursors() {
            return config.options().drawsCursors;
        }

        @Override
        public Collection<? extends CursorDocument> documents() {
            Room r = room.get();
            return r == null ? List.of() : r.docs.values();
        }

        @Override
        public CursorDocument documentOf(String uri) {
            return roomDocumentOf(uri);
        }

        @Override
        public String userName() {
            Room r = room.get();
            return r == null ? "weft" : r.client.userName();
        }

        @Override
        public String email() {
            Room r = room.get();
            return r == null ? "" : authorship.identity(r).email();
        }

        @Override
        public String color() {
            Room r = room.get();
            return r == null ? CursorService.colorFor(userName()) : r.client.color();
        }

        @Override
        public void participantsChanged() {
            participantsChanged.run();
        }
    }
}
