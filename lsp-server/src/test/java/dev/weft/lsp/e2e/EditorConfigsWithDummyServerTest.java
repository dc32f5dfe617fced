package dev.weft.lsp.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The editor configs users copy ({@code samples/editors/nvim/weft.lua}, {@code
 * samples/editors/emacs/weft.el}) driven in the real Neovim / Emacs against {@link DummyWeftServer}: the
 * commands reach the server, a joined document opens, a server {@code workspace/applyEdit} lands in the
 * buffer, typed text reaches the server exactly (UTF-16 positions, emoji), weft/verify and remote cursors
 * work. Needs no relay and no server jar, so it guards the configs even while the real server changes.
 * Skipped (with the reason) when the editor is not installed.
 */
class EditorConfigsWithDummyServerTest {

  private static final Duration LIMIT = Duration.ofSeconds(60);

  /** Arguments of the dummy's {@code dummy.opens} command for a file. */
  private static String opensArg(Path file) {
    return "[{\"uri\":\"" + file.toAbsolutePath().normalize().toUri() + "\"}]";
  }

  /** Writes the link to the dummy server's room (the dummy answers any join) to {@code dir/link.txt}. */
  private static Path writeDummyLink(Path dir) throws IOException {
    return Files.writeString(dir.resolve("link.txt"),
        "weft://join?relay=http%3A%2F%2F127.0.0.1%3A7420&room=dummy-room&secret=s3cret");
  }

  @ParameterizedTest
  @EnumSource(EditorRun.Kind.class)
  void joinAppliesRemoteEditAndSendsTypedText(EditorRun.Kind kind) throws Exception {
    E2eSupport.assumeInstalled(kind);
    Path dir = E2eSupport.tempDir("dummy-join-" + kind + "-");
    Path link = writeDummyLink(dir);
    Steps steps = new Steps()
        .join(link)
        .waitFor("REMOTE hello from dummy")
        .cursor("Dummy");
    if (kind != EditorRun.Kind.EMACS) {
      // Without 'termguicolors' the caret is drawn in the xterm-256 colour nearest to #d73a49, not in one colour
      // for everybody (Emacs picks the nearest terminal colour itself).
      steps.cursorColor("Dummy", 167);
    }
    steps
        .type("second", "-typed")
        .type("REMOTE ", "ü")
        .serverText("dummy.text")
        .command("dummy.opens", opensArg(dir.resolve("ws/joined.txt")), "{\"count\":1}")
        .verify()
        .command("weft.status", "[]", "{\"state\":\"connected\",\"room\":\"dummy-room\"}")
        .dump("final.txt");
    try (EditorRun run = EditorRun.start(kind, "user-" + kind.executable, dir.resolve("ws"), dir.resolve("out"),
        E2eSupport.dummyServerCommand(), steps, Map.of())) {
      run.awaitSuccess(LIMIT);
      assertThat(run.read("final.txt")).as(run.report())
          .isEqualTo("REMOTE ühello from dummy\nsecond-typed line\n");
      if (kind != EditorRun.Kind.EMACS) {
        // The dummy reports "connected" during weft.join: one line for the whole join, or "Press ENTER".
        assertThat(run.read("join-messages.txt").strip().lines().toList())
            .as("lines printed by the join\n%s", run.report()).hasSize(1).allMatch(l -> l.contains("joined room"));
      }
      if (kind == EditorRun.Kind.NEOVIM) {
        // The server's stderr goes to its own file (weft.lua), not into lsp.log as [ERROR] lines.
        assertThat(run.read("home/.cache/nvim/lsp.log")).as("Neovim's lsp.log").doesNotContain("\"stderr\"");
        assertThat(run.read("server.log")).as("the server's own log").contains("[dummy] initialize");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(EditorRun.Kind.class)
  void shareWritesInviteLinkAndTypesAfterEmoji(EditorRun.Kind kind) throws Exception {
    E2eSupport.assumeInstalled(kind);
    Path dir = E2eSupport.tempDir("dummy-share-" + kind + "-");
    Path ws = Files.createDirectories(dir.resolve("ws"));
    String original = Files.readString(E2eSupport.repoRoot().resolve("samples/text/emoji.md"),
        StandardCharsets.UTF_8);
    Files.writeString(ws.resolve("emoji.md"), original, StandardCharsets.UTF_8);
    Steps steps = new Steps()
        .share("emoji.md")
        .cursor("Dummy");
    if (kind != EditorRun.Kind.EMACS) {
      // A visual selection ending on a 4-byte (2 UTF-16 units) character covers all of it, not one unit less.
      steps.visual("thread 🧵");
    }
    steps
        .type("thread 🧵", " 🚀x")
        .type("here:", " 👩‍👩‍👧!")
        .serverText("dummy.text")
        .command("dummy.opens", opensArg(ws.resolve("emoji.md")), "{\"count\":1}")
        .verify()
        .dump("final.txt");
    try (EditorRun run = EditorRun.start(kind, "user-" + kind.executable, ws, dir.resolve("out"),
        E2eSupport.dummyServerCommand(), steps, Map.of())) {
      run.awaitSuccess(LIMIT);
      assertThat(run.read("link.txt")).startsWith("weft://join?");
      assertThat(run.read("share-messages.txt")).as("what the user is shown after sharing")
          .contains("read-only link: weft://join?").contains("secret=r0");
      assertThat(run.read("final.txt")).as(run.report()).isEqualTo(original
          .replace("thread 🧵", "thread 🧵 🚀x").replace("here:", "here: 👩‍👩‍👧!"));
    }
  }

  /**
   * The transport options a user sets in the config ({@code transport = 'lan'}, {@code weft-transport},
   * {@code g:weft_transport}, and the LAN label) reach the server's {@code initializationOptions} (docs/editors.md,
   * "LAN rooms and direct links").
   */
  @ParameterizedTest
  @EnumSource(EditorRun.Kind.class)
  void transportOptionsReachTheServersInitializationOptions(EditorRun.Kind kind) throws Exception {
    E2eSupport.assumeInstalled(kind);
    Path dir = E2eSupport.tempDir("dummy-transport-" + kind + "-");
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Files.writeString(ws.resolve("notes.txt"), "notes\n", StandardCharsets.UTF_8);
    Steps steps = new Steps().share("notes.txt");
    try (EditorRun run = EditorRun.start(kind, "user-" + kind.executable, ws, dir.resolve("out"),
        E2eSupport.dummyServerCommand(), steps,
        Map.of("WEFT_E2E_TRANSPORT", "lan", "WEFT_E2E_LAN_LABEL", "Ada notes"))) {
      run.awaitSuccess(LIMIT);
      assertThat(run.read("server.log")).as(run.report()).contains("[dummy] initialize")
          .contains("\"transport\":\"lan\"").contains("\"lanLabel\":\"Ada notes\"");
    }
  }

  /**
   * The git commands of the editor configs against the dummy's fixed answers: the blame annotations are drawn
   * on the right lines with the authors' names (none on a line without authors), stage and commit send what the
   * language server expects (an object argument: a Lua empty table would be a JSON array).
   */
  @ParameterizedTest
  @EnumSource(EditorRun.Kind.class)
  void blameIsDrawnPerLineAndStageAndCommitSendTheirArguments(EditorRun.Kind kind) throws Exception {
    E2eSupport.assumeInstalled(kind);
    Path dir = E2eSupport.tempDir("dummy-git-" + kind + "-");
    Path link = writeDummyLink(dir);
    String stageArg = kind == EditorRun.Kind.EMACS ? "none" : "{}";
    Steps steps = new Steps()
        .join(link)
        .waitFor("REMOTE hello from dummy")
        .blame("blame.txt")
        .stageMine()
        .gitCommit("Both parts")
        .command("dummy.git", "[]", "{\"stageMine\":\"" + stageArg.replace("\"", "\\\"")
            + "\",\"commit\":\"{\\\"message\\\":\\\"Both parts\\\"}\"}");
    try (EditorRun run = EditorRun.start(kind, "user-" + kind.executable, dir.resolve("ws"), dir.resolve("out"),
        E2eSupport.dummyServerCommand(), steps, Map.of())) {
      run.awaitSuccess(LIMIT);
      String blame = run.read("blame.txt");
      if (kind == EditorRun.Kind.VIM) {
        assertThat(blame).as(run.report()).isEqualTo("1\tAda, Bob\tREMOTE hello from dummy\n2\t-\tsecond line\n");
      } else {
        assertThat(blame).as(run.report()).isEqualTo("1\t  \u270e Ada, Bob\n");
      }
    }
  }
}
