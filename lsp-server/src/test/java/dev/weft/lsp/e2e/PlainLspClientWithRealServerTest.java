package dev.weft.lsp.e2e;

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
    if (s.isEmpty() || !Files.isRegularFile(RelayUnderTest.jar())) {
      String reason = s.isEmpty() ? why.toString() : "relay jar " + RelayUnderTest.jar() + " is not built";
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

    try (RelayUnderTest relay = RelayUnderTest.start(dir);
        ScriptedEditor ada = ScriptedEditor.start(server.command, "Ada", "#1f883d", dir.resolve("ada-ws"),
            dir.resolve("ada-out"));
        ScriptedEditor plain = ScriptedEditor.startPlain(server.command, "plain", dir.resolve("plain-ws"),
            dir.resolve("plain-out"), env)) {
      Path file = Files.createDirectories(ada.workspace).resolve("notes.txt");
      Files.writeString(file, "let a = 1\nlet b = 2\n", StandardCharsets.UTF_8);
      ada.open(file);
      String link = ada.share(relay.url.toString());

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
    try (RelayUnderTest relay = RelayUnderTest.start(dir);
        ScriptedEditor ada = ScriptedEditor.start(server.command, "Ada", "#1f883d", dir.resolve("ada-ws"),
            dir.resolve("ada-out"));
        ScriptedEditor bob = ScriptedEditor.start(server.command, "Bob", "#4363d8", dir.resolve("bob-ws"),
            dir.resolve("bob-out"))) {
      Path file = Files.createDirectories(ada.workspace).resolve("notes.txt");
      Files.writeString(file, "shared text\n", StandardCharsets.UTF_8);
      ada.open(file);
      String link = ada.share(relay.url.toString());
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
}
