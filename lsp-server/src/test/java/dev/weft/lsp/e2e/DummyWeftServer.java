package dev.weft.lsp.e2e;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.lsp4j.ApplyWorkspaceEditParams;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.ExecuteCommandOptions;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentEdit;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.jsonrpc.services.JsonNotification;
import org.eclipse.lsp4j.jsonrpc.services.JsonRequest;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * A stand-in for weft-server that speaks contract 4 just enough to exercise the editor configs in
 * {@code samples/editors} without a relay: {@code weft.share} answers a fixed invite link and shows a
 * remote cursor; {@code weft.join} writes {@code joined.txt} into the workspace, returns it, and once the
 * editor opens it pushes one remote edit ({@code "REMOTE "} at the start) by {@code workspace/applyEdit};
 * {@code dummy.text} returns the server's view of a document so a test can compare it with the buffer.
 * {@code weft.blame} answers fixed authors (line 1: Ada and Bob, line 2: nobody); {@code weft.stageMine} and
 * {@code weft.commit} answer fixed results and {@code dummy.git} returns the arguments they got, so a test sees
 * what the editor plugin sent.
 *
 * <p>Run as {@code java -cp <test classpath> dev.weft.lsp.e2e.DummyWeftServer}; logs go to stderr.
 */
public final class DummyWeftServer implements LanguageServer, TextDocumentService, WorkspaceService {

  /** The client interface with Weft's server-to-client notifications. */
  public interface WeftClient extends LanguageClient {
    @JsonNotification("weft/status")
    void weftStatus(Object status);

    @JsonNotification("weft/remoteCursors")
    void weftRemoteCursors(Object cursors);
  }

  /** Text of the joined document as written to disk. */
  static final String JOINED_TEXT = "hello from dummy\nsecond line\n";

  /** Server's view of each open document: uri → text (mutated on the LSP message thread only). */
  private final Map<String, String> texts = new ConcurrentHashMap<>();
  /** Number of didOpen notifications per uri (an editor must open a document once). */
  private final Map<String, Integer> opens = new ConcurrentHashMap<>();
  /** Last version seen per uri. */
  private final Map<String, Integer> versions = new ConcurrentHashMap<>();
  /** Workspace folder from {@code initialize}, immutable after it. */
  private volatile Path root = Path.of(".").toAbsolutePath();
  /** Uri of the document written by {@code weft.join}, or null before. */
  private volatile String joinedUri;
  private volatile String room;
  /** The first argument of the last {@code weft.stageMine} as JSON text, "none" without one, null before. */
  private volatile String stageMineArg;
  /** The first argument of the last {@code weft.commit} as JSON text, null before. */
  private volatile String commitArg;
  private WeftClient client;

  public static void main(String[] args) throws Exception {
    DummyWeftServer server = new DummyWeftServer();
    Launcher<WeftClient> launcher = new LSPLauncher.Builder<WeftClient>()
        .setLocalService(server)
        .setRemoteInterface(WeftClient.class)
        .setInput(System.in)
        .setOutput(System.out)
        .create();
    server.client = launcher.getRemoteProxy();
    launcher.startListening().get();
    System.exit(0);
  }

  private static void log(String fmt, Object... args) {
    System.err.println("[dummy] " + String.format(fmt, args));
  }

  @Override
  public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
    if (params.getRootUri() != null) {
      root = Path.of(URI.create(params.getRootUri()));
    } else if (params.getWorkspaceFolders() != null && !params.getWorkspaceFolders().isEmpty()) {
      root = Path.of(URI.create(params.getWorkspaceFolders().get(0).getUri()));
    }
    log("initialize root=%s options=%s", root, params.getInitializationOptions());
    ServerCapabilities caps = new ServerCapabilities();
    caps.setTextDocumentSync(TextDocumentSyncKind.Incremental);
    caps.setExecuteCommandProvider(new ExecuteCommandOptions(List.of(
        "weft.share", "weft.join", "weft.leave", "weft.pause", "weft.resume", "weft.undo", "weft.redo",
        "weft.status", "weft.blame", "weft.stageMine", "weft.commit", "dummy.text", "dummy.opens",
        "dummy.git")));
    return CompletableFuture.completedFuture(new InitializeResult(caps));
  }

  @Override
  public CompletableFuture<Object> shutdown() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void exit() {
    System.exit(0);
  }

  @Override
  public TextDocumentService getTextDocumentService() {
    return this;
  }

  @Override
  public WorkspaceService getWorkspaceService() {
    return this;
  }

  @Override
  public void didOpen(DidOpenTextDocumentParams params) {
    String uri = normalize(params.getTextDocument().getUri());
    texts.put(uri, params.getTextDocument().getText());
    versions.put(uri, params.getTextDocument().getVersion());
    opens.merge(uri, 1, Integer::sum);
    log("didOpen %s v%d %d chars", uri, params.getTextDocument().getVersion(),
        params.getTextDocument().getText().length());
    if (uri.equals(joinedUri)) {
      pushRemoteEdit(uri, params.getTextDocument().getVersion());
    }
  }

  private void pushRemoteEdit(String uri, int version) {
    TextEdit edit = new TextEdit(new Range(new Position(0, 0), new Position(0, 0)), "REMOTE ");
    WorkspaceEdit we = new WorkspaceEdit(List.of(Either.forLeft(
        new TextDocumentEdit(new VersionedTextDocumentIdentifier(uri, version), List.of(Either.forLeft(edit))))));
    client.applyEdit(new ApplyWorkspaceEditParams(we)).thenAccept(r -> {
      log("applyEdit -> applied=%s reason=%s", r.isApplied(), r.getFailureReason());
      sendCursors(uri);
    });
  }

  private void sendCursors(String uri) {
    JsonObject pos = new JsonObject();
    pos.addProperty("line", 0);
    pos.addProperty("character", 2);
    client.weftRemoteCursors(Map.of("uri", uri, "cursors", List.of(Map.of(
        "clientId", "dummy-1", "name", "Dummy", "color", "#d73a49",
        "selections", List.of(Map.of("anchor", pos, "active", pos))))));
  }

  private Map<String, Object> status() {
    return Map.of("state", room == null ? "disconnected" : "connected", "room", room == null ? "" : room,
        "unsent", 0, "paused", false, "repairs", 0,
        "participants", List.of(Map.of("clientId", "dummy-1", "name", "Dummy", "color", "#d73a49")));
  }

  @Override
  public void didChange(DidChangeTextDocumentParams params) {
    String uri = normalize(params.getTextDocument().getUri());
    String text = texts.getOrDefault(uri, "");
    for (TextDocumentContentChangeEvent c : params.getContentChanges()) {
      if (c.getRange() == null) {
        text = c.getText();
      } else {
        int start = offset(text, c.getRange().getStart());
        int end = offset(text, c.getRange().getEnd());
        text = text.substring(0, start) + c.getText() + text.substring(end);
      }
    }
    texts.put(uri, text);
    versions.put(uri, params.getTextDocument().getVersion());
    log("didChange %s v%d %s", uri, params.getTextDocument().getVersion(), params.getContentChanges());
  }

  /** UTF-16 offset of an LSP position (lines end with \n, \r\n or \r). */
  static int offset(String text, Position p) {
    int line = 0;
    int i = 0;
    while (line < p.getLine() && i < text.length()) {
      char ch = text.charAt(i++);
      if (ch == '\r' && i < text.length() && text.charAt(i) == '\n') {
        i++;
      }
      if (ch == '\n' || ch == '\r') {
        line++;
      }
    }
    return Math.min(text.length(), i + p.getCharacter());
  }

  @Override
  public void didClose(DidCloseTextDocumentParams params) {
    texts.remove(normalize(params.getTextDocument().getUri()));
  }

  @Override
  public void didSave(DidSaveTextDocumentParams params) {
  }

  @Override
  public void didChangeConfiguration(DidChangeConfigurationParams params) {
  }

  @Override
  public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {
  }

  @Override
  public CompletableFuture<Object> executeCommand(ExecuteCommandParams params) {
    log("executeCommand %s %s", params.getCommand(), params.getArguments());
    JsonObject arg = params.getArguments() != null && !params.getArguments().isEmpty()
        && params.getArguments().get(0) instanceof JsonObject o ? o : new JsonObject();
    switch (params.getCommand()) {
      case "weft.share": {
        room = "dummy-room";
        client.weftStatus(status());
        if (arg.has("uris") && arg.getAsJsonArray("uris").size() > 0) {
          sendCursors(normalize(arg.getAsJsonArray("uris").get(0).getAsString()));
        }
        return CompletableFuture.completedFuture(Map.of("room", room,
            "inviteLink", "weft://join?relay=http%3A%2F%2F127.0.0.1%3A7420&room=dummy-room&secret=s3cret",
            "readOnlyInviteLink", "weft://join?relay=http%3A%2F%2F127.0.0.1%3A7420&room=dummy-room&secret=r0"));
      }
      case "weft.join": {
        if (!arg.has("link") || !arg.get("link").getAsString().startsWith("weft://join?")) {
          return CompletableFuture.failedFuture(new IllegalArgumentException("not an invite link: " + arg));
        }
        room = "dummy-room";
        Path file = root.resolve("joined.txt");
        try {
          Files.writeString(file, JOINED_TEXT, StandardCharsets.UTF_8);
        } catch (IOException e) {
          return CompletableFuture.failedFuture(e);
        }
        joinedUri = normalize(file.toUri().toString());
        client.weftStatus(status());
        return CompletableFuture.completedFuture(Map.of("room", room, "documents", List.of(joinedUri)));
      }
      case "weft.status":
        return CompletableFuture.completedFuture(status());
      case "dummy.text":
        return CompletableFuture.completedFuture(texts.get(normalize(arg.get("uri").getAsString())));
      case "dummy.opens":
        return CompletableFuture.completedFuture(Map.of("count",
            opens.getOrDefault(normalize(arg.get("uri").getAsString()), 0)));
      case "weft.blame":
        return CompletableFuture.completedFuture(Map.of("uri", arg.get("uri").getAsString(), "lines", List.of(
            Map.of("line", 0, "authors", List.of("Ada", "Bob")), Map.of("line", 1, "authors", List.of()))));
      case "weft.stageMine":
        stageMineArg = firstArgument(params);
        return CompletableFuture.completedFuture(Map.of("as", "Dummy <dummy@example.com>", "staged",
            List.of(Map.of("path", "joined.txt", "inserted", 3, "deleted", 0)), "problems", List.of()));
      case "weft.commit":
        commitArg = firstArgument(params);
        return CompletableFuture.completedFuture(Map.of("commits", List.of("0123456789abcdef"), "trailers",
            List.of("Co-authored-by: Ada <ada@example.com>"), "problems", List.of()));
      case "dummy.git":
        return CompletableFuture.completedFuture(Map.of("stageMine", String.valueOf(stageMineArg),
            "commit", String.valueOf(commitArg)));
      case "weft.leave":
        room = null;
        client.weftStatus(status());
        return CompletableFuture.completedFuture(null);
      default:
        return CompletableFuture.completedFuture(null);
    }
  }

  /** The command's first argument as JSON text, or "none". */
  private static String firstArgument(ExecuteCommandParams params) {
    List<Object> a = params.getArguments();
    return a == null || a.isEmpty() ? "none" : String.valueOf(a.get(0));
  }

  /** weft/verify: compares the client's hash with the server's view. */
  @JsonRequest("weft/verify")
  public CompletableFuture<Object> verify(JsonObject params) {
    String text = texts.getOrDefault(normalize(params.get("uri").getAsString()), "");
    String hash = sha256(text);
    boolean ok = hash.equals(params.get("sha256").getAsString());
    log("verify %s ok=%s", params, ok);
    return CompletableFuture.completedFuture(Map.of("ok", ok, "repaired", false, "repairs", 0));
  }

  /** weft/selection: only logged. */
  @JsonNotification("weft/selection")
  public void selection(JsonObject params) {
    log("selection %s", params);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** file:///a/b and file:/a/b, and percent-encoding differences, map to one key. */
  static String normalize(String uri) {
    try {
      return Path.of(URI.create(uri)).toAbsolutePath().normalize().toUri().toString();
    } catch (RuntimeException e) {
      return uri;
    }
  }
}
