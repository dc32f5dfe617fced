package dev.weft.lsp.testing;

import com.google.gson.JsonObject;
import dev.weft.lsp.WeftLanguageServer;
import dev.weft.lsp.binding.LineIndex;
import dev.weft.lsp.binding.PositionEncoding;
import dev.weft.lsp.customservice.WeftLanguageClient;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.lsp.customservice.WeftService;
import dev.weft.lsp.session.RoomConnector;
import org.eclipse.lsp4j.ApplyWorkspaceEditParams;
import org.eclipse.lsp4j.ApplyWorkspaceEditResponse;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.GeneralClientCapabilities;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowDocumentParams;
import org.eclipse.lsp4j.ShowDocumentResult;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentEdit;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WindowClientCapabilities;
import org.eclipse.lsp4j.ShowDocumentCapabilities;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageServer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An editor simulated in-process: an LSP4J client connected to a real {@link WeftLanguageServer} over piped
 * streams (the LSP4J LauncherTest pattern), holding buffers and applying the server's {@code workspace/applyEdit}
 * with the message ordering of a real client:
 * <ul>
 * <li>{@link Ordering#VSCODE} (vscode-languageclient 9): version check (mismatch → {@code applied:false}), apply,
 * send the {@code didChange} echo, then answer — the echo arrives before the response. With {@link #rendererLagMs}
 * and {@link #asyncSends}, VS Code 1.100's real ordering: the renderer's lag during which the user types, after
 * which the active editor applies the edit's minimal edits at their old positions without checking again, and an
 * answer that may overtake the echo.</li>
 * <li>{@link Ordering#NEOVIM} (Neovim 0.7–0.10, {@code runtime/lua/vim/lsp/util.lua} {@code apply_text_document_edit}):
 * if the buffer's changedtick is newer than the edit's version (and that version is above 0), skip it silently but
 * answer {@code applied:true}; else apply in the handler. The changedtick moves at every buffer change, also while the
 * {@code didChange} waits for the debounce; the {@code didChange} is sent inside the handler with debounce 0 (before
 * the answer), else after the debounce, together with later keystrokes. With {@link #neovimHandler}
 * {@link NeovimHandler#WEFT_LUA} the edit first goes through {@code weft.lua}'s wrapper, which refuses
 * ({@code applied:false}) an edit made for any other version than the buffer's.</li>
 * </ul>
 */
public final class SimulatedEditor implements WeftLanguageClient, AutoCloseable {
    /**
     * Which real client's message ordering to reproduce. {@code EGLOT} (Emacs eglot 1.9 without weft.el's immediate
     * sends): an edit for another version is refused (eglot signals a JSON-RPC error), otherwise applied and
     * answered; every change, the echo included, waits in the buffer's batch until {@link #flush} (eglot's
     * {@code eglot-send-changes-idle-time} of idleness; the test decides when the user is idle).
     */
    public enum Ordering { VSCODE, NEOVIM, EGLOT }

    /** Which {@code workspace/applyEdit} handler a {@link Ordering#NEOVIM} editor runs. */
    public enum NeovimHandler {
        /**
         * Neovim 0.7.2's own ({@code handlers.lua} → {@code util.apply_workspace_edit}): an edit for an older
         * version is skipped ("Buffer … newer than edits.") and still answered {@code applied:true}, since the
         * answer is only whether the Lua call raised an error.
         */
        PLAIN,
        /**
         * Weft's Neovim plugin ({@code samples/editors/nvim/weft.lua}): an edit whose version is not the buffer's
         * current changedtick ({@code vim.lsp.util.buf_versions}) is answered {@code applied:false}, nothing applied;
         * any other edit goes to Neovim's own handler.
         */
        WEFT_LUA
    }

    /**
     * How the buffer change made by one applied {@code TextEdit} is reported (each part is one buffer change with
     * its own version, so one {@code didChange} each unless a Neovim debounce coalesces them).
     */
    public enum EchoSplit {
        /** One change carrying the edit's range and text (VS Code, eglot, Neovim inside the buffer). */
        NONE,
        /**
         * Neovim 0.7 for an edit reaching past the last line (appending at the end of a buffer that ends with a
         * newline): {@code nvim_buf_set_text} inserts the text plus a newline, then the end-of-line fix
         * ({@code nvim_buf_set_lines}) deletes that extra newline — two buffer changes, two {@code didChange}s with
         * debounce 0, the first one overshooting the edit.
         */
        OVERSHOOT,
        /**
         * An editor applying a replacement as a deletion then an insertion (or an insertion in two halves): both
         * parts only move towards the edit's result.
         */
        DELETE_THEN_INSERT
    }

    /** One open buffer. Guarded by the editor's monitor. */
    public static final class Buffer {
        public final String uri;
        public String text;
        public int version;
        /** Neovim: changes applied but not yet sent (debounce). */
        final List<TextDocumentContentChangeEvent> unsent = new ArrayList<>();
        /** Neovim with {@link #debounceFromLastFlush}: when the last didChange was sent (nanoTime), 0 = never. */
        long lastFlushNanos;
        /** Neovim with {@link #debounceFromLastFlush}: the pending flush timer, if any. */
        java.util.concurrent.ScheduledFuture<?> flushTimer;

        Buffer(String uri, String text, int version) {
            this.uri = uri;
            this.text = text;
            this.version = version;
        }
    }

    private final Ordering ordering;
    private final PositionEncoding encoding;
    private final WeftLanguageServer serverImpl;
    private final LanguageServer server;
    private final WeftService weft;
    private final Map<String, Buffer> buffers = new ConcurrentHashMap<>();
    /** Neovim-style deferred sends (FIFO). */
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService launcherThreads = Executors.newCachedThreadPool();
    /** Neovim debounce in ms (0 = send right after the handler returns). */
    public volatile long debounceMs;
    /** Neovim only: which applyEdit handler runs (default: Neovim's own). */
    public volatile NeovimHandler neovimHandler = NeovimHandler.PLAIN;
    /**
     * Neovim only, with {@link #debounceMs} above 0: Neovim 0.7's {@code next_debounce} in {@code lsp.lua} — the
     * debounce is a rate limit counted from the last sent {@code didChange}: a change made more than
     * {@code debounceMs} after it is sent at once, otherwise all unsent changes go out {@code debounceMs} after it
     * (each change restarts that timer). Off: every change waits {@code debounceMs}.
     */
    public volatile boolean debounceFromLastFlush;
    /** Called inside the applyEdit handler before anything else (scripted races: "the user types now"). */
    public volatile Consumer<ApplyWorkspaceEditParams> beforeApply;
    /**
     * VS Code only: called after the version check passed and before the edit is applied (the extension host
     * checks the version, the renderer applies the edit later, so keystrokes typed in between come first and the
     * edit's range is then applied, unchanged, to the newer text).
     */
    public volatile Consumer<ApplyWorkspaceEditParams> afterVersionCheck;
    /**
     * VS Code 1.100 with vscode-languageclient 9: the extension host checks the version, the renderer checks the model
     * version ({@code BulkTextEdits._validateBeforePrepare}), then takes this many ms (for the active editor: a
     * worker round trip computing "more minimal" edits), during which the user may type. What follows depends on
     * {@link #activeEditor}. 0 = no lag (the checks and the application are atomic).
     */
    public volatile long rendererLagMs;
    /**
     * VS Code with {@link #rendererLagMs}: whether the document is the active editor (default: yes, the user types
     * there). Read from VS Code 1.100.3 as shipped in code-server 4.100.3 ({@code BulkTextEdits.apply} and
     * {@code _createEditsTasks} in the workbench): for the active editor's model the edits are replaced by
     * {@code computeMoreMinimalEdits}' result, re-created as {@code ResourceTextEdit}s <em>without</em> a version, so
     * the validation after the worker round trip always passes: a keystroke typed meanwhile comes first, and the
     * minimal edit (computed against the text at the check) is applied with its original position to the newer text
     * and answered {@code applied:true}. Seen in the code-server e2e trace (docs/vscode.md §8). For a model that is not
     * the active editor the version stays and the edit is refused ("… has changed in the meantime").
     */
    public volatile boolean activeEditor = true;
    /** VS Code with {@link #rendererLagMs}: called (no monitor held) at the end of the renderer's lag: "the user types now". */
    public volatile Consumer<ApplyWorkspaceEditParams> duringRendererLag;
    /**
     * VS Code: the {@code didChange} notifications and the applyEdit answer both leave the extension host through
     * promise chains, so the answer may overtake the echo. When set, every didChange is sent from one FIFO thread and
     * each answer is sent before (probability {@code answerFirst}) or after its echo.
     */
    public volatile java.util.SplittableRandom asyncSends;
    /** See {@link #asyncSends}. */
    public volatile double answerFirst = 0.5;
    /**
     * While set and not complete, every applyEdit answer is held back until it completes (the edit itself is handled
     * as usual, echo included): an editor under load answering seconds late (VS Code took up to 27 s, docs/vscode.md
     * §9). Null: answers go out at once.
     */
    public volatile CompletableFuture<Void> answerGate;
    /** If set, each applyEdit answer is sent this many ms (asked per answer) after it is ready. */
    public volatile java.util.function.LongSupplier answerDelayMs;
    /** Extra delay before handling an applyEdit (async editor latency), in ms. */
    public volatile long applyDelayMs;
    /** How the echo of an applied single-edit applyEdit is split into buffer changes. */
    public volatile EchoSplit echoSplit = EchoSplit.NONE;
    /**
     * Called (editor monitor held) between the parts of a split echo: "the user types now". Edits made here
     * through {@link #edit} before the second part's position shift it, as a real buffer does.
     */
    public volatile Consumer<String> betweenEchoParts;
    /** Called (editor monitor held) after the edit was applied and reported, before the answer. */
    public volatile Consumer<ApplyWorkspaceEditParams> afterApply;
    /**
     * Neovim's {@code 'eol'} (set by default, and for every file that ends with a newline): the buffer always ends
     * with a newline. A {@code TextEdit} whose result would not (text appended after the last newline, or the
     * final newline deleted) gets one re-added, and the didChange reports the whole buffer change as one change
     * found from the end first, as Neovim's {@code apply_text_edits} + incremental sync do: {@code R} appended to
     * {@code "…Q\n"} is reported as {@code "\nR"} inserted before the final newline, result {@code "…Q\nR\n"}; a
     * deletion of the final newline leaves the buffer unchanged and is reported as an empty change at the end of
     * the last line.
     */
    public volatile boolean neovimEol;
    /** Buffer offset of the split echo's second part while the hook runs; shifted by {@link #edit}. */
    private int splitMark = -1;
    public final List<WeftProtocol.Status> statuses = new CopyOnWriteArrayList<>();
    public final List<WeftProtocol.RemoteCursors> remoteCursors = new CopyOnWriteArrayList<>();

    /**
     * Waits until a {@code weft/status} matching {@code test} has arrived (statuses are sent asynchronously, so the
     * list may still be empty right after a share) and returns the latest such status.
     *
     * @throws AssertionError if none arrives within {@code timeoutMs}
     */
    public WeftProtocol.Status awaitStatus(java.util.function.Predicate<WeftProtocol.Status> test, long timeoutMs)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            for (int i = statuses.size() - 1; i >= 0; i--) {
                WeftProtocol.Status st = statuses.get(i);
                if (test.test(st)) return st;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no matching weft/status within " + timeoutMs + " ms; got " + statuses.size());
            }
            Thread.sleep(20);
        }
    }
    public final List<PublishDiagnosticsParams> diagnostics = new CopyOnWriteArrayList<>();
    public final List<String> shownDocuments = new CopyOnWriteArrayList<>();
    /** Messages shown with window/showMessage, as "TYPE: text". */
    public final List<String> shownMessages = new CopyOnWriteArrayList<>();
    public volatile int applyEditsReceived;
    /** Number of {@code workspace/inlayHint/refresh} requests received (the editor advertises refresh support). */
    public final java.util.concurrent.atomic.AtomicInteger inlayRefreshes = new java.util.concurrent.atomic.AtomicInteger();
    /** Number of applyEdits handled (guarded by this; waiters use {@link #awaitText}). */
    private long changeCount;
    public volatile int applyEditsRefused;
    /** Answer to showMessageRequest (null = dismissed). */
    public volatile String messageRequestAnswer;
    /** If set, answers showMessageRequest instead of {@link #messageRequestAnswer} (null = dismissed). */
    public volatile java.util.function.Function<ShowMessageRequestParams, String> messageRequestPolicy;
    /** Every showMessageRequest received, in order. */
    public final List<ShowMessageRequestParams> messageRequests = new CopyOnWriteArrayList<>();
    private final InitializeResult initResult;

    /** What the server answered to {@code initialize}. */
    public InitializeResult initResult() {
        return initResult;
    }

    public SimulatedEditor(Ordering ordering, List<String> offeredEncodings, RoomConnector connector, Path workspace,
                           JsonObject initOptions) throws Exception {
        this(ordering, offeredEncodings, connector, null, workspace == null ? List.of() : List.of(workspace),
                initOptions);
    }

    /** An editor with several workspace folders (a multi-root VS Code workspace), sent as {@code workspaceFolders}. */
    public SimulatedEditor(Ordering ordering, RoomConnector connector, List<Path> workspaceFolders,
                           JsonObject initOptions) throws Exception {
        this(ordering, null, connector, null, workspaceFolders, initOptions);
    }

    /**
     * An editor talking to a real server process over its stdin/stdout (benchmarks), instead of an in-process
     * server over pipes.
     */
    public SimulatedEditor(Ordering ordering, List<String> offeredEncodings, Process serverProcess, Path workspace,
                           JsonObject initOptions) throws Exception {
        this(ordering, offeredEncodings, null, serverProcess, workspace == null ? List.of() : List.of(workspace),
                initOptions);
    }

    private SimulatedEditor(Ordering ordering, List<String> offeredEncodings, RoomConnector connector,
                            Process process, List<Path> folders, JsonObject initOptions) throws Exception {
        Path workspace = folders.isEmpty() ? null : folders.get(0);
        this.ordering = ordering;
        java.io.InputStream clientIn;
        java.io.OutputStream clientOut;
        if (process == null) {
            // Not java.io.Piped*Stream: see InProcessPipe (its reader dies when the last writing thread has ended).
            InProcessPipe toClient = new InProcessPipe(1 << 20);
            InProcessPipe toServer = new InProcessPipe(1 << 20);
            java.io.OutputStream serverOut = toClient.out();
            java.io.InputStream serverIn = toServer.in();
            clientOut = toServer.out();
            clientIn = toClient.in();
            serverImpl = new WeftLanguageServer(connector, false);
            Launcher<WeftLanguageClient> serverLauncher = new Launcher.Builder<WeftLanguageClient>()
                    .setLocalService(serverImpl).setRemoteInterface(WeftLanguageClient.class)
                    .setInput(serverIn).setOutput(serverOut).setExecutorService(launcherThreads).create();
            serverImpl.connect(serverLauncher.getRemoteProxy());
            serverLauncher.startListening();
        } else {
            serverImpl = null;
            clientIn = process.getInputStream();
            clientOut = process.getOutputStream();
        }
        Launcher<ServerApi> clientLauncher = new Launcher.Builder<ServerApi>()
                .setLocalService(this).setRemoteInterface(ServerApi.class)
                .setInput(clientIn).setOutput(clientOut).setExecutorService(launcherThreads).create();
        clientLauncher.startListening();
        ServerApi api = clientLauncher.getRemoteProxy();
        this.server = api;
        this.weft = api;
        InitializeParams init = new InitializeParams();
        ClientCapabilities caps = new ClientCapabilities();
        GeneralClientCapabilities general = new GeneralClientCapabilities();
        general.setPositionEncodings(offeredEncodings);
        caps.setGeneral(general);
        WindowClientCapabilities window = new WindowClientCapabilities();
        window.setShowDocument(new ShowDocumentCapabilities(true));
        window.setShowMessage(new org.eclipse.lsp4j.WindowShowMessageRequestCapabilities()); // it answers them
        window.setWorkDoneProgress(true);
        caps.setWindow(window);
        org.eclipse.lsp4j.WorkspaceClientCapabilities ws = new org.eclipse.lsp4j.WorkspaceClientCapabilities();
        ws.setInlayHint(new org.eclipse.lsp4j.InlayHintWorkspaceCapabilities(true));
        // As VS Code: applyEdit may create, rename and delete files (the open buffer follows a rename).
        org.eclipse.lsp4j.WorkspaceEditCapabilities wec = new org.eclipse.lsp4j.WorkspaceEditCapabilities();
        wec.setDocumentChanges(true);
        wec.setResourceOperations(List.of("create", "rename", "delete"));
        ws.setWorkspaceEdit(wec);
        caps.setWorkspace(ws);
        init.setCapabilities(caps);
        if (workspace != null) {
            init.setRootUri(workspace.toUri().toString());
        }
        if (folders.size() > 1) {
            List<org.eclipse.lsp4j.WorkspaceFolder> wf = new java.util.ArrayList<>();
            for (Path f : folders) {
                wf.add(new org.eclipse.lsp4j.WorkspaceFolder(f.toUri().toString(), f.getFileName().toString()));
            }
            init.setWorkspaceFolders(wf);
        }
        init.setInitializationOptions(initOptions);
        initResult = server.initialize(init).get(30, TimeUnit.SECONDS);
        server.initialized(new InitializedParams());
        this.encoding = PositionEncoding.negotiate(List.of(initResult.getCapabilities().getPositionEncoding()));
    }

    /** The server API as the client sees it: LSP plus weft/…. */
    public interface ServerApi extends LanguageServer, WeftService {
    }

    public InitializeResult initializeResult() {
        return initResult;
    }

    public WeftLanguageServer serverImpl() {
        return serverImpl;
    }

    public PositionEncoding encoding() {
        return encoding;
    }

    public WeftService weft() {
        return weft;
    }

    public Object command(String name, Object arg) throws Exception {
        return server.getWorkspaceService().executeCommand(new ExecuteCommandParams(name,
                arg == null ? List.of() : List.of(arg))).get(30, TimeUnit.SECONDS);
    }

    public CompletableFuture<Object> commandAsync(String name, Object arg) {
        return server.getWorkspaceService().executeCommand(new ExecuteCommandParams(name,
                arg == null ? List.of() : List.of(arg)));
    }

    /**
     * {@code weft.join} of {@code link}, waiting up to 60 s.
     *
     * @return the command's result as JSON
     * @throws java.util.concurrent.ExecutionException carrying the server's error when the join is refused
     */
    public JsonObject join(String link) throws Exception {
        JsonObject args = new JsonObject();
        args.addProperty("link", link);
        return new com.google.gson.Gson().toJsonTree(commandAsync(WeftProtocol.JOIN, args).get(60, TimeUnit.SECONDS))
                .getAsJsonObject();
    }

    // ---- buffers --------------------------------------------------------------------------------------------

    public synchronized void open(String uri, String text) {
        int version = ordering == Ordering.NEOVIM ? 3 : ordering == Ordering.EGLOT ? 0 : 1; // Neovim: changedtick > 0
        buffers.put(uri, new Buffer(uri, text, version));
        server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(
                new TextDocumentItem(uri, "plaintext", version, text)));
    }

    public synchronized String text(String uri) {
        return buffers.get(uri).text;
    }

    public synchronized int version(String uri) {
        return buffers.get(uri).version;
    }

    public synchronized Buffer buffer(String uri) {
        return buffers.get(uri);
    }

    /** The user replaces UTF-16 {@code [start, end)} of the buffer with {@code text} (one keystroke/edit). */
    public synchronized void edit(String uri, int start, int end, String text) {
        Buffer b = buffers.get(uri);
        LineIndex li = new LineIndex(b.text);
        TextDocumentContentChangeEvent c = new TextDocumentContentChangeEvent(
                new org.eclipse.lsp4j.Range(li.positionOf(start, encoding), li.positionOf(end, encoding)), text);
        b.text = b.text.substring(0, start) + text + b.text.substring(end);
        if (splitMark >= 0 && end <= splitMark) {
            splitMark += text.length() - (end - start);
        }
        b.version++;
        emit(b, List.of(c));
    }

    /**
     * A random user edit chosen and applied atomically against the current buffer (insert 1–3 characters,
     * sometimes a newline or an emoji, or delete 1–3), never splitting a surrogate pair or a CRLF.
     */
    public synchronized void randomEdit(String uri, java.util.SplittableRandom rnd) {
        Buffer b = buffers.get(uri);
        int len = b.text.length();
        int p = safe(b.text, rnd.nextInt(len + 1));
        if (len > 0 && rnd.nextInt(3) == 0) {
            int e = p;
            for (int k = 1 + rnd.nextInt(3); k > 0 && e < len; k--) {
                e = safe(b.text, e + 1 + (Character.isHighSurrogate(b.text.charAt(e)) ? 1 : 0));
            }
            if (e > p) {
                edit(uri, p, e, "");
                return;
            }
        }
        String[] atoms = {"a", "b", "c", "x", " ", "\n", "é", "😀"};
        StringBuilder ins = new StringBuilder();
        for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
            String a = atoms[rnd.nextInt(atoms.length)];
            ins.append(a);
        }
        edit(uri, p, p, ins.toString());
    }

    /** Moves {@code p} off the middle of a surrogate pair or a CRLF. */
    private static int safe(String t, int p) {
        if (p > 0 && p < t.length() && ((Character.isHighSurrogate(t.charAt(p - 1)) && Character.isLowSurrogate(t.charAt(p)))
                || (t.charAt(p - 1) == '\r' && t.charAt(p) == '\n'))) {
            return p - 1;
        }
        return Math.min(p, t.length());
    }

    /** The user replaces the whole buffer (reload, formatter); sent as one range-less change. */
    public synchronized void replaceAll(String uri, String text) {
        Buffer b = buffers.get(uri);
        b.text = text;
        b.version++;
        emit(b, List.of(new TextDocumentContentChangeEvent(text)));
    }

    /** Several changes in one didChange, each applied to the result of the previous (UTF-16 offsets). */
    public synchronized void editMany(String uri, int[][] ranges, String[] texts) {
        Buffer b = buffers.get(uri);
        List<TextDocumentContentChangeEvent> cs = new ArrayList<>();
        for (int i = 0; i < ranges.length; i++) {
            LineIndex li = new LineIndex(b.text);
            cs.add(new TextDocumentContentChangeEvent(new org.eclipse.lsp4j.Range(
                    li.positionOf(ranges[i][0], encoding), li.positionOf(ranges[i][1], encoding)), texts[i]));
            b.text = b.text.substring(0, ranges[i][0]) + texts[i] + b.text.substring(ranges[i][1]);
        }
        b.version++;
        sendNow(b, cs);
    }

    private void emit(Buffer b, List<TextDocumentContentChangeEvent> cs) {
        if (ordering == Ordering.EGLOT) {
            b.unsent.addAll(cs);
        } else if (ordering == Ordering.NEOVIM && debounceMs > 0 && debounceFromLastFlush) {
            b.unsent.addAll(cs);
            if (b.flushTimer != null) {
                b.flushTimer.cancel(false);
                b.flushTimer = null;
            }
            long delay = b.lastFlushNanos == 0 ? debounceMs
                    : Math.max(debounceMs - (System.nanoTime() - b.lastFlushNanos) / 1_000_000, 0);
            if (delay == 0) {
                flushNow(b);
            } else {
                b.flushTimer = sender.schedule(() -> {
                    synchronized (SimulatedEditor.this) {
                        flushNow(b);
                    }
                }, delay, TimeUnit.MILLISECONDS);
            }
        } else if (ordering == Ordering.NEOVIM && debounceMs > 0) {
            b.unsent.addAll(cs);
            scheduleFlush(b);
        } else {
            sendNow(b, cs);
        }
    }

    private void sendNow(Buffer b, List<TextDocumentContentChangeEvent> cs) {
        DidChangeTextDocumentParams p = new DidChangeTextDocumentParams(
                new VersionedTextDocumentIdentifier(b.uri, b.version), new ArrayList<>(cs));
        if (asyncSends != null) {
            sender.execute(() -> server.getTextDocumentService().didChange(p));
        } else {
            server.getTextDocumentService().didChange(p);
        }
    }

    private void scheduleFlush(Buffer b) {
        sender.schedule(() -> {
            synchronized (SimulatedEditor.this) {
                if (!b.unsent.isEmpty()) {
                    sendNow(b, b.unsent);
                    b.unsent.clear();
                }
            }
        }, debounceMs, TimeUnit.MILLISECONDS);
    }

    /** Flushes Neovim's pending didChange now. */
    public synchronized void flush(String uri) {
        Buffer b = buffers.get(uri);
        if (!b.unsent.isEmpty()) {
            flushNow(b);
        }
    }

    /** Sends the unsent changes of {@code b} (if any) as one didChange; caller holds the monitor. */
    private void flushNow(Buffer b) {
        b.flushTimer = null;
        if (!b.unsent.isEmpty()) {
            sendNow(b, b.unsent);
            b.unsent.clear();
            b.lastFlushNanos = System.nanoTime();
        }
    }

    // ---- LanguageClient -----------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<ApplyWorkspaceEditResponse> applyEdit(ApplyWorkspaceEditParams params) {
        CompletableFuture<ApplyWorkspaceEditResponse> answer = handle(params);
        CompletableFuture<Void> gate = answerGate;
        java.util.function.LongSupplier delay = answerDelayMs;
        if (gate != null) {
            answer = answer.thenCombine(gate, (r, ignored) -> r);
        }
        if (delay != null) {
            long ms = delay.getAsLong();
            answer = answer.thenCompose(r -> {
                CompletableFuture<ApplyWorkspaceEditResponse> late = new CompletableFuture<>();
                answerTimer.schedule(() -> late.complete(r), ms, TimeUnit.MILLISECONDS);
                return late;
            });
        }
        return answer;
    }

    /** Delays answers ({@link #answerDelayMs}); its own thread, so a late answer never waits behind a debounced send. */
    private final ScheduledExecutorService answerTimer = Executors.newSingleThreadScheduledExecutor();

    /** Handles an applyEdit with this editor's ordering; the future is its answer before any {@link #answerGate}. */
    private CompletableFuture<ApplyWorkspaceEditResponse> handle(ApplyWorkspaceEditParams params) {
        if (params.getEdit().getDocumentChanges() != null
                && params.getEdit().getDocumentChanges().stream().anyMatch(Either::isRight)) {
            return CompletableFuture.completedFuture(handleResourceOperations(params));
        }
        java.util.SplittableRandom rnd = asyncSends;
        if (ordering == Ordering.VSCODE && (rendererLagMs > 0 || rnd != null)) {
            CompletableFuture<ApplyWorkspaceEditResponse> f = new CompletableFuture<>();
            launcherThreads.execute(() -> {
                ApplyWorkspaceEditResponse r = handleWithRendererLag(params);
                boolean first;
                synchronized (this) {
                    first = rnd != null && rnd.nextDouble() < answerFirst;
                }
                if (first || rnd == null) {
                    f.complete(r);
                } else {
                    sender.execute(() -> f.complete(r)); // after the echo, queued on the same FIFO thread
                }
            });
            return f;
        }
        if (applyDelayMs > 0) {
            CompletableFuture<ApplyWorkspaceEditResponse> f = new CompletableFuture<>();
            sender.schedule(() -> f.complete(handleApplyEdit(params)), applyDelayMs, TimeUnit.MILLISECONDS);
            return f;
        }
        return CompletableFuture.completedFuture(handleApplyEdit(params));
    }

    /**
     * VS Code's two checks: the extension host's version check, the renderer's lag (the user may type), the
     * renderer's own version check, then the edit is applied as one change (or refused, nothing applied).
     */
    private ApplyWorkspaceEditResponse handleWithRendererLag(ApplyWorkspaceEditParams params) {
        TextDocumentEdit tde = params.getEdit().getDocumentChanges().get(0).getLeft();
        String uri = tde.getTextDocument().getUri();
        int v = tde.getTextDocument().getVersion();
        String atCheck;
        synchronized (this) {
            Buffer b = buffers.get(uri);
            if (b == null || b.version != v) {
                applyEditsReceived++;
                applyEditsRefused++;
                return new ApplyWorkspaceEditResponse(false); // extension host: vscode-languageclient's check
            }
            atCheck = b.text;
        }
        long lag = rendererLagMs;
        if (lag > 0) {
            try {
                Thread.sleep(lag);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Consumer<ApplyWorkspaceEditParams> during = duringRendererLag;
        if (during != null) {
            during.accept(params);
        }
        synchronized (this) {
            Buffer b = buffers.get(uri);
            if (activeEditor && tde.getEdits().size() == 1) {
                // The minimal edits, computed against the text at the check, applied at their positions in today's
                // text (last first, as one model change: one didChange listing them from the end).
                TextEdit t = tde.getEdits().get(0).getLeft();
                LineIndex li = new LineIndex(atCheck);
                int s = li.offsetOf(t.getRange().getStart(), encoding);
                int e = Math.max(s, li.offsetOf(t.getRange().getEnd(), encoding));
                List<int[]> ops = minimalEdits(atCheck.substring(s, e), t.getNewText());
                applyEditsReceived++;
                List<TextDocumentContentChangeEvent> cs = new ArrayList<>();
                for (int i = ops.size() - 1; i >= 0; i--) {
                    int[] op = ops.get(i); // {old from, old to, new from, new to}, relative to the edit
                    Position from = li.positionOf(s + op[0], encoding);
                    Position to = li.positionOf(s + op[1], encoding);
                    String text = t.getNewText().substring(op[2], op[3]);
                    LineIndex now = new LineIndex(b.text);
                    int ns = Math.min(now.offsetOf(from, encoding), b.text.length());
                    int ne = Math.max(ns, Math.min(now.offsetOf(to, encoding), b.text.length()));
                    cs.add(new TextDocumentContentChangeEvent(new org.eclipse.lsp4j.Range(now.positionOf(ns, encoding),
                            now.positionOf(ne, encoding)), text));
                    b.text = b.text.substring(0, ns) + text + b.text.substring(ne);
                }
                if (!cs.isEmpty()) {
                    b.version++;
                    emit(b, cs);
                }
                changeCount++;
                notifyAll();
                return new ApplyWorkspaceEditResponse(true);
            } else if (b.version != v) {
                applyEditsReceived++;
                applyEditsRefused++;
                return new ApplyWorkspaceEditResponse(false); // renderer: "… has changed in the meantime"
            }
        }
        return handleApplyEdit(params); // same version: applied and echoed
    }

    /** Every resource operation (RenameFile, DeleteFile, CreateFile) the server asked for, in order. */
    public final List<org.eclipse.lsp4j.ResourceOperation> resourceOperations = new CopyOnWriteArrayList<>();

    /**
     * An applyEdit made of resource operations, applied as VS Code does: a rename moves the disk file, and an open
     * buffer moves with it (didClose of the old URI, didOpen of the new one with the buffer's text, unsaved typing
     * included); a delete closes the buffer (didClose) and deletes the disk file.
     */
    private synchronized ApplyWorkspaceEditResponse handleResourceOperations(ApplyWorkspaceEditParams params) {
        applyEditsReceived++;
        try {
            for (Either<TextDocumentEdit, org.eclipse.lsp4j.ResourceOperation> e
                    : params.getEdit().getDocumentChanges()) {
                org.eclipse.lsp4j.ResourceOperation op = e.getRight();
                if (op == null) {
                    continue;
                }
                resourceOperations.add(op);
                if (op instanceof org.eclipse.lsp4j.RenameFile r) {
                    Path from = Path.of(java.net.URI.create(r.getOldUri()));
                    Path to = Path.of(java.net.URI.create(r.getNewUri()));
                    if (java.nio.file.Files.exists(to)) {
                        return new ApplyWorkspaceEditResponse(false);
                    }
                    if (java.nio.file.Files.exists(from)) {
                        java.nio.file.Files.createDirectories(to.getParent());
                        java.nio.file.Files.move(from, to);
                    }
                    Buffer b = buffers.get(r.getOldUri());
                    if (b != null) {
                        close(r.getOldUri());
                        open(r.getNewUri(), b.text);
                    }
                } else if (op instanceof org.eclipse.lsp4j.DeleteFile d) {
                    if (buffers.containsKey(d.getUri())) {
                        close(d.getUri());
                    }
                    java.nio.file.Files.deleteIfExists(Path.of(java.net.URI.create(d.getUri())));
                }
            }
        } catch (java.io.IOException ex) {
            return new ApplyWorkspaceEditResponse(false);
        }
        notifyAll();
        return new ApplyWorkspaceEditResponse(true);
    }

    private ApplyWorkspaceEditResponse handleApplyEdit(ApplyWorkspaceEditParams params) {
        Consumer<ApplyWorkspaceEditParams> hook = beforeApply;
        if (hook != null) {
            hook.accept(params);
        }
        synchronized (this) {
            applyEditsReceived++;
            boolean applied = true;
            for (Either<TextDocumentEdit, ?> e : params.getEdit().getDocumentChanges()) {
                TextDocumentEdit tde = e.getLeft();
                Buffer b = buffers.get(tde.getTextDocument().getUri());
                int v = tde.getTextDocument().getVersion();
                if (ordering == Ordering.EGLOT) {
                    if (b == null || b.version != v) {
                        applyEditsRefused++;
                        return new ApplyWorkspaceEditResponse(false);
                    }
                } else if (ordering == Ordering.VSCODE) {
                    if (b == null || b.version != v) {
                        applyEditsRefused++;
                        return new ApplyWorkspaceEditResponse(false);
                    }
                    Consumer<ApplyWorkspaceEditParams> lag = afterVersionCheck;
                    if (lag != null) {
                        lag.accept(params);
                    }
                } else if (neovimHandler == NeovimHandler.WEFT_LUA && (b == null || b.version != v)) {
                    applyEditsRefused++;
                    return new ApplyWorkspaceEditResponse(false); // weft.lua: "stale edit: made for version …"
                } else if (b == null || (v > 0 && b.version > v)) {
                    applyEditsRefused++;
                    continue; // "Buffer … newer than edits." — skipped, yet applied:true
                }
                if (echoSplit != EchoSplit.NONE && tde.getEdits().size() == 1
                        && applySplit(b, tde.getEdits().get(0).getLeft())) {
                    continue;
                }
                List<TextDocumentContentChangeEvent> cs = new ArrayList<>();
                String before = b.text;
                for (Either<TextEdit, ?> te : tde.getEdits()) {
                    TextEdit t = te.getLeft();
                    LineIndex li = new LineIndex(b.text);
                    int s = li.offsetOf(t.getRange().getStart(), encoding);
                    int en = li.offsetOf(t.getRange().getEnd(), encoding);
                    cs.add(new TextDocumentContentChangeEvent(new org.eclipse.lsp4j.Range(
                            li.positionOf(s, encoding), li.positionOf(en, encoding)), t.getNewText()));
                    b.text = b.text.substring(0, s) + t.getNewText() + b.text.substring(en);
                }
                if (neovimEol && !b.text.isEmpty() && !b.text.endsWith("\n")) {
                    String after = b.text + "\n";
                    cs = List.of(changeFromTheEnd(before, after));
                    b.text = after;
                }
                b.version++;
                emit(b, cs);
            }
            Consumer<ApplyWorkspaceEditParams> after = afterApply;
            if (after != null) {
                after.accept(params);
            }
            changeCount++;
            notifyAll();
            return new ApplyWorkspaceEditResponse(applied);
        }
    }

    /**
     * VS Code's "more minimal edits" for replacing {@code old} by {@code text}: a character diff (longest common
     * subsequence; one whole replacement above 400 characters or with surrogate pairs), as {@code {oldFrom, oldTo, newFrom, newTo}} runs in order.
     * VS Code's worker ({@code computeMoreMinimalEdits}) diffs the same way for small edits: "c2" → "2ce" becomes
     * "insert 2 before c" and "replace 2 by e" (seen in the e2e trace, docs/vscode.md §8).
     */
    static List<int[]> minimalEdits(String old, String text) {
        List<int[]> ops = new ArrayList<>();
        if (old.equals(text)) {
            return ops;
        }
        int n = old.length();
        int m = text.length();
        if (n > 400 || m > 400 || (old + text).chars().anyMatch(c -> Character.isSurrogate((char) c))) {
            ops.add(new int[] {0, n, 0, m});
            return ops;
        }
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = old.charAt(i) == text.charAt(j) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        int[] run = null;
        while (i < n || j < m) {
            boolean keep = i < n && j < m && old.charAt(i) == text.charAt(j) && lcs[i][j] == lcs[i + 1][j + 1] + 1;
            if (keep) {
                if (run != null) {
                    ops.add(run);
                    run = null;
                }
                i++;
                j++;
                continue;
            }
            if (run == null) {
                run = new int[] {i, i, j, j};
            }
            if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                i++;
                run[1] = i;
            } else {
                j++;
                run[3] = j;
            }
        }
        if (run != null) {
            ops.add(run);
        }
        return ops;
    }

    /**
     * Applies one edit as two buffer changes (see {@link EchoSplit}), each reported on its own; returns false if
     * this edit cannot be split that way (then it is applied as one change).
     */
    private boolean applySplit(Buffer b, TextEdit t) {
        LineIndex li = new LineIndex(b.text);
        int s = li.offsetOf(t.getRange().getStart(), encoding);
        int en = li.offsetOf(t.getRange().getEnd(), encoding);
        String text = t.getNewText();
        String first;
        int firstEnd;
        int secondLength; // what the second part deletes at the mark
        String second;
        if (echoSplit == EchoSplit.OVERSHOOT) {
            first = text + "\n";
            firstEnd = en;
            splitMark = s + text.length();
            secondLength = 1;
            second = "";
        } else if (en > s && !text.isEmpty()) {
            first = "";
            firstEnd = en;
            splitMark = s;
            secondLength = 0;
            second = text;
        } else if (text.length() >= 2 && !Character.isLowSurrogate(text.charAt(text.length() / 2))) {
            first = text.substring(0, text.length() / 2);
            firstEnd = en;
            splitMark = s + first.length();
            secondLength = 0;
            second = text.substring(first.length());
        } else {
            return false;
        }
        try {
            change(b, s, firstEnd, first);
            Consumer<String> hook = betweenEchoParts;
            if (hook != null) {
                hook.accept(b.uri);
            }
            change(b, splitMark, splitMark + secondLength, second);
        } finally {
            splitMark = -1;
        }
        return true;
    }

    /**
     * The one change turning {@code before} into {@code after}: common suffix first, then common prefix of the
     * rest (an empty change at the end of the last line if they are equal).
     */
    private TextDocumentContentChangeEvent changeFromTheEnd(String before, String after) {
        int suffix = 0;
        while (suffix < before.length() && suffix < after.length()
                && before.charAt(before.length() - 1 - suffix) == after.charAt(after.length() - 1 - suffix)) {
            suffix++;
        }
        if (before.equals(after) && before.endsWith("\n")) {
            suffix = 1;
        }
        int prefix = 0;
        while (prefix < before.length() - suffix && prefix < after.length() - suffix
                && before.charAt(prefix) == after.charAt(prefix)) {
            prefix++;
        }
        if (prefix > 0 && Character.isHighSurrogate(before.charAt(prefix - 1))) {
            prefix--;
        }
        while (suffix > 0 && Character.isLowSurrogate(before.charAt(before.length() - suffix))
                && before.length() - suffix > prefix) {
            suffix--;
        }
        LineIndex li = new LineIndex(before);
        return new TextDocumentContentChangeEvent(new org.eclipse.lsp4j.Range(li.positionOf(prefix, encoding),
                li.positionOf(before.length() - suffix, encoding)), after.substring(prefix, after.length() - suffix));
    }

    /** One buffer change made by the editor itself (not the user), reported like any change. */
    private void change(Buffer b, int start, int end, String text) {
        LineIndex li = new LineIndex(b.text);
        TextDocumentContentChangeEvent c = new TextDocumentContentChangeEvent(
                new org.eclipse.lsp4j.Range(li.positionOf(start, encoding), li.positionOf(end, encoding)), text);
        b.text = b.text.substring(0, start) + text + b.text.substring(end);
        b.version++;
        emit(b, List.of(c));
    }

    @Override
    public void weftStatus(WeftProtocol.Status status) {
        statuses.add(status);
    }

    @Override
    public void weftRemoteCursors(WeftProtocol.RemoteCursors cursors) {
        remoteCursors.add(cursors);
    }

    @Override
    public CompletableFuture<Void> refreshInlayHints() {
        inlayRefreshes.incrementAndGet();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void telemetryEvent(Object object) {
    }

    @Override
    public void publishDiagnostics(PublishDiagnosticsParams diagnostics) {
        this.diagnostics.add(diagnostics);
    }

    @Override
    public void showMessage(MessageParams messageParams) {
        shownMessages.add(messageParams.getType() + ": " + messageParams.getMessage());
    }

    @Override
    public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams requestParams) {
        messageRequests.add(requestParams);
        java.util.function.Function<ShowMessageRequestParams, String> policy = messageRequestPolicy;
        String a = policy != null ? policy.apply(requestParams) : messageRequestAnswer;
        return CompletableFuture.completedFuture(a == null ? null : new MessageActionItem(a));
    }

    @Override
    public CompletableFuture<ShowDocumentResult> showDocument(ShowDocumentParams params) {
        shownDocuments.add(params.getUri());
        return CompletableFuture.completedFuture(new ShowDocumentResult(true));
    }

    @Override
    public void logMessage(MessageParams message) {
    }

    /** {@code window/workDoneProgress/create} and {@code $/progress}, in arrival order: "create", "begin: title",
     *  "report: message", "end: message". */
    public final List<String> progress = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<Void> createProgress(org.eclipse.lsp4j.WorkDoneProgressCreateParams params) {
        progress.add("create");
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void notifyProgress(org.eclipse.lsp4j.ProgressParams params) {
        Object v = params.getValue().isLeft() ? params.getValue().getLeft() : params.getValue().getRight();
        if (v instanceof org.eclipse.lsp4j.WorkDoneProgressBegin b) {
            progress.add("begin: " + b.getTitle());
        } else if (v instanceof org.eclipse.lsp4j.WorkDoneProgressReport r) {
            progress.add("report: " + r.getMessage());
        } else if (v instanceof org.eclipse.lsp4j.WorkDoneProgressEnd e) {
            progress.add("end: " + e.getMessage());
        } else {
            progress.add("other: " + v);
        }
    }

    /** Closes a buffer ({@code didClose}); the editor forgets it. */
    public synchronized void close(String uri) {
        buffers.remove(uri);
        server.getTextDocumentService().didClose(new org.eclipse.lsp4j.DidCloseTextDocumentParams(
                new org.eclipse.lsp4j.TextDocumentIdentifier(uri)));
    }

    /** Whether a buffer is open. */
    public synchronized boolean isOpen(String uri) {
        return buffers.containsKey(uri);
    }

    /** Tells the server about file changes ({@code workspace/didChangeWatchedFiles}), as an editor's watcher does. */
    public void filesChanged(List<org.eclipse.lsp4j.FileEvent> events) {
        server.getWorkspaceService().didChangeWatchedFiles(new org.eclipse.lsp4j.DidChangeWatchedFilesParams(events));
    }

    @Override
    public void close() {
        try {
            server.shutdown().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort
        }
        sender.shutdownNow();
        answerTimer.shutdownNow();
        launcherThreads.shutdownNow();
    }

    /** Blocks until {@code uri}'s buffer satisfies {@code p} (checked after every applied server edit). */
    public synchronized void awaitText(String uri, java.util.function.Predicate<String> p, long timeoutMs)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!p.test(buffers.get(uri).text)) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new IllegalStateException("timed out waiting for the buffer of " + uri);
            }
            wait(left);
        }
    }

    /** Helper for tests: the position of UTF-16 {@code offset} in this editor's encoding. */
    public synchronized Position positionOf(String uri, int offset) {
        return new LineIndex(buffers.get(uri).text).positionOf(offset, encoding);
    }

    @SuppressWarnings("unused")
    private static void unused() throws IOException {
    }
}
