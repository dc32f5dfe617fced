package dev.weft.lsp.e2e;

import dev.weft.relay.testing.RelayProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A plain LSP client — no Weft plugin: it never sends {@code weft/selection} and configures no name — joins a room
 * through the real language server and a real relay process, as Helix, Kate, Sublime LSP or Zed would with the
 * configs in {@code docs/editors.md}. Proves that the server opens the joined file with
 * {@code window/showDocument}, takes the name from {@code git config user.name} (never the account "root"), and
 * shows the plain client's caret to a peer, inferred from its typing and from {@code documentHighlight}.
 */
class PlainLspClientWithRealServerTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private static ServerUnderTest server() throws IOException {
    StringBuilder why = new StringBuilder();
    var s = ServerUnderTest.find(why);
    boolean ci = "true".equals(System.getenv("CI"));
    if (s.isEmpty()) {
      String reason = why.toString();
      if (ci) {
        throw new AssertionError(reason);
      }
      assumeTrue(false, reason);
    }
    assumeTrue(E2eSupport.onPath("git").isPresent(), "git is not installed: skipping");
    return s.get();
  }

  @Test
  @Timeout(90)
  void plainClientJoinsIsShownTheFileAndItsCaretAndGitNameReachThePeer() throws Exception {
    ServerUnderTest server = server();
    Path dir = E2eSupport.tempDir("plain-client-");
    // The plain client's account is "root" (as on CI); its git identity is the better name.
    Path home = Files.createDirectories(dir.resolve("plain-home"));
    Files.writeString(home.resolve(".gitconfig"), "[user]\n\tname = Grace Hopper\n", StandardCharsets.UTF_8);
    Map<String, String> env = Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", home.resolve(".config").toString(),
        "GIT_CONFIG_NOSYSTEM", "1", "USER", "root", "LOGNAME", "root", "WEFT_NAME", "");

    try (RelayProcess relay = RelayProcess.start(dir.resolve("relay"));
        ScriptedEditor ada = ScriptedEditor.start(server.command, "Ada", "#1f883d", dir.resolve("ada-ws"),
            dir.resolve("ada-out"));
        ScriptedEditor plain = ScriptedEditor.startPlain(server.command, "plain", dir.resolve("plain-ws"),
            dir.resolve("plain-out"), env)) {
      Path file = Files.createDirectories(ada.workspace).resolve("notes.txt");
      Files.writeString(file, "let a = 1\nlet b = 2\n", StandardCharsets.UTF_8);
      ada.open(file);
      String link = ada.share(relay.uri().toString());

      // Join by a raw workspace/executeCommand; the server shows the written file (window/showDocument).
      plain.joinPlain(link, WAIT);
      assertThat(plain.shownDocuments()).containsExactly(
          plain.workspace.resolve("notes.txt").toAbsolutePath().normalize().toUri().toString());
      assertThat(plain.text()).isEqualTo("let a = 1\nlet b = 2\n");

      // Typing moves the inferred caret; the peer sees it under the git name.
      plain.type("let b = 2", " + 40");
      ada.awaitText("the plain client's typing", t -> t.contains("let b = 2 + 40\n"), WAIT);
      ada.awaitCursorAfter("Grace Hopper", "2 + 40", WAIT);
      assertThat(ada.cursorNames()).containsExactly("Grace Hopper");

      // A documentHighlight request (sent on caret moves by many clients) moves it too.
      plain.highlightAfter("let a");
      ada.awaitCursorAfter("Grace Hopper", "let a", WAIT);

      // The peer's edit reaches the plain client (applyEdit + echo) and does not move the plain client's caret.
      ada.type("let b = 2 + 40", ";");
      plain.awaitText("Ada's edit", t -> t.equals("let a = 1\nlet b = 2 + 40;\n"), WAIT);
      ada.awaitSettled(WAIT);
      plain.awaitSettled(WAIT);
      Thread.sleep(500);
      ada.awaitCursorAfter("Grace Hopper", "let a", Duration.ofSeconds(2));
      assertThat(ada.text()).isEqualTo(plain.text());
    }
  }

  @Test
  @Timeout(120)
  void rejoiningOfflineWithAChangedFileTellsTheUserWhereTheSharedCopyIs() throws Exception {
    ServerUnderTest server = server();
    Path dir = E2eSupport.tempDir("offline-second-copy-");
    try (RelayProcess relay = RelayProcess.start(dir.resolve("relay"));
        ScriptedEditor ada = ScriptedEditor.start(server.command, "Ada", "#1f883d", dir.resolve("ada-ws"),
            dir.resolve("ada-out"));
        ScriptedEditor bob = ScriptedEditor.start(server.command, "Bob", "#4363d8", dir.resolve("bob-ws"),
            dir.resolve("bob-out"))) {
      Path file = Files.createDirectories(ada.workspace).resolve("notes.txt");
      Files.writeString(file, "shared text\n", StandardCharsets.UTF_8);
      ada.open(file);
      String link = ada.share(relay.uri().toString());
      bob.join(link);
      bob.type("shared text", " from Bob");
      ada.awaitText("Bob's typing", t -> t.equals("shared text from Bob\n"), WAIT);
      bob.awaitSettled(WAIT);

      // Bob leaves, closes the file and changes it on disk; the relay goes away; Bob joins again (offline, from his
      // journal) and keeps his own file: the shared version goes to the second folder and he is told so.
      bob.execute("weft.leave");
      bob.closeBuffer();
      Path bobFile = bob.workspace.resolve("notes.txt");
      Files.writeString(bobFile, "Bob's own version\n", StandardCharsets.UTF_8);
      relay.kill();
      bob.answerPrompts("Use a separate folder");
      var res = bob.execute("weft.join", Map.of("link", link)).getAsJsonObject();

      String room = res.get("room").getAsString();
      Path second = bob.workspace.resolve(".weft").resolve(room).resolve("notes.txt");
      assertThat(Files.readString(bobFile, StandardCharsets.UTF_8)).isEqualTo("Bob's own version\n");
      assertThat(Files.readString(second, StandardCharsets.UTF_8)).isEqualTo("shared text from Bob\n");
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (bob.messages().stream().noneMatch(m -> m.contains(second.getParent().toString()))
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(bob.messages()).as("what Bob's editor showed").anySatisfy(m -> assertThat(m)
          .contains("notes.txt").contains("left as it is").contains(second.getParent().toString())
          .contains("edit the files there"));
    }
  }

  @Test
  @Timeout(120)
  void neovimWithABareStartClientConfigIsShownToThePeerUnderItsGitName() throws Exception {
    assumeTrue(E2eSupport.installed(EditorRun.Kind.NEOVIM), "nvim is not installed: skipping (.ci/setup.d/50-editors.sh)");
    ServerUnderTest server = server();
    Path dir = E2eSupport.tempDir("plain-nvim-");
    Path home = Files.createDirectories(dir.resolve("nvim-home"));
    Files.writeString(home.resolve(".gitconfig"), "[user]\n\tname = Grace Hopper\n", StandardCharsets.UTF_8);
    Path control = Files.createDirectories(dir.resolve("control"));
    Path ws = Files.createDirectories(dir.resolve("nvim-ws"));
    Path script = E2eSupport.repoRoot().resolve("lsp-server/src/test/e2e/plain/nvim-bare.lua");
    try (RelayProcess relay = RelayProcess.start(dir.resolve("relay"));
        ScriptedEditor ada = ScriptedEditor.start(server.command, "Ada", "#1f883d", dir.resolve("ada-ws"),
            dir.resolve("ada-out"))) {
      Path file = Files.createDirectories(ada.workspace).resolve("notes.txt");
      Files.writeString(file, "let a = 1\nlet b = 2\n", StandardCharsets.UTF_8);
      ada.open(file);
      Files.writeString(control.resolve("link.txt"), ada.share(relay.uri().toString()));

      ProcessBuilder pb = new ProcessBuilder("nvim", "--headless", "-u", "NONE", "-c", "luafile " + script)
          .directory(ws.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nvim.log").toFile()));
      pb.environment().putAll(Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", home.resolve(".config").toString(),
          "XDG_CACHE_HOME", home.resolve(".cache").toString(), "XDG_STATE_HOME", home.resolve(".state").toString(),
          "XDG_DATA_HOME", home.resolve(".data").toString(), "GIT_CONFIG_NOSYSTEM", "1", "USER", "root",
          "LOGNAME", "root", "WEFT_NAME", ""));
      pb.environment().put("BARE_CMD", String.join("\n", server.command));
      pb.environment().put("BARE_DIR", control.toString());
      pb.environment().put("BARE_DATA", Files.createDirectories(dir.resolve("nvim-data")).toString());
      Process nvim = pb.start();
      try {
        awaitFile(nvim, control, "typed", dir);
        ada.awaitText("Neovim's typing", t -> t.equals("let a = 1\nlet b = 2 + 40\n"), WAIT);
        ada.awaitCursorAfter("Grace Hopper", "2 + 40", WAIT);
        assertThat(ada.cursorNames()).containsExactly("Grace Hopper");
        Files.writeString(control.resolve("move"), "");
        awaitFile(nvim, control, "moved", dir);
        ada.awaitCursorAfter("Grace Hopper", "let a", WAIT);
        Files.writeString(control.resolve("quit"), "");
        assertThat(nvim.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(control.resolve("buffer.txt"))).isEqualTo("let a = 1\nlet b = 2 + 40\n");
      } finally {
        nvim.destroyForcibly();
      }
    }
  }

  private static void awaitFile(Process nvim, Path control, String name, Path dir) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!Files.exists(control.resolve(name))) {
      if (Files.exists(control.resolve("failure.txt")) || !nvim.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("bare Neovim did not reach '" + name + "': "
            + (Files.exists(control.resolve("failure.txt")) ? Files.readString(control.resolve("failure.txt")) : "")
            + "\n" + (Files.exists(dir.resolve("nvim.log")) ? Files.readString(dir.resolve("nvim.log")) : ""));
      }
      Thread.sleep(20);
    }
  }
}
