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
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real editors driving the real language server through a real relay process: headless Neovim 0.7 with
 * {@code samples/editors/nvim/weft.lua} and batch Emacs 28 + eglot with {@code samples/editors/emacs/weft.el}
 * each co-edit {@code samples/paper/main.tex} with a simulated editor (a second server driven by {@link
 * ScriptedEditor}), and with each other. Every participant types at its own place while the others type;
 * the test asserts the exact final text in every buffer and in the relay's copy ({@code weft cat}).
 *
 * <p>Skipped with the reason when an editor is not installed (.ci/setup.d/50-editors.sh installs them) or
 * when the relay jar / server are not built; on CI ({@code CI=true}) a missing build fails instead.
 * Each scenario is bounded to 60 s; a timeout fails with the editors' and servers' logs (kept under
 * {@code lsp-server/target/e2e/}).
 */
class EditorsWithRealServerTest {

  private static final Duration SCENARIO = Duration.ofSeconds(60);
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final String PAPER = "samples/paper/main.tex";

  private static void assumeEditor(EditorRun.Kind kind) {
    E2eSupport.assumeInstalled(kind);
  }

  private static void assumeBuilt(boolean built, String why) {
    if (!built && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(why);
    }
    assumeTrue(built, why);
  }

  private static ServerUnderTest server() throws IOException {
    StringBuilder why = new StringBuilder();
    var s = ServerUnderTest.find(why);
    assumeBuilt(s.isPresent(), why.toString());
    System.out.println("[e2e] language server: " + s.get().description);
    return s.get();
  }

  private static String paper() throws IOException {
    return Files.readString(E2eSupport.repoRoot().resolve(PAPER), StandardCharsets.UTF_8);
  }

  /** The paper, checked to end with {@code \end{document}} and a newline (the scenarios that append rely on it). */
  private static String paperEndingInEndDocument() throws IOException {
    String original = paper();
    assertThat(original).endsWith("\\end{document}\n");
    return original;
  }

  private static Path copyPaper(Path workspace) throws IOException {
    Files.createDirectories(workspace);
    Path file = workspace.resolve("main.tex");
    Files.writeString(file, paper(), StandardCharsets.UTF_8);
    return file;
  }

  /** Writes the text every copy must end with to {@code dir/expected.txt} (the editors' {@code expect} step). */
  private static Path writeExpected(Path dir, String expected) throws IOException {
    Path file = dir.resolve("expected.txt");
    Files.writeString(file, expected, StandardCharsets.UTF_8);
    return file;
  }

  /** A step of a scenario that may fail an assertion. */
  private interface Step {
    void run() throws Exception;
  }

  /** Runs {@code step}; if an assertion fails, the editor is closed and its report added to the failure. */
  private static void withReport(EditorRun editor, Step step) throws Exception {
    try {
      step.run();
    } catch (AssertionError e) {
      editor.close();
      throw new AssertionError(e.getMessage() + "\n" + editor.report(), e);
    }
  }

  /**
   * The set-up of the scenarios in which one real editor joins: a relay process, and the simulated editor, which has
   * opened a copy of the paper and shared it there ({@link #link}, also in {@code dir/link.txt}). Closing stops the
   * simulated editor, then the relay.
   */
  private static final class SharedPaper implements AutoCloseable {
    final ServerUnderTest server;
    final Path dir;
    final RelayProcess relay;
    final ScriptedEditor sim;
    /** The editor link of the room. */
    final String link;

    private SharedPaper(ServerUnderTest server, Path dir, RelayProcess relay, ScriptedEditor sim) throws Exception {
      this.server = server;
      this.dir = dir;
      this.relay = relay;
      this.sim = sim;
      sim.open(copyPaper(sim.workspace));
      this.link = sim.share(relay.url());
      Files.writeString(linkFile(), link);
    }

    /** Finds the built server (or skips), makes a fresh directory {@code e2e/<dirPrefix>…} and starts there. */
    static SharedPaper start(String dirPrefix) throws Exception {
      return start(server(), E2eSupport.tempDir(dirPrefix));
    }

    static SharedPaper start(ServerUnderTest server, Path dir) throws Exception {
      RelayProcess relay = RelayProcess.start(dir.resolve("relay"));
      ScriptedEditor sim = null;
      try {
        sim = ScriptedEditor.start(server.command, "sim", "#1f883d", dir.resolve("sim-ws"), dir.resolve("sim-out"));
        return new SharedPaper(server, dir, relay, sim);
      } catch (Exception | AssertionError e) {
        if (sim != null) {
          sim.close();
        }
        relay.close();
        throw e;
      }
    }

    Path linkFile() {
      return dir.resolve("link.txt");
    }

    /** The first steps of a joining editor: join the room, then signal {@code joined}. */
    Steps joinSteps() {
      return new Steps().join(linkFile()).signal("joined");
    }

    /** Starts {@code kind} on {@code dir/<executable>-ws}, writing to {@code dir/<executable>-out}. */
    EditorRun startEditor(EditorRun.Kind kind, Steps steps, Map<String, String> env) throws IOException {
      return EditorRun.start(kind, kind.executable, dir.resolve(kind.executable + "-ws"),
          dir.resolve(kind.executable + "-out"), server.command, steps, env);
    }

    /** Waits for {@code editor}'s {@code joined} signal, then runs {@code simPart} (with its report on failure). */
    void whenJoined(EditorRun editor, Step simPart) throws Exception {
      awaitFile(editor, editor.out.resolve("joined"), WAIT);
      withReport(editor, simPart);
    }

    /**
     * The editor's script succeeded, and its buffer ({@code label}), the simulated editor's and the relay's copy of
     * {@code main.tex} all equal {@code expected}.
     */
    void assertEveryCopyIs(String expected, EditorRun editor, Object label) throws Exception {
      editor.awaitSuccess(SCENARIO);
      assertThat(editor.read("final.txt")).as("%s buffer\n%s", label, editor.report()).isEqualTo(expected);
      assertThat(sim.text()).as("simulated editor's buffer (%s)", sim.summary()).isEqualTo(expected);
      assertRelayCopy(expected);
    }

    void assertRelayCopy(String expected) throws Exception {
      assertThat(server.relayCopy(link, "main.tex", dir)).as("relay's copy (weft cat)").isEqualTo(expected);
    }

    @Override
    public void close() throws Exception {
      try {
        sim.close();
      } finally {
        relay.close();
      }
    }
  }

  /** Waits for a file an editor writes (a signal), failing early with its logs if the editor died. */
  private static void awaitFile(EditorRun editor, Path file, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(file)) {
      if (!editor.isAlive()) {
        editor.awaitSuccess(Duration.ofSeconds(1));
        throw new AssertionError(editor.label + " ended before writing " + file + "\n" + editor.report());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(editor.label + " did not write " + file + " within " + timeout.toSeconds()
            + " s\n" + editor.report());
      }
      Thread.sleep(20);
    }
  }

  /** What the simulated editor does in a scenario once the real editor has joined. */
  private interface SimPart {
    void run(ScriptedEditor sim) throws Exception;
  }

  /**
   * The scenarios in which one real editor joins the paper the simulated editor shared and both type: the editor
   * runs {@code script} after joining, then {@link Steps#finish}; once it has joined, the simulated editor runs
   * {@code simPart} and waits for {@code expected} and quiet; then every copy (the editor's buffer, named
   * {@code label}, the simulated editor's and the relay's) must equal {@code expected}.
   */
  private static void joinAndType(EditorRun.Kind kind, String dirPrefix, String expected, UnaryOperator<Steps> script,
      Map<String, String> env, SimPart simPart, String label) throws Exception {
    assumeEditor(kind);
    try (SharedPaper paper = SharedPaper.start(dirPrefix)) {
      Path expectedFile = writeExpected(paper.dir, expected);
      Steps steps = script.apply(paper.joinSteps()).finish(expectedFile);
      try (EditorRun editor = paper.startEditor(kind, steps, env)) {
        paper.whenJoined(editor, () -> {
          simPart.run(paper.sim);
          paper.sim.awaitText("the exact expected text", expected::equals, WAIT);
          paper.sim.awaitSettled(WAIT);
        });
        paper.assertEveryCopyIs(expected, editor, label);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EditorRun.Kind.class)
  void editorAndSimulatedEditorSeeEachOthersEdits(EditorRun.Kind kind) throws Exception {
    assumeEditor(kind);
    String who = switch (kind) {
      case NEOVIM -> "Neovim";
      case EMACS -> "Emacs";
      case VIM -> "Vim";
    };
    String original = paper();
    String expected = original
        .replace("\\section{Introduction}\n", "\\section{Introduction}\nTyped in " + who + " 🧵,\nline two. ")
        .replace("without locking and ", "")
        .replace("\\section{Conclusion}\n", "\\section{Conclusion}\nThe simulated editor wrote this 🚀. ");
    try (SharedPaper paper = SharedPaper.start("with-sim-" + kind + "-")) {
      ScriptedEditor sim = paper.sim;
      Path dir = paper.dir;
      Path expectedFile = writeExpected(dir, expected);
      Steps steps = paper.joinSteps()
          .type("\\section{Introduction}\n", "Typed in " + who + " 🧵,\nline two. ")
          .delete("without locking and ")
          .waitFor("The simulated editor wrote this 🚀. ")
          .expect(expectedFile)
          .settle()
          .verify()
          .select("Typed in " + who)
          .cursor("sim");
      if (kind == EditorRun.Kind.NEOVIM) {
        steps.noHints(); // the server's "sim is here" hint diagnostics are hidden: the caret is drawn once
      }
      steps.follow("sim") // jumps to sim's caret now, then keeps following it
          .caret("wrote this 🚀. ")
          .signal("selected")
          .caret("\\section{Conclusion}\n")
          .await(dir.resolve("sim-saw-cursor"))
          .noMessage(kind == EditorRun.Kind.EMACS ? "Weft: disconnected" : "status: disconnected");
      if (kind == EditorRun.Kind.EMACS) {
        steps.noMessage("Edit successful").noMessage("edits to"); // eglot's echo of each remote edit
      }
      steps.dump("final.txt");
      try (EditorRun editor = paper.startEditor(kind, steps,
          Map.of("WEFT_E2E_COLOR", "#8250df", "WEFT_E2E_TIMEOUT", "30"))) {
        paper.whenJoined(editor, () -> {
          sim.type("\\section{Conclusion}\n", "The simulated editor wrote this 🚀. ");
          sim.awaitText("the exact expected text", expected::equals, WAIT);
          sim.awaitSettled(WAIT);
          sim.selectAfter("wrote this 🚀. ");
          awaitFile(editor, editor.out.resolve("selected"), WAIT);
          sim.awaitCursorOf(kind.executable, WAIT);
          sim.selectAfter("\\section{Conclusion}\n"); // the editor follows sim there
        });
        Files.writeString(dir.resolve("sim-saw-cursor"), "ok");
        paper.assertEveryCopyIs(expected, editor, kind);
        if (kind != EditorRun.Kind.EMACS) {
          // One line for the whole :WeftJoin (the file message and state changes too would need "Press ENTER").
          assertThat(editor.read("join-messages.txt").strip().lines().toList())
              .as("lines printed by the join\n%s", editor.report()).hasSize(1)
              .allMatch(l -> l.contains("joined room"));
        }
        if (kind == EditorRun.Kind.NEOVIM) {
          // The server's log lines go to their own file, not into lsp.log as [ERROR] stderr lines.
          assertThat(editor.read("home/.cache/nvim/lsp.log")).as("Neovim's lsp.log").doesNotContain("\"stderr\"");
          assertThat(editor.read("server.log")).as("the server's own log").contains("INFO");
        }
      }
    }
  }

  /**
   * Neovim 0.7 with weft.lua ({@code debounce_text_changes = 0}) shows an edit reaching past its last line — a line
   * pasted at the very end of the file — as two buffer changes and sends two didChange notifications for it (see
   * docs/lsp.md, "Echoes in several parts"). The pasted lines must appear once, while Neovim's user types elsewhere.
   */
  @Test
  void neovimShowsLinesPastedAtTheEndOfTheFileOnce() throws Exception {
    String original = paperEndingInEndDocument();
    String pasted1 = "% pasted at the end of the file\n";
    String pasted2 = "% and a second paste below it\n";
    String typed = "Typed in Neovim meanwhile. ";
    String expected = original
        .replace("\\section{Introduction}\n", "\\section{Introduction}\n" + typed)
        + pasted1 + pasted2;
    joinAndType(EditorRun.Kind.NEOVIM, "nvim-append-", expected,
        steps -> steps.waitFor(pasted1).type("\\section{Introduction}\n", typed),
        Map.of("WEFT_E2E_COLOR", "#8250df", "WEFT_E2E_TIMEOUT", "30"), sim -> {
          sim.paste("\\end{document}\n", pasted1);
          sim.awaitSettled(WAIT);
          Thread.sleep(100);
          sim.paste(pasted1, pasted2);
        }, "Neovim");
  }

  /**
   * Neovim 0.7 with {@code 'eol'} set (the default; the shared file ends with a newline when Neovim opens it) cannot
   * hold a buffer without a final newline: text appended after the last newline without its own newline (a user on
   * the last, empty line) is inserted before Neovim's final newline, and Neovim reports {@code "…\nR\n"} for the
   * server's {@code "…\nR"} (docs/lsp.md, "Echoes in several parts"). That must not copy the appended text into the
   * shared document: every member, and the relay's copy, ends with the text once plus one final newline (published
   * once by Neovim's server), while Neovim's user types elsewhere.
   */
  @Test
  void neovimKeepsOneFinalNewlineWhenTextIsAppendedAfterTheLastOne() throws Exception {
    String original = paperEndingInEndDocument();
    String appended = "% appended without a newline";
    String typed = "Typed in Neovim meanwhile. ";
    String expected = original
        .replace("\\section{Introduction}\n", "\\section{Introduction}\n" + typed)
        + appended + "\n";
    joinAndType(EditorRun.Kind.NEOVIM, "nvim-eol-", expected,
        steps -> steps.waitFor(appended).type("\\section{Introduction}\n", typed),
        Map.of("WEFT_E2E_COLOR", "#8250df", "WEFT_E2E_TIMEOUT", "30"),
        sim -> sim.paste("\\end{document}\n", appended), "Neovim");
  }

  /**
   * Emacs with eglot's own change batching (weft.el's immediate sends off: {@code weft-send-changes-immediately}
   * nil, the rest of weft.el only starts the server and runs the commands): changes go out after
   * {@code eglot-send-changes-idle-time} (0.5 s) of idleness, so while the user types eglot refuses remote edits
   * (its version is ahead of the server's), and an edit applied while idle is reported with the next batch, possibly
   * together with keystrokes. The simulated editor types in bursts while Emacs types, pauses shortly, deletes and
   * types again. Nothing may be doubled: both buffers and the relay's copy end exactly as expected.
   */
  @Test
  void emacsWithPlainEglotBatchingTypesWhileRemoteEditsArrive() throws Exception {
    String expected = paper()
        .replace("\\section{Introduction}\n", "\\section{Introduction}\nTyped with plain eglot, which batches"
            + " changes for half a second. Still typing. Then more. ")
        .replace("without locking and ", "")
        .replace("\\section{Conclusion}\n", "\\section{Conclusion}\nThe simulated editor wrote this 🚀. Second"
            + " burst. Third burst. ");
    joinAndType(EditorRun.Kind.EMACS, "plain-eglot-", expected, steps -> steps
            .type("\\section{Introduction}\n", "Typed with plain eglot, which batches changes for half a second. ")
            .sleep(200)
            .type("for half a second. ", "Still typing. ")
            .delete("without locking and ")
            .sleep(900)
            .type("Still typing. ", "Then more. ")
            .waitFor("Third burst. "),
        Map.of("WEFT_E2E_COLOR", "#8250df", "WEFT_E2E_TIMEOUT", "30", "WEFT_E2E_PLAIN_EGLOT", "1"), sim -> {
          sim.type("\\section{Conclusion}\n", "The simulated editor wrote this 🚀. ");
          Thread.sleep(300);
          sim.type("wrote this 🚀. ", "Second burst. ");
          Thread.sleep(700);
          sim.type("Second burst. ", "Third burst. ");
        }, "Emacs (plain eglot)");
  }

  /**
   * Plain eglot again, the case that used to double text: a remote edit is applied while the user is busy but has
   * no unsent change (moving the cursor: not idle), so its echo waits in eglot's batch; the user then types without
   * a 0.5 s pause for longer than the server's echo timeout (5 s). The echo finally arrives in one notification
   * with the keystrokes, after the server gave up waiting for it and re-sent the edit (refused: eglot's version is
   * ahead). It must be taken as the echo, not as typing.
   */
  @Test
  void emacsWithPlainEglotSendsAnEchoAfterSecondsOfTypingWithoutDoubling() throws Exception {
    String typed = "Typing on and on without a half-second pause. ";
    String remote = "Sim typed this while Emacs was busy. ";
    String expected = paper()
        .replace("\\section{Introduction}\n", "\\section{Introduction}\n" + typed)
        .replace("\\section{Conclusion}\n", "\\section{Conclusion}\n" + remote);
    joinAndType(EditorRun.Kind.EMACS, "plain-eglot-late-", expected, steps -> steps
            .moveAround(1500) // the simulated editor types now: its first edit is applied, the echo batched
            .typeSlowly("\\section{Introduction}\n", typed, 130) // 47 keys: over 6 s without an idle pause
            .waitFor(remote),
        Map.of("WEFT_E2E_COLOR", "#8250df", "WEFT_E2E_TIMEOUT", "40", "WEFT_E2E_PLAIN_EGLOT", "1"),
        sim -> sim.type("\\section{Conclusion}\n", remote), "Emacs (plain eglot)");
  }

  @Test
  void neovimAndEmacsCoEditOneRoom() throws Exception {
    assumeEditor(EditorRun.Kind.NEOVIM);
    assumeEditor(EditorRun.Kind.EMACS);
    ServerUnderTest server = server();
    Path dir = E2eSupport.tempDir("nvim-emacs-");
    String original = paper();
    String expected = original
        .replace("\\section{Introduction}\n", "\\section{Introduction}\nNeovim was here 🎉.\n")
        .replace("\\section{Conclusion}\n", "\\section{Conclusion}\nEmacs was here. ")
        .replace("each in the editor they prefer, ", "");
    Path expectedFile = writeExpected(dir, expected);
    Path nvimOut = dir.resolve("nvim-out");
    Path emacsOut = dir.resolve("emacs-out");
    Path nvimWs = dir.resolve("nvim-ws");
    copyPaper(nvimWs);

    Steps nvimSteps = new Steps()
        .share("main.tex")
        .await(emacsOut.resolve("joined"))
        .type("\\section{Introduction}\n", "Neovim was here 🎉.\n")
        .waitFor("Emacs was here. ")
        .expect(expectedFile)
        .settle()
        .verify()
        .select("Neovim was here 🎉.")
        .cursor("emacs")
        .signal("done")
        .await(emacsOut.resolve("done"))
        .dump("final.txt");
    Steps emacsSteps = new Steps()
        .join(nvimOut.resolve("link.txt"))
        .signal("joined")
        .type("\\section{Conclusion}\n", "Emacs was here. ")
        .delete("each in the editor they prefer, ")
        .waitFor("Neovim was here 🎉.")
        .expect(expectedFile)
        .settle()
        .verify()
        .select("Emacs was here.")
        .cursor("nvim")
        .signal("done")
        .await(nvimOut.resolve("done"))
        .dump("final.txt");
    try (RelayProcess relay = RelayProcess.start(dir.resolve("relay"));
        EditorRun nvim = EditorRun.start(EditorRun.Kind.NEOVIM, "nvim", nvimWs, nvimOut, server.command,
            nvimSteps, Map.of("WEFT_E2E_TIMEOUT", "30", "WEFT_E2E_RELAY", relay.url(),
                "WEFT_E2E_COLOR", "#cf222e"));
        EditorRun emacs = EditorRun.start(EditorRun.Kind.EMACS, "emacs", dir.resolve("emacs-ws"), emacsOut,
            server.command, emacsSteps, Map.of("WEFT_E2E_TIMEOUT", "30", "WEFT_E2E_COLOR", "#0969da"))) {
      withReport(emacs, () -> {
        nvim.awaitSuccess(SCENARIO);
      });
      try {
        emacs.awaitSuccess(Duration.ofSeconds(15));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n" + nvim.report(), e);
      }
      assertThat(nvim.read("final.txt")).as("Neovim buffer\n%s", nvim.report()).isEqualTo(expected);
      assertThat(emacs.read("final.txt")).as("Emacs buffer\n%s", emacs.report()).isEqualTo(expected);
      String link = nvim.read("link.txt").trim();
      assertThat(server.relayCopy(link, "main.tex", dir)).as("relay's copy (weft cat)").isEqualTo(expected);
    }
  }

  /** Neovim shares a CRLF file; the simulated editor and (when installed) Emacs join and all type. */
  @Test
  void crlfFileSharedFromNeovimKeepsItsLineEndings() throws Exception {
    assumeEditor(EditorRun.Kind.NEOVIM);
    boolean withEmacs = E2eSupport.installed(EditorRun.Kind.EMACS);
    ServerUnderTest server = server();
    Path dir = E2eSupport.tempDir("crlf-nvim-");
    String original = Files.readString(E2eSupport.repoRoot().resolve("samples/text/windows-crlf.txt"),
        StandardCharsets.UTF_8);
    assertThat(original).contains("\r\n");
    String expected = original
        .replace("endings.\r\n", "endings.\r\nA line typed in Neovim.\r\n")
        .replace("a line feed.", "a line feed (and the simulated editor).")
        .replace("Weft keeps", withEmacs ? "Weft (from Emacs) keeps" : "Weft keeps");
    Path expectedFile = writeExpected(dir, expected);
    Path nvimWs = Files.createDirectories(dir.resolve("nvim-ws"));
    Files.writeString(nvimWs.resolve("windows-crlf.txt"), original, StandardCharsets.UTF_8);
    Path out = dir.resolve("nvim-out");
    Steps steps = new Steps()
        .share("windows-crlf.txt")
        .type("endings.\r\n", "A line typed in Neovim.\n")
        .waitFor("(and the simulated editor)")
        .finish(expectedFile);
    Steps emacsSteps = new Steps()
        .join(out.resolve("link.txt"))
        .type("Weft", " (from Emacs)")
        .waitFor("A line typed in Neovim.")
        .finish(expectedFile);
    try (RelayProcess relay = RelayProcess.start(dir.resolve("relay"));
        EditorRun nvim = EditorRun.start(EditorRun.Kind.NEOVIM, "nvim", nvimWs, out, server.command, steps,
            Map.of("WEFT_E2E_TIMEOUT", "30", "WEFT_E2E_RELAY", relay.url()))) {
      awaitFile(nvim, out.resolve("link.txt"), WAIT);
      String link = Files.readString(out.resolve("link.txt")).trim();
      try (EditorRun emacs = withEmacs ? EditorRun.start(EditorRun.Kind.EMACS, "emacs", dir.resolve("emacs-ws"),
              dir.resolve("emacs-out"), server.command, emacsSteps, Map.of("WEFT_E2E_TIMEOUT", "30")) : null;
          ScriptedEditor sim = ScriptedEditor.start(server.command, "sim", "#1f883d", dir.resolve("sim-ws"),
              dir.resolve("sim-out"))) {
        try {
          sim.join(link);
          sim.type("a line feed", " (and the simulated editor)");
          sim.awaitText("the exact expected text", expected::equals, WAIT);
          sim.awaitSettled(WAIT);
        } catch (AssertionError e) {
          nvim.close();
          throw new AssertionError(e.getMessage() + "\n" + nvim.report()
              + (emacs == null ? "" : "\n" + emacs.report()), e);
        }
        nvim.awaitSuccess(SCENARIO);
        assertThat(nvim.read("final.txt")).as("Neovim buffer\n%s", nvim.report()).isEqualTo(expected);
        if (emacs != null) {
          emacs.awaitSuccess(SCENARIO);
          assertThat(emacs.read("final.txt")).as("Emacs buffer\n%s", emacs.report()).isEqualTo(expected);
        }
        assertThat(Files.readString(sim.workspace.resolve("windows-crlf.txt"), StandardCharsets.UTF_8))
            .as("the joiner's materialised file before edits had CRLF").contains("\r\n");
        assertThat(server.relayCopy(link, "windows-crlf.txt", dir)).as("relay's copy (weft cat)")
            .isEqualTo(expected);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EditorRun.Kind.class)
  void pauseHoldsRemoteEditsAndUndoTakesBackOnlyOwnEdits(EditorRun.Kind kind) throws Exception {
    assumeEditor(kind);
    String simText = "Typed while paused. ";
    String original = paper();
    String expected = original
        .replace("\\section{Conclusion}\n", "\\section{Conclusion}\n" + simText)
        .replace("\\section{Introduction}\n", "\\section{Introduction}\nOwnword");
    try (SharedPaper paper = SharedPaper.start("pause-undo-" + kind + "-")) {
      ScriptedEditor sim = paper.sim;
      Path dir = paper.dir;
      Path expectedFile = writeExpected(dir, expected);
      Path originalFile = dir.resolve("original.txt");
      Files.writeString(originalFile, original, StandardCharsets.UTF_8);
      Steps steps = new Steps()
          .join(paper.linkFile())
          .command("weft.pause", "[]", "")
          .command("weft.status", "[]", "{\"paused\":true}")
          .signal("paused")
          .await(dir.resolve("sim-typed"))
          .sleep(300)
          .lacks(simText)
          .expect(originalFile)
          .command("weft.resume", "[]", "")
          .waitFor(simText)
          .type("\\section{Introduction}\n", "Ownword")
          .settle()
          .undo()
          .gone("Ownword")
          .waitFor(simText)
          .redo()
          .finish(expectedFile);
      try (EditorRun editor = paper.startEditor(kind, steps, Map.of("WEFT_E2E_TIMEOUT", "30"))) {
        withReport(editor, () -> {
          awaitFile(editor, editor.out.resolve("paused"), WAIT);
          sim.type("\\section{Conclusion}\n", simText);
          sim.awaitSettled(WAIT);
          Files.writeString(dir.resolve("sim-typed"), "ok");
          sim.awaitText("the exact expected text", expected::equals, WAIT);
        });
        editor.awaitSuccess(SCENARIO);
        assertThat(editor.read("final.txt")).as("%s buffer\n%s", kind, editor.report()).isEqualTo(expected);
        paper.assertRelayCopy(expected);
      }
    }
  }

  @Test
  void neovimKeepsTypingWhileTheRelayIsDownAndEverythingMergesAfter() throws Exception {
    assumeEditor(EditorRun.Kind.NEOVIM);
    String original = paper();
    String expected = original
        .replace("\\section{Introduction}\n", "\\section{Introduction}\nWritten offline in Neovim. ")
        .replace("\\section{Conclusion}\n", "\\section{Conclusion}\nWritten offline by the simulated editor. ");
    try (SharedPaper paper = SharedPaper.start("offline-nvim-")) {
      ScriptedEditor sim = paper.sim;
      Path dir = paper.dir;
      Path expectedFile = writeExpected(dir, expected);
      RelayProcess relay = paper.relay;
      Steps steps = paper.joinSteps()
          .await(dir.resolve("relay-down"))
          .state("reconnecting|offline")
          .statusline("reconnecting|offline") // seen while typing, unlike a message behind "-- INSERT --"
          .type("\\section{Introduction}\n", "Written offline in Neovim. ")
          .signal("typed-offline")
          .finish(expectedFile);
      try (EditorRun nvim = paper.startEditor(EditorRun.Kind.NEOVIM, steps, Map.of("WEFT_E2E_TIMEOUT", "30"))) {
        withReport(nvim, () -> {
          awaitFile(nvim, nvim.out.resolve("joined"), WAIT);
          relay.kill();
          Files.writeString(dir.resolve("relay-down"), "ok");
          sim.type("\\section{Conclusion}\n", "Written offline by the simulated editor. ");
          awaitFile(nvim, nvim.out.resolve("typed-offline"), WAIT);
          assertThat(sim.text()).as("nothing reaches the simulated editor while the relay is down")
              .doesNotContain("Written offline in Neovim");
          relay.restart();
          sim.awaitText("the exact expected text after the relay came back", expected::equals, WAIT);
          sim.awaitSettled(WAIT);
        });
        nvim.awaitSuccess(SCENARIO);
        assertThat(nvim.read("final.txt")).as("Neovim buffer\n%s", nvim.report()).isEqualTo(expected);
        paper.assertRelayCopy(expected);
      }
    }
  }
}
