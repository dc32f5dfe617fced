package dev.weft.lsp;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import dev.weft.lsp.binding.PositionEncoding;
import dev.weft.lsp.customservice.WeftLanguageClient;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.lsp.customservice.WeftService;
import dev.weft.lsp.session.RoomConnector;
import dev.weft.lsp.session.SessionManager;
import dev.weft.lsp.session.WarmUp;
import dev.weft.lsp.session.WorkspaceNames;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.ExecuteCommandOptions;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.TextDocumentSyncOptions;
import org.eclipse.lsp4j.jsonrpc.services.JsonDelegate;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The LSP shell: declares capabilities and hands every request to {@link SessionManager} (lemminx style: no logic
 * here).
 */
public final class WeftLanguageServer implements LanguageServer, LanguageClientAware {
    /** The server's state and features. Immutable reference. */
    private final SessionManager session;
    private final WeftTextDocumentService textDocuments;
    private final WeftWorkspaceService workspace;
    private final WeftServiceImpl weft;
    private volatile boolean shutdownRequested;
    /** False in in-process tests: {@code exit} must not end the test JVM. */
    private final boolean exitJvm;

    public WeftLanguageServer() {
        this(RoomConnector.RELAY, true);
    }

    /** A server reaching rooms through {@code connector}; {@code exitJvm} false keeps the JVM on exit (tests). */
    public WeftLanguageServer(RoomConnector connector, boolean exitJvm) {
        this.session = new SessionManager(connector);
        this.textDocuments = new WeftTextDocumentService(session);
        this.workspace = new WeftWorkspaceService(session);
        this.weft = new WeftServiceImpl(session);
        this.exitJvm = exitJvm;
    }

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        ClientCapabilities caps = params.getCapabilities();
        List<String> offered = caps != null && caps.getGeneral() != null ? caps.getGeneral().getPositionEncodings()
                : null;
        PositionEncoding enc = PositionEncoding.negotiate(offered);
        WeftProtocol.InitOptions options = initOptions(params.getInitializationOptions());
        session.configure(enc, workspaceRoot(params), options,
                caps != null && caps.getWindow() != null && caps.getWindow().getShowDocument() != null
                        && caps.getWindow().getShowDocument().isSupport(),
                caps == null || caps.getWindow() == null || caps.getWindow().getShowMessage() != null,
                caps != null && caps.getWorkspace() != null && caps.getWorkspace().getInlayHint() != null
                        && Boolean.TRUE.equals(caps.getWorkspace().getInlayHint().getRefreshSupport()));
        session.configureWorkspace(workspaceFolders(params),
                caps != null && caps.getWindow() != null && Boolean.TRUE.equals(caps.getWindow().getWorkDoneProgress()),
                caps != null && caps.getWorkspace() != null && caps.getWorkspace().getDidChangeWatchedFiles() != null
                        && Boolean.TRUE.equals(caps.getWorkspace().getDidChangeWatchedFiles().getDynamicRegistration()),
                caps != null && caps.getWorkspace() != null && caps.getWorkspace().getWorkspaceEdit() != null
                        && caps.getWorkspace().getWorkspaceEdit().getResourceOperations() != null
                        ? java.util.Set.copyOf(caps.getWorkspace().getWorkspaceEdit().getResourceOperations())
                        : java.util.Set.of());
        ServerCapabilities sc = new ServerCapabilities();
        TextDocumentSyncOptions sync = new TextDocumentSyncOptions();
        sync.setOpenClose(true);
        sync.setChange(TextDocumentSyncKind.Incremental);
        sc.setTextDocumentSync(sync);
        sc.setPositionEncoding(enc.lspName);
        sc.setExecuteCommandProvider(new ExecuteCommandOptions(WeftProtocol.COMMANDS));
        sc.setInlayHintProvider(!options.drawsCursors);
        // Position-carrying requests tell where a plain client's caret is (see CursorService#onPositionRequest).
        if (!options.reportsSelection) {
            sc.setDocumentHighlightProvider(true);
            sc.setHoverProvider(true);
        }
        WarmUp.startInBackground();
        return CompletableFuture.completedFuture(new InitializeResult(sc, new ServerInfo("weft-server", "0.1.0")));
    }

    /** Every {@code file:} workspace folder, in order (empty if the editor sent none). */
    private static List<Path> workspaceFolders(InitializeParams p) {
        List<Path> out = new java.util.ArrayList<>();
        if (p.getWorkspaceFolders() != null) {
            for (org.eclipse.lsp4j.WorkspaceFolder f : p.getWorkspaceFolders()) {
                try {
                    out.add(WorkspaceNames.pathOf(f.getUri()));
                } catch (IllegalArgumentException e) {
                    // not a file: folder — cannot be shared
                }
            }
        }
        return out;
    }

    private static Path workspaceRoot(InitializeParams p) {
        try {
            if (p.getWorkspaceFolders() != null && !p.getWorkspaceFolders().isEmpty()) {
                return WorkspaceNames.pathOf(p.getWorkspaceFolders().get(0).getUri());
            }
            if (p.getRootUri() != null) {
                return WorkspaceNames.pathOf(p.getRootUri());
            }
            @SuppressWarnings("deprecation")
            String rootPath = p.getRootPath();
            if (rootPath != null) {
                return Path.of(rootPath);
            }
        } catch (IllegalArgumentException e) {
            // not a file: workspace — names fall back to file names
        }
        return null;
    }

    private static WeftProtocol.InitOptions initOptions(Object raw) {
        if (raw instanceof JsonElement je && je.isJsonObject()) {
            return new Gson().fromJson(je, WeftProtocol.InitOptions.class);
        }
        return new WeftProtocol.InitOptions();
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        shutdownRequested = true;
        return CompletableFuture.supplyAsync(() -> {
            session.shutdown();
            return null;
        });
    }

    @Override
    public void exit() {
        exitCleanly();
    }

    /** Flushes the journal and exits (status 0 after shutdown, 1 otherwise, as LSP asks). */
    void exitCleanly() {
        if (!shutdownRequested) {
            session.shutdown();
        }
        if (exitJvm) {
            System.exit(shutdownRequested ? 0 : 1);
        }
    }

    @Override
    public TextDocumentService getTextDocumentService() {
        return textDocuments;
    }

    @Override
    public WorkspaceService getWorkspaceService() {
        return workspace;
    }

    /** The {@code weft/…} methods. */
    @JsonDelegate
    public WeftService getWeftService() {
        return weft;
    }

    @Override
    public void connect(LanguageClient client) {
        session.connect((WeftLanguageClient) client);
    }

    /** For in-process tests: the session behind this shell. */
    public SessionManager session() {
        return session;
    }
}
