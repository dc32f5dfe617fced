package dev.weft.lsp.e2e;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.lsp4j.ApplyWorkspaceEditParams;
import org.eclipse.lsp4j.ApplyWorkspaceEditResponse;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.ConfigurationParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.RegistrationParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentEdit;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.UnregistrationParams;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WindowClientCapabilities;
import org.eclipse.lsp4j.ShowDocumentCapabilities;
import org.eclipse.lsp4j.ShowDocumentParams;
import org.eclipse.lsp4j.ShowDocumentResult;
import org.eclipse.lsp4j.DocumentHighlightParams;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceClientCapabilities;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * The "simulated editor": a real weft-server process driven by a small scripted LSP client that keeps one
 * buffer, types into it one character per {@code didChange} (incremental, UTF-16), and applies the server's
 * {@code workspace/applyEdit} like VS Code does (reject a stale version; otherwise apply, send the echo
 * {@code didChange}, then answer). All buffer state is guarded by {@code this}.
 */
final class ScriptedEditor implements AutoCloseable {

  /** Client side of contract 4's server-to-client notifications. */
  public interface WeftClient extends LanguageClient {
    @JsonNotification("weft/status")
    void weftStatus(JsonObject status);

    @JsonNotification("weft/remoteCursors")
    void weftRemoteCursors(JsonObject cursors);
  }

  private static final Gson GSON = new Gson();

  /** Participant name, immutable. */
  final String name;
  /** Workspace folder, immutable. */
  final Path workspace;
  /** Server stderr log, immutable. */
  final Path log;
  private final Process process;
  private final LanguageServer server;
  private final org.eclipse.lsp4j.jsonrpc.RemoteEndpoint remote;
  /** Uri of the one document this editor edits, or null before open/join. */
  private String uri;
  /** The buffer text. */
  private String text = "";
  /** The caret offset; remote edits before it move it, like a real editor's cursor. */
  private int caret;
  /** The buffer version (incremented on every change, like an editor). */
  private int version;
  /** Latest weft/status payload. */
  private JsonObject status;
  /** Latest weft/remoteCursors payload of the buffer. */
  private JsonObject cursors;
  /** URIs the server asked to show ({@code window/showDocument}), in order. */
  private final List<String> shown = new ArrayList<>();
  /** Messages the server showed ({@code window/showMessage}), in order. */
  private final List<String> messages = new ArrayList<>();
  /** Number of applyEdit requests answered applied / rejected. */
  private int applied;
  private int rejected;

  private ScriptedEditor(String name, Path workspace, Path log, Process process, Launcher<LanguageServer> l) {
    this.name = name;
    this.workspace = workspace;
    this.log = log;
    this.process = process;
    this.server = l.getRemoteProxy();
    this.remote = l.getRemoteEndpoint();
  }

  /** Starts the server process and completes initialize/initialized. */
  static ScriptedEditor start(List<String> serverCommand, String name, String color, Path workspace,
      Path out) throws Exception {
    return start(serverCommand, name, color, workspace, out, Map.of());
  }

  /**
   * Starts the server as a <em>plain</em> LSP client would: no {@code initializationOptions} name or colour, the
   * server's environment extended by {@code env} (e.g. {@code HOME} with a {@code .gitconfig}), and the
   * {@code window.showDocument} capability; the client records each {@code window/showDocument}. {@code label}
   * only names the logs.
   */
  static ScriptedEditor startPlain(List<String> serverCommand, String label, Path workspace, Path out,
      Map<String, String> env) throws Exception {
    return start(serverCommand, label, null, workspace, out, env);
  }

  private static ScriptedEditor start(List<String> serverCommand, String name, String color, Path workspace,
      Path out, Map<String, String> env) throws Exception {
    Files.createDirectories(workspace);
    Files.createDirectories(out);
    Path log = out.resolve(name + "-server.log");
    ProcessBuilder pb = new ProcessBuilder(serverCommand).directory(workspace.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    Process process = pb.start();
    ScriptedEditor[] self = new ScriptedEditor[1];
    Client client = new Client(() -> self[0]);
    Launcher<LanguageServer> launcher = new LSPLauncher.Builder<LanguageServer>()
        .setLocalService(client).setRemoteInterface(LanguageServer.class)
        .setInput(process.getInputStream()).setOutput(process.getOutputStream()).create();
    self[0] = new ScriptedEditor(name, workspace, log, process, launcher);
    launcher.startListening();

    InitializeParams init = new InitializeParams();
    init.setProcessId((int) ProcessHandle.current().pid());
    init.setRootUri(workspace.toUri().toString());
    init.setWorkspaceFolders(List.of(new WorkspaceFolder(workspace.toUri().toString(), "ws")));
    String dataDir = Files.createDirectories(out.resolve(name + "-data")).toString();
    init.setInitializationOptions(color == null ? Map.of("dataDir", dataDir)
        : Map.of("userName", name, "color", color, "dataDir", dataDir));
    ClientCapabilities caps = new ClientCapabilities();
    WorkspaceClientCapabilities ws = new WorkspaceClientCapabilities();
    ws.setApplyEdit(true);
    caps.setWorkspace(ws);
    if (color == null) {
      WindowClientCapabilities window = new WindowClientCapabilities();
      window.setShowDocument(new ShowDocumentCapabilities(true));
      caps.setWindow(window);
    }
    init.setCapabilities(caps);
    self[0].server.initialize(init).get(30, TimeUnit.SECONDS);
    self[0].server.initialized(new InitializedParams());
    return self[0];
  }

  /** Opens a workspace file as the buffer (didOpen with its text from disk). */
  void open(Path file) throws IOException {
    String content = Files.readString(file, StandardCharsets.UTF_8);
    synchronized (this) {
      uri = file.toAbsolutePath().normalize().toUri().toString();
      text = content;
      version = 1;
      server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(
          new TextDocumentItem(uri, "plaintext", version, text)));
    }
  }

  /** Runs a workspace command and returns its JSON result (null for none). */
  JsonElement execute(String command, Object... args) throws Exception {
    Object res = server.getWorkspaceService()
        .executeCommand(new ExecuteCommandParams(command, List.of(args))).get(30, TimeUnit.SECONDS);
    return res == null ? null : GSON.toJsonTree(res);
  }

  /** weft.share of the buffer on a relay; returns the invite link. */
  String share(String relayUrl) throws Exception {
    JsonObject res = execute("weft.share", Map.of("relayUrl", relayUrl, "uris", List.of(uri))).getAsJsonObject();
    return res.get("inviteLink").getAsString();
  }

  /** weft.join of a link; opens the first document. */
  void join(String link) throws Exception {
    JsonObject res = execute("weft.join", Map.of("link", link)).getAsJsonObject();
    String first = res.getAsJsonArray("documents").get(0).getAsString();
    open(Path.of(java.net.URI.create(first)));
  }

  /** weft.join of a link as a plain client: the buffer is the file the server showed with window/showDocument. */
  void joinPlain(String link, Duration timeout) throws Exception {
    execute("weft.join", Map.of("link", link));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (shownDocuments().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + ": no window/showDocument within " + timeout.toSeconds() + " s after join");
      }
      Thread.sleep(20);
    }
    open(Path.of(java.net.URI.create(shownDocuments().get(0))));
  }

  /** The action this editor picks when the server asks (window/showMessageRequest); null: the first offered. */
  private volatile String answer;

  void answerPrompts(String action) {
    this.answer = action;
  }

  /** didClose of the buffer (the file stays on disk). */
  synchronized void closeBuffer() {
    server.getTextDocumentService().didClose(
        new org.eclipse.lsp4j.DidCloseTextDocumentParams(new TextDocumentIdentifier(uri)));
    uri = null;
  }

  synchronized List<String> shownDocuments() {
    return List.copyOf(shown);
  }

  synchronized List<String> messages() {
    return List.copyOf(messages);
  }

  /** Sends textDocument/documentHighlight at the end of the first occurrence of s (a caret move, for many clients). */
  void highlightAfter(String s) throws Exception {
    Position p;
    synchronized (this) {
      int at = text.indexOf(s);
      if (at < 0) {
        throw new AssertionError(name + ": '" + s + "' not in buffer:\n" + text);
      }
      p = position(text, at + s.length());
    }
    server.getTextDocumentService().documentHighlight(
        new DocumentHighlightParams(new TextDocumentIdentifier(uri), p)).get(10, TimeUnit.SECONDS);
  }

  /** The first position of the named participant's first selection in the last weft/remoteCursors, or null. */
  synchronized Position cursorOf(String participant) {
    if (cursors == null || !cursors.has("cursors")) {
      return null;
    }
    for (JsonElement e : cursors.getAsJsonArray("cursors")) {
      JsonObject c = e.getAsJsonObject();
      if (c.has("name") && participant.equals(c.get("name").getAsString())
          && c.getAsJsonArray("selections").size() > 0) {
        return GSON.fromJson(c.getAsJsonArray("selections").get(0).getAsJsonObject().get("active"), Position.class);
      }
    }
    return null;
  }

  /** The names in the last weft/remoteCursors. */
  synchronized List<String> cursorNames() {
    List<String> out = new ArrayList<>();
    if (cursors != null && cursors.has("cursors")) {
      for (JsonElement e : cursors.getAsJsonArray("cursors")) {
        out.add(e.getAsJsonObject().has("name") ? e.getAsJsonObject().get("name").getAsString() : null);
      }
    }
    return out;
  }

  /** Waits until the named participant's caret is at the end of the first occurrence of s in this buffer. */
  void awaitCursorAfter(String participant, String s, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Position want = null;
    Position got = null;
    while (System.nanoTime() < deadline) {
      synchronized (this) {
        int at = text.indexOf(s);
        want = at < 0 ? null : position(text, at + s.length());
        got = cursorOf(participant);
      }
      if (want != null && want.equals(got)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(name + ": caret of " + participant + " never after '" + s + "' (" + want
        + ") within " + timeout.toSeconds() + " s; last seen at " + got + "; cursors " + cursors());
  }

  /** Types text one character (code point) at a time right after the first occurrence of anchor. */
  void type(String anchor, String typed) throws InterruptedException {
    synchronized (this) {
      int at = text.indexOf(anchor);
      if (at < 0) {
        throw new AssertionError(name + ": anchor '" + anchor + "' not in buffer:\n" + text);
      }
      caret = at + anchor.length();
    }
    for (int cp : typed.codePoints().toArray()) {
      String ch = new String(Character.toChars(cp));
      synchronized (this) {
        replace(caret, caret, ch);
        caret += ch.length();
      }
      Thread.sleep(5);
    }
  }

  /** Inserts text right after the first occurrence of anchor in one change (a paste). */
  synchronized void paste(String anchor, String pasted) {
    int at = text.indexOf(anchor);
    if (at < 0) {
      throw new AssertionError(name + ": anchor '" + anchor + "' not in buffer:\n" + text);
    }
    replace(at + anchor.length(), at + anchor.length(), pasted);
  }

  /** Deletes the first occurrence of s. */
  synchronized void delete(String s) {
    int at = text.indexOf(s);
    if (at < 0) {
      throw new AssertionError(name + ": '" + s + "' not in buffer:\n" + text);
    }
    replace(at, at + s.length(), "");
  }

  /** Reports the caret at the end of the first occurrence of s (weft/selection). */
  synchronized void selectAfter(String s) {
    Position p = position(text, text.indexOf(s) + s.length());
    JsonObject sel = new JsonObject();
    sel.add("anchor", GSON.toJsonTree(p));
    sel.add("active", GSON.toJsonTree(p));
    JsonObject params = new JsonObject();
    params.addProperty("uri", uri);
    params.addProperty("version", version);
    com.google.gson.JsonArray arr = new com.google.gson.JsonArray();
    arr.add(sel);
    params.add("selections", arr);
    remote.notify("weft/selection", params);
  }

  /** A local edit: change the buffer, bump the version, send didChange (incremental). */
  private void replace(int start, int end, String inserted) {
    Range range = new Range(position(text, start), position(text, end));
    text = text.substring(0, start) + inserted + text.substring(end);
    version++;
    TextDocumentContentChangeEvent change = new TextDocumentContentChangeEvent(range, inserted);
    server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
        new VersionedTextDocumentIdentifier(uri, version), List.of(change)));
  }

  synchronized String text() {
    return text;
  }

  synchronized JsonObject status() {
    return status;
  }

  synchronized JsonObject cursors() {
    return cursors;
  }

  /** Waits until the buffer satisfies the predicate. */
  void awaitText(String what, Predicate<String> p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!p.test(text())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " (simulated editor): timed out after " + timeout.toSeconds()
            + " s waiting for " + what + "; buffer:\n" + text() + "\n---- server log " + log + ":\n"
            + tail(log));
      }
      Thread.sleep(20);
    }
  }

  /** Waits until weft/remoteCursors for the buffer lists a participant with this name. */
  void awaitCursorOf(String participant, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonObject c = cursors();
      if (c != null && c.has("cursors")) {
        for (JsonElement e : c.getAsJsonArray("cursors")) {
          if (e.getAsJsonObject().has("name") && participant.equals(e.getAsJsonObject().get("name").getAsString())) {
            return;
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + ": no remote cursor of " + participant + " within " + timeout.toSeconds()
            + " s; last weft/remoteCursors: " + c);
      }
      Thread.sleep(20);
    }
  }

  /** Waits until the server reports connected with no unsent change. */
  void awaitSettled(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonObject st = null;
    while (System.nanoTime() < deadline) {
      JsonElement res = execute("weft.status");
      st = res == null ? null : res.getAsJsonObject();
      if (st != null && "connected".equals(st.get("state").getAsString())
          && (!st.has("unsent") || st.get("unsent").getAsInt() == 0)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(name + ": never settled; last status " + st + "\n" + tail(log));
  }

  synchronized String summary() {
    return name + ": version " + version + ", applyEdit applied " + applied + " rejected " + rejected;
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(unreadable " + file + ")";
    }
  }

  /** The LSP position (UTF-16) of an offset; lines end with \n, \r\n or \r. */
  static Position position(String text, int offset) {
    int line = 0;
    int lineStart = 0;
    for (int i = 0; i < offset; i++) {
      char c = text.charAt(i);
      if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        if (i + 1 == offset) {
          break;
        }
        i++;
        line++;
        lineStart = i + 1;
      } else if (c == '\n' || c == '\r') {
        line++;
        lineStart = i + 1;
      }
    }
    return new Position(line, offset - lineStart);
  }

  /** Applies a server edit (documentChanges or changes) if it targets the current version. */
  private synchronized ApplyWorkspaceEditResponse applyEdit(WorkspaceEdit edit) {
    List<TextEdit> edits = new ArrayList<>();
    if (edit.getDocumentChanges() != null) {
      for (Either<TextDocumentEdit, ?> dc : edit.getDocumentChanges()) {
        if (dc.isLeft()) {
          TextDocumentEdit tde = dc.getLeft();
          Integer v = tde.getTextDocument().getVersion();
          if (v != null && v != version) {
            rejected++;
            ApplyWorkspaceEditResponse r = new ApplyWorkspaceEditResponse(false);
            r.setFailureReason("stale: edit for version " + v + ", buffer at " + version);
            return r;
          }
          for (Either<TextEdit, ?> e : tde.getEdits()) {
            edits.add(e.getLeft());
          }
        }
      }
    } else if (edit.getChanges() != null) {
      edit.getChanges().values().forEach(edits::addAll);
    }
    // Edits refer to the original text: apply from the end so earlier offsets stay valid.
    List<TextDocumentContentChangeEvent> changes = new ArrayList<>();
    edits.sort(Comparator.comparing((TextEdit e) -> e.getRange().getStart().getLine())
        .thenComparing(e -> e.getRange().getStart().getCharacter()).reversed());
    for (TextEdit e : edits) {
      int s = DummyWeftServer.offset(text, e.getRange().getStart());
      int en = DummyWeftServer.offset(text, e.getRange().getEnd());
      text = text.substring(0, s) + e.getNewText() + text.substring(en);
      if (en <= caret) {
        caret += e.getNewText().length() - (en - s);
      } else if (s < caret) {
        caret = s + e.getNewText().length();
      }
      changes.add(new TextDocumentContentChangeEvent(e.getRange(), e.getNewText()));
    }
    version++;
    applied++;
    // The echo, before the answer (vscode-languageclient's order).
    server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
        new VersionedTextDocumentIdentifier(uri, version), changes));
    return new ApplyWorkspaceEditResponse(true);
  }

  private synchronized void onStatus(JsonObject st) {
    status = st;
  }

  private synchronized void onCursors(JsonObject c) {
    cursors = c;
  }

  @Override
  public void close() {
    try {
      server.shutdown().get(5, TimeUnit.SECONDS);
      server.exit();
    } catch (Exception ignored) {
      // The process is killed below anyway.
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The LSP4J client endpoint; forwards to the editor. */
  private static final class Client implements WeftClient {
    private final java.util.function.Supplier<ScriptedEditor> editor;

    Client(java.util.function.Supplier<ScriptedEditor> editor) {
      this.editor = editor;
    }

    @Override
    public CompletableFuture<ApplyWorkspaceEditResponse> applyEdit(ApplyWorkspaceEditParams params) {
      return CompletableFuture.completedFuture(editor.get().applyEdit(params.getEdit()));
    }

    @Override
    public void weftStatus(JsonObject st) {
      editor.get().onStatus(st);
    }

    @Override
    public void weftRemoteCursors(JsonObject c) {
      editor.get().onCursors(c);
    }

    @Override
    public void telemetryEvent(Object object) {
    }

    @Override
    public void publishDiagnostics(PublishDiagnosticsParams diagnostics) {
    }

    @Override
    public void showMessage(MessageParams messageParams) {
      ScriptedEditor e = editor.get();
      synchronized (e) {
        e.messages.add(messageParams.getMessage());
      }
    }

    @Override
    public CompletableFuture<ShowDocumentResult> showDocument(ShowDocumentParams params) {
      ScriptedEditor e = editor.get();
      synchronized (e) {
        e.shown.add(params.getUri());
      }
      return CompletableFuture.completedFuture(new ShowDocumentResult(true));
    }

    @Override
    public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams p) {
      ScriptedEditor e = editor.get();
      synchronized (e) {
        e.messages.add(p.getMessage());
      }
      if (p.getActions() == null || p.getActions().isEmpty()) {
        return CompletableFuture.completedFuture(null);
      }
      String want = e.answer;
      return CompletableFuture.completedFuture(p.getActions().stream()
          .filter(a -> want == null || want.equals(a.getTitle())).findFirst().orElse(p.getActions().get(0)));
    }

    @Override
    public void logMessage(MessageParams message) {
    }

    @Override
    public CompletableFuture<List<Object>> configuration(ConfigurationParams params) {
      List<Object> none = new ArrayList<>();
      params.getItems().forEach(i -> none.add(null));
      return CompletableFuture.completedFuture(none);
    }

    @Override
    public CompletableFuture<Void> registerCapability(RegistrationParams params) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> unregisterCapability(UnregistrationParams params) {
      return CompletableFuture.completedFuture(null);
    }
  }
}
