package dev.weft.lsp.session;

import com.google.gson.Gson;
import dev.weft.crdt.TextDocument;
import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.binding.EditorPort;
import dev.weft.lsp.binding.PositionEncoding;
import dev.weft.lsp.cursors.CursorService;
import dev.weft.lsp.customservice.WeftLanguageClient;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.client.journal.Journal;
import dev.weft.client.journal.RoomJournal;
import dev.weft.client.ConnectionState;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.MalformedInviteLinkException;
import dev.weft.client.RelayRejectedException;
import dev.weft.client.relay.RelayUnreachableException;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.SharedDocument;
import dev.weft.sync.Message;
import org.eclipse.lsp4j.ApplyWorkspaceEditParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ShowDocumentParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentEdit;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Session control (Contract 4 commands) and document routing: which editor documents are shared, in which room,
 * and their bindings. The LSP shell delegates every request here.
 *
 * <p>Threading: commands that touch the network run on one session thread (never LSP4J's message thread);
 * document work runs on each document's executor.
 */
public final class SessionManager {
    private static final Logger LOG = Logger.getLogger(SessionManager.class.getName());
    /** How long join waits for each document's first sync before materialising what it has. */
    static final Duration FIRST_SYNC_TIMEOUT = Duration.ofSeconds(15);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Journal saves are delayed this long after a change, so bursts of typing make one write. */
    static final long JOURNAL_DELAY_MS = 300;

    private final ScheduledExecutorService sessionThread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weft-session");
        t.setDaemon(true);
        return t;
    });
    private final Gson gson = new Gson();
    /** Documents open in the editor by URI string. */
    private final Map<String, OpenDocument> open = new ConcurrentHashMap<>();
    /** The room, or null outside a session. */
    private volatile Room room;
    private volatile WeftLanguageClient client;
    private volatile PositionEncoding encoding = PositionEncoding.UTF16;
    private volatile WorkspaceNames names = new WorkspaceNames(null);
    private volatile WeftProtocol.InitOptions options = new WeftProtocol.InitOptions();
    private volatile Journal journal = new Journal(Journal.defaultDataDir());
    private volatile boolean supportsShowDocument;
    private volatile boolean supportsShowMessageRequest = true;
    private volatile boolean supportsInlayRefresh;
    private final CursorService cursors = new CursorService(this);
    /** Size errors shown to the user (issue 9, item 3). */
    private final dev.weft.lsp.notices.RelayErrorNotices notices = new dev.weft.lsp.notices.RelayErrorNotices(
            () -> client);
    private final AtomicBoolean statusScheduled = new AtomicBoolean();
    private volatile String lastStatusJson = "";

    /** How rooms are created and reached. Immutable reference. */
    private final RoomConnector connector;

    public SessionManager() {
        this(RoomConnector.RELAY);
    }

    /** A session manager reaching rooms through {@code connector} (tests pass an in-memory relay). */
    public SessionManager(RoomConnector connector) {
        this.connector = connector;
        sessionThread.scheduleAtFixedRate(this::sendStatusIfChanged, 500, 500, TimeUnit.MILLISECONDS);
    }

    // ---- configuration (initialize) ----------------------------------------------------------------------------

    public void connect(WeftLanguageClient c) {
        this.client = c;
    }

    /** Applies what {@code initialize} negotiated. */
    public void configure(PositionEncoding enc, Path workspaceRoot, WeftProtocol.InitOptions opts,
                          boolean showDocument, boolean showMessageRequest, boolean inlayRefresh) {
        this.encoding = enc;
        this.names = new WorkspaceNames(workspaceRoot);
        this.options = opts == null ? new WeftProtocol.InitOptions() : opts;
        this.journal = new Journal(this.options.dataDir != null && !this.options.dataDir.isBlank()
                ? Path.of(this.options.dataDir) : Journal.defaultDataDir());
        this.supportsShowDocument = showDocument;
        this.supportsShowMessageRequest = showMessageRequest;
        this.supportsInlayRefresh = inlayRefresh;
    }

    public PositionEncoding encoding() {
        return encoding;
    }

    public WeftLanguageClient client() {
        return client;
    }

    public boolean supportsInlayRefresh() {
        return supportsInlayRefresh;
    }

    public Room room() {
        return room;
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
        open.put(uri, od);
        Room r = room;
        if (r != null) {
            RoomDocument rd = findByUri(r, uri);
            if (rd != null) {
                bind(r, rd, od);
            }
        }
    }

    public void didChange(String uri, int version, List<TextDocumentContentChangeEvent> changes) {
        OpenDocument od = open.get(uri);
        if (od == null) {
            LOG.warning("didChange for a document that is not open: " + uri);
            return;
        }
        od.didChange(version, changes, encoding);
    }

    public void didClose(String uri) {
        OpenDocument od = open.remove(uri);
        if (od == null) {
            return;
        }
        DocumentBinding b = od.binding();
        if (b != null) {
            b.close();
            Room r = room;
            if (r != null) {
                for (RoomDocument rd : r.docs.values()) {
                    if (rd.binding == b) {
                        rd.binding = null;
                        scheduleJournal(r, rd);
                    }
                }
            }
        }
    }

    // ---- commands -------------------------------------------------------------------------------------------

    /** {@code weft.share}: creates a room (or reuses the current one) and shares the given or all open documents. */
    public CompletableFuture<WeftProtocol.ShareResult> share(WeftProtocol.ShareArgs args) {
        return onSession(() -> {
            WeftProtocol.ShareArgs a = args == null ? new WeftProtocol.ShareArgs() : args;
            Room r = room;
            if (r == null) {
                String relay = firstNonBlank(a.relayUrl, options.relayUrl);
                if (relay == null) {
                    throw error(ResponseErrorCode.InvalidParams, "no relay URL: pass {\"relayUrl\": …} to weft.share "
                            + "or set initializationOptions.relayUrl");
                }
                URI relayUri = URI.create(relay);
                RoomCredentials creds;
                try {
                    creds = connector.createRoom(relayUri);
                } catch (RuntimeException e) {
                    throw error(ResponseErrorCode.RequestFailed, "relay unreachable at " + relay + ": "
                            + e.getMessage());
                }
                InviteLink link = new InviteLink(relayUri, creds.room(), creds.secret());
                InviteLink ro = new InviteLink(relayUri, creds.room(), creds.readOnlySecret());
                RoomJournal rj = journal.openRoom(creds.room());
                RoomConnector.RoomConnection rc = newClient(link);
                try {
                    awaitWelcome(rc, relay, false);
                } catch (Exception e) {
                    rj.close();
                    throw e;
                }
                r = new Room(creds.room(), rc, link, link.format(), ro.format(), rj);
                room = r;
            }
            List<String> uris = a.uris != null && !a.uris.isEmpty() ? a.uris : new ArrayList<>(open.keySet());
            long t0 = System.nanoTime();
            for (String uri : uris) {
                shareOne(r, uri);
            }
            long t1 = System.nanoTime();
            // The room has a document once the relay answered its first SyncRequest: wait for that, so an invite
            // link handed out now lists every shared document.
            for (RoomDocument rd : r.docs.values()) {
                try {
                    rd.shared.firstSync().get(FIRST_SYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    LOG.warning("first sync of " + rd.name + " timed out; it will sync when the relay answers");
                }
            }
            LOG.info(String.format("shared %d document(s) in room %s: bind %d ms, first sync %d ms", uris.size(),
                    r.id, (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000));
            statusChanged();
            WeftProtocol.ShareResult res = new WeftProtocol.ShareResult();
            res.room = r.id;
            res.inviteLink = r.inviteLink;
            res.readOnlyInviteLink = r.readOnlyInviteLink;
            return res;
        });
    }

    private void shareOne(Room r, String uri) throws IOException {
        Path path;
        try {
            path = WorkspaceNames.pathOf(uri);
        } catch (IllegalArgumentException e) {
            LOG.info("not sharing " + uri + ": " + e.getMessage());
            return;
        }
        String name = names.nameOf(uri);
        if (r.docs.containsKey(name)) {
            return;
        }
        RoomDocument rd = createDocument(r, name, false);
        rd.localPath = path;
        OpenDocument od = findOpen(path);
        if (od != null) {
            bind(r, rd, od);
        } else if (Files.isRegularFile(path)) {
            String text = Files.readString(path, StandardCharsets.UTF_8);
            rd.shared.edit(d -> d.insert(0, text)).join();
            scheduleJournal(r, rd);
        } else {
            throw error(ResponseErrorCode.InvalidParams, "cannot share " + uri + ": not open and no such file");
        }
    }

    /** {@code weft.join}: joins the room of an invite link and materialises its documents in the workspace. */
    public CompletableFuture<WeftProtocol.JoinResult> join(WeftProtocol.JoinArgs args) {
        return onSession(() -> {
            if (args == null || args.link == null || args.link.isBlank()) {
                throw error(ResponseErrorCode.InvalidParams, "weft.join needs {\"link\": \"weft://join?…\"}");
            }
            InviteLink link;
            try {
                link = InviteLink.parse(args.link.trim());
            } catch (MalformedInviteLinkException e) {
                throw error(ResponseErrorCode.InvalidParams, "invalid invite link: " + e.getMessage());
            }
            if (room != null) {
                if (room.id.equals(link.room())) {
                    return joinResult(room);
                }
                leaveNow();
            }
            // Lock this process's journal slot first: a journal (and its agent id) in use by another running
            // replica is never adopted (issue 9, item 1; docs/user-guide.md "Offline and restarts").
            RoomJournal rj = journal.openRoom(link.room());
            RoomConnector.RoomConnection rc = newClient(link);
            List<String> docNames;
            Message.Welcome w;
            try {
                w = awaitWelcome(rc, link.relay().toString(), true);
            } catch (Exception e) {
                rj.close();
                throw e;
            }
            List<String> journaled = rj.documents();
            if (w != null) {
                docNames = new ArrayList<>(w.docNames());
            } else {
                docNames = new ArrayList<>(journaled);
                if (docNames.isEmpty()) {
                    rc.close();
                    rj.close();
                    throw error(ResponseErrorCode.RequestFailed, "relay unreachable at " + link.relay()
                            + " and nothing journaled for room " + link.room());
                }
                LOG.info("relay unreachable: joining room " + link.room() + " offline from the journal");
            }
            for (String jn : journaled) {
                if (!docNames.contains(jn)) {
                    docNames.add(jn);
                }
            }
            Room r = new Room(link.room(), rc, link, rc.readOnly() ? null : link.format(), null, rj);
            room = r;
            rc.addMessageListener(m -> {
                if (m instanceof Message.DocAdded added) {
                    sessionThread.execute(() -> {
                        try {
                            if (room == r && !r.docs.containsKey(added.doc())) {
                                joinDocument(r, added.doc(), true);
                            }
                        } catch (Exception e) {
                            LOG.log(Level.WARNING, "could not add document " + added.doc(), e);
                        }
                    });
                }
            });
            boolean first = true;
            for (String name : docNames) {
                joinDocument(r, name, first);
                first = false;
            }
            statusChanged();
            return joinResult(r);
        });
    }

    private void joinDocument(Room r, String name, boolean focus) throws Exception {
        long t0 = System.nanoTime();
        RoomDocument rd = createDocument(r, name, true);
        if (r.client.state() == ConnectionState.CONNECTED) {
            try {
                rd.shared.firstSync().get(FIRST_SYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warning("first sync of " + name + " timed out; materialising what we have");
            }
        }
        long t1 = System.nanoTime();
        String text = rd.shared.call(TextDocument::getText).get();
        LOG.info(String.format("joined %s: first sync %d ms, %d chars", name, (t1 - t0) / 1_000_000, text.length()));
        Path base = names.root() != null ? names.root() : journal.dataDir().resolve("workspace").resolve(r.id);
        Path path = WorkspaceNames.resolve(base, name);
        if (Files.exists(path) && !Files.readString(path, StandardCharsets.UTF_8).equals(text)
                && findOpen(path) == null) {
            if (!askOverwrite(name)) {
                path = WorkspaceNames.resolve(base.resolve(".weft").resolve(r.id), name);
            }
        }
        OpenDocument od = findOpen(path);
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
            bind(r, rd, od);
        } else if (supportsShowDocument && client != null) {
            ShowDocumentParams p = new ShowDocumentParams(WorkspaceNames.uriOf(path));
            p.setTakeFocus(focus);
            client.showDocument(p);
        }
    }

    private boolean askOverwrite(String name) {
        if (!supportsShowMessageRequest || client == null) {
            return false;
        }
        ShowMessageRequestParams p = new ShowMessageRequestParams(List.of(new MessageActionItem("Overwrite"),
                new MessageActionItem("Use a separate folder")));
        p.setType(MessageType.Warning);
        p.setMessage("Weft: the local file " + name + " differs from the shared one. Overwrite it with the shared "
                + "version, or put the shared version in a separate folder (.weft/<room>/)?");
        try {
            MessageActionItem answer = client.showMessageRequest(p).get(5, TimeUnit.MINUTES);
            return answer != null && "Overwrite".equals(answer.getTitle());
        } catch (Exception e) {
            return false;
        }
    }

    private WeftProtocol.JoinResult joinResult(Room r) {
        WeftProtocol.JoinResult res = new WeftProtocol.JoinResult();
        res.room = r.id;
        for (RoomDocument rd : r.docs.values()) {
            if (rd.localPath != null) {
                res.documents.add(WorkspaceNames.uriOf(rd.localPath));
            }
        }
        res.documents.sort(String::compareTo);
        return res;
    }

    /** {@code weft.leave}: stops sharing; local files and the journal stay. */
    public CompletableFuture<Object> leave() {
        return onSession(() -> {
            leaveNow();
            statusChanged();
            return null;
        });
    }

    private void leaveNow() {
        Room r = room;
        if (r == null) {
            return;
        }
        room = null;
        for (RoomDocument rd : r.docs.values()) {
            DocumentBinding b = rd.binding;
            if (b != null) {
                b.close();
                try {
                    String[] viewAndVersion = b.call(() -> new String[]{b.view(), Integer.toString(b.viewVersion())})
                            .get(5, TimeUnit.SECONDS);
                    for (OpenDocument od : open.values()) {
                        if (od.binding() == b) {
                            od.unbind(viewAndVersion[0], Integer.parseInt(viewAndVersion[1]));
                        }
                    }
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "could not detach " + rd.name, e);
                }
                cursors.clear(b.uri());
            }
            saveJournalNow(r, rd);
            rd.shared.close();
        }
        r.client.close();
        try {
            r.journal.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not release the journal of room " + r.id, e);
        }
    }

    /** {@code weft.pause} / {@code weft.resume}. */
    public CompletableFuture<Object> setPaused(boolean paused) {
        return onSession(() -> {
            Room r = requireRoom();
            r.paused = paused;
            for (RoomDocument rd : r.docs.values()) {
                DocumentBinding b = rd.binding;
                if (b != null) {
                    b.setPaused(paused);
                }
            }
            statusChanged();
            return null;
        });
    }

    /** {@code weft.undo} / {@code weft.redo} of the user's own edits in one document. */
    public CompletableFuture<Object> undo(WeftProtocol.UriArgs args, boolean redo) {
        requireRoom();
        if (args == null || args.uri == null) {
            throw error(ResponseErrorCode.InvalidParams, "weft.undo/weft.redo need {\"uri\": …}");
        }
        OpenDocument od = open.get(args.uri);
        DocumentBinding b = od == null ? null : od.binding();
        if (b == null) {
            throw error(ResponseErrorCode.InvalidParams, args.uri + " is not a shared open document");
        }
        if (room.paused) {
            // The binding holds every replica change back from the editor while paused, the undo's own included:
            // the others would see the undo and this editor would not, until resume. Refuse instead.
            throw error(ResponseErrorCode.InvalidRequest, "Weft: incoming changes are paused; resume them before "
                    + (redo ? "redoing" : "undoing") + " your changes");
        }
        return (redo ? b.redo() : b.undo()).thenApply(done -> (Object) done);
    }

    /** {@code weft.status}. */
    public WeftProtocol.Status status() {
        Room r = room;
        WeftProtocol.Status s = new WeftProtocol.Status();
        if (r == null) {
            return s;
        }
        s.state = switch (r.client.state()) {
            case CONNECTING -> "connecting";
            case CONNECTED -> "connected";
            case RECONNECTING -> "reconnecting";
            case OFFLINE -> "offline";
            case CLOSED -> "disconnected";
        };
        s.room = r.id;
        s.role = r.client.welcome() == null ? null : r.client.readOnly() ? "read-only" : "editor";
        s.paused = r.paused;
        s.inviteLink = r.inviteLink;
        s.readOnlyInviteLink = r.readOnlyInviteLink;
        boolean readOnly = r.client.welcome() != null && r.client.readOnly();
        for (RoomDocument rd : r.docs.values()) {
            if (!readOnly) {
                // A read-only member sends nothing: operations its journal kept from an earlier editor membership
                // are not "unsent" (they wait for an editor link), and the relay never acks them on this link.
                s.unsent += rd.shared.unackedCount();
            }
            DocumentBinding b = rd.binding;
            if (b != null) {
                s.repairs += b.repairs();
            }
        }
        s.participants = cursors.participants(r);
        return s;
    }

    /** Something status reports may have changed: send {@code weft/status} soon (coalesced). */
    public void statusChanged() {
        if (statusScheduled.compareAndSet(false, true)) {
            sessionThread.schedule(() -> {
                statusScheduled.set(false);
                sendStatusIfChanged();
            }, 20, TimeUnit.MILLISECONDS);
        }
    }

    private void sendStatusIfChanged() {
        try {
            WeftLanguageClient c = client;
            if (c == null) {
                return;
            }
            WeftProtocol.Status s = status();
            String json = gson.toJson(s);
            if (!json.equals(lastStatusJson)) {
                lastStatusJson = json;
                c.weftStatus(s);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "status update failed", e);
        }
    }

    /** Flushes journals and closes the connection (shutdown). */
    public void shutdown() {
        try {
            onSession(() -> {
                leaveNow();
                return null;
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "shutdown did not complete cleanly", e);
        }
    }

    // ---- documents ------------------------------------------------------------------------------------------

    private RoomDocument createDocument(Room r, String name, boolean restore) throws IOException {
        TextDocument replica = null;
        Optional<Journal.Entry> entry = Optional.empty();
        try {
            entry = r.journal.load(name);
        } catch (Journal.CorruptJournalException e) {
            LOG.warning("ignoring corrupt journal entry: " + e.getMessage());
        }
        if (entry.isPresent()) {
            replica = new TextDocument(entry.get().agent());
            replica.applyUpdate(entry.get().state());
        }
        if (replica == null) {
            replica = new TextDocument(new SecureRandom().nextLong() & ((1L << 53) - 1));
        }
        SharedDocument shared = SharedDocument.open(r.client, name, replica);
        RoomDocument rd = new RoomDocument(name, replica, shared);
        r.docs.put(name, rd);
        shared.addRemoteChangeListener(changes -> {
            scheduleJournal(r, rd);
            statusChanged();
        });
        shared.addSyncListener(this::statusChanged);
        shared.addErrorListener(notices.forDocument());
        shared.addAwarenessListener((clientId, state) -> cursors.onAwareness(rd, clientId, state));
        return rd;
    }

    private void bind(Room r, RoomDocument rd, OpenDocument od) {
        EditorPort port = new EditorPort() {
            @Override
            public CompletableFuture<Boolean> applyEdit(String uri, int version, Range range, String newText) {
                return SessionManager.this.applyEdit(uri, version, range, newText);
            }

            @Override
            public void warnUser(String message) {
                WeftLanguageClient c = client;
                if (c != null) {
                    c.showMessage(new MessageParams(MessageType.Warning, message));
                }
            }
        };
        DocumentBinding b = od.bind((text, version) -> DocumentBinding.open(od.uri, encoding, rd.shared, rd.replica,
                port, () -> {
                    statusChanged();
                    scheduleJournal(r, rd);
                }, text, version, System::nanoTime));
        rd.binding = b;
        if (r.paused) {
            b.setPaused(true);
        }
        b.addViewListener(x -> cursors.publish(rd));
        cursors.announce(rd);
    }

    private CompletableFuture<Boolean> applyEdit(String uri, int version, Range range, String text) {
        WeftLanguageClient c = client;
        if (c == null) {
            return CompletableFuture.completedFuture(false);
        }
        TextDocumentEdit tde = new TextDocumentEdit(new VersionedTextDocumentIdentifier(uri, version),
                List.of(Either.forLeft(new TextEdit(range, text))));
        WorkspaceEdit we = new WorkspaceEdit(List.of(Either.forLeft(tde)));
        ApplyWorkspaceEditParams p = new ApplyWorkspaceEditParams(we);
        return c.applyEdit(p).thenApply(res -> res != null && res.isApplied());
    }

    /** Journals a document's replica soon (debounced); runs on its executor. */
    void scheduleJournal(Room r, RoomDocument rd) {
        rd.shared.executor().execute(() -> {
            if (rd.saveScheduled) {
                return;
            }
            rd.saveScheduled = true;
            sessionThread.schedule(() -> rd.shared.executor().execute(() -> {
                rd.saveScheduled = false;
                saveJournalOnExecutor(r, rd);
            }), JOURNAL_DELAY_MS, TimeUnit.MILLISECONDS);
        });
    }

    private void saveJournalNow(Room r, RoomDocument rd) {
        try {
            CompletableFuture.runAsync(() -> saveJournalOnExecutor(r, rd), rd.shared.executor())
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "journal save of " + rd.name + " failed", e);
        }
    }

    private void saveJournalOnExecutor(Room r, RoomDocument rd) {
        try {
            r.journal.save(rd.name, new Journal.Entry(rd.replica.agent(), rd.shared.ackedSeq(),
                    rd.replica.encodeStateAsUpdate()));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "journal save of " + rd.name + " failed", e);
        }
    }

    private RoomDocument findByUri(Room r, String uri) {
        Path p;
        try {
            p = WorkspaceNames.pathOf(uri);
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (RoomDocument rd : r.docs.values()) {
            if (p.equals(rd.localPath)) {
                return rd;
            }
        }
        return null;
    }

    private OpenDocument findOpen(Path path) {
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

    /** The document binding for an editor URI, or null. */
    public DocumentBinding bindingOf(String uri) {
        OpenDocument od = open.get(uri);
        return od == null ? null : od.binding();
    }

    /** The room document bound to an editor URI, or null. */
    public RoomDocument roomDocumentOf(String uri) {
        Room r = room;
        DocumentBinding b = bindingOf(uri);
        if (r == null || b == null) {
            return null;
        }
        for (RoomDocument rd : r.docs.values()) {
            if (rd.binding == b) {
                return rd;
            }
        }
        return null;
    }

    private RoomConnector.RoomConnection newClient(InviteLink link) {
        String user = firstNonBlank(options.userName, System.getProperty("user.name"), "weft");
        String color = options.color != null && options.color.matches("#[0-9a-fA-F]{6}") ? options.color
                : CursorService.colorFor(user);
        RoomConnector.RoomConnection rc = connector.open(link, user, color);
        rc.addStateListener((state, cause) -> statusChanged());
        rc.addMessageListener(notices.forConnection());
        return rc;
    }

    /**
     * Waits for the first Welcome.
     *
     * @return the Welcome, or null if the relay is unreachable and {@code allowOffline}
     */
    private Message.Welcome awaitWelcome(RoomConnector.RoomConnection rc, String relay, boolean allowOffline) throws Exception {
        try {
            return rc.connect().get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RelayRejectedException rej) {
                rc.close();
                throw error(ResponseErrorCode.RequestFailed, "relay refused to join: " + rej.getMessage());
            }
            if (allowOffline) {
                return null;
            }
            rc.close();
            throw error(ResponseErrorCode.RequestFailed, "relay unreachable at " + relay + ": "
                    + (cause == null ? e.getMessage() : cause.getMessage()));
        } catch (TimeoutException e) {
            if (allowOffline) {
                return null;
            }
            rc.close();
            throw error(ResponseErrorCode.RequestFailed, "relay at " + relay + " did not answer within "
                    + CONNECT_TIMEOUT.toSeconds() + " s");
        }
    }

    private Room requireRoom() {
        Room r = room;
        if (r == null) {
            throw error(ResponseErrorCode.InvalidRequest, "not in a Weft session (use weft.share or weft.join)");
        }
        return r;
    }

    private <T> CompletableFuture<T> onSession(ThrowingSupplier<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        sessionThread.execute(() -> {
            try {
                f.complete(body.get());
            } catch (ResponseErrorException e) {
                f.completeExceptionally(e);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "command failed", e);
                f.completeExceptionally(error(ResponseErrorCode.InternalError, String.valueOf(e.getMessage())));
            }
        });
        return f;
    }

    @FunctionalInterface
    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    static ResponseErrorException error(ResponseErrorCode code, String message) {
        return new ResponseErrorException(new ResponseError(code, message, null));
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
