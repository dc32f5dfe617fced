package dev.weft.lsp.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A script for an editor driver ({@code src/test/e2e/nvim/run_steps.lua}, {@code
 * src/test/e2e/emacs/run-steps.el}): one step per line, fields separated by TAB, with {@code \n},
 * {@code \t}, {@code \r} and {@code \\} escapes. The step names are documented in {@code
 * src/test/e2e/steps.md}.
 */
final class Steps {

  private final List<String> lines = new ArrayList<>();

  private Steps add(String name, String... args) {
    StringBuilder sb = new StringBuilder(name);
    for (String a : args) {
      sb.append('\t').append(a.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
          .replace("\r", "\\r"));
    }
    lines.add(sb.toString());
    return this;
  }

  Steps share(String relPath) {
    return add("share", relPath);
  }

  Steps join(Path linkFile) {
    return add("join", linkFile.toString());
  }

  Steps open(String relPath) {
    return add("open", relPath);
  }

  Steps type(String anchor, String text) {
    return add("type", anchor, text);
  }

  Steps delete(String text) {
    return add("delete", text);
  }

  Steps waitFor(String text) {
    return add("wait", text);
  }

  Steps gone(String text) {
    return add("gone", text);
  }

  Steps lacks(String text) {
    return add("lacks", text);
  }

  /** The editor's blame command; what it shows goes to {@code $WEFT_E2E_OUT/<name>}. */
  Steps blame(String name) {
    return add("blame", name);
  }

  /** The editor's stage-my-changes command. */
  Steps stageMine() {
    return add("stagemine");
  }

  /** The editor's commit command with {@code message}. */
  Steps gitCommit(String message) {
    return add("gitcommit", message);
  }

  Steps redo() {
    return add("redo");
  }

  Steps expect(Path file) {
    return add("expect", file.toString());
  }

  Steps signal(String name) {
    return add("signal", name);
  }

  Steps await(Path file) {
    return add("await", file.toString());
  }

  Steps settle() {
    return add("settle");
  }

  Steps state(String state) {
    return add("state", state);
  }

  Steps verify() {
    return add("verify");
  }

  Steps cursor(String name) {
    return add("cursor", name);
  }

  Steps select(String text) {
    return add("select", text);
  }

  /**
   * Checks that a charwise visual selection of exactly {@code text} (both directions) is reported as the LSP range
   * of {@code text}: Vim's selection includes the character under the cursor (Neovim, Vim).
   */
  Steps visual(String text) {
    return add("visual", text);
  }

  /** Types {@code n} letters after {@code anchor}, one every {@code ms}; key times go to {@code sent.txt}. */
  Steps typeTimed(String anchor, int n, int ms) {
    return add("typetimed", anchor, Integer.toString(n), Integer.toString(ms));
  }

  /** Waits for {@code n} characters after {@code anchor}; arrival times go to {@code received.txt}. */
  Steps watchTimed(String anchor, int n) {
    return add("watchtimed", anchor, Integer.toString(n));
  }

  /** {@code :WeftFollow name} (or the editor's follow command). */
  Steps follow(String name) {
    return add("follow", name);
  }

  /** Waits until the editor's own caret is right after the first occurrence of {@code text}. */
  Steps caret(String text) {
    return add("caret", text);
  }

  /** Waits until the status the user sees (statusline / mode line) shows one of these states ({@code a|b}). */
  Steps statusline(String states) {
    return add("statusline", states);
  }

  /** Fails unless no diagnostic says a participant "is here" (remote carets must be drawn once, not twice). */
  Steps noHints() {
    return add("nohints");
  }

  /** Waits for {@code name}'s caret label and checks it is drawn in xterm-256 colour {@code cterm}. */
  Steps cursorColor(String name, int cterm) {
    return add("cursorcolor", name, Integer.toString(cterm));
  }

  /** Fails if any message shown so far (the editor's message log) contains {@code text}. */
  Steps noMessage(String text) {
    return add("nomessage", text);
  }

  Steps undo() {
    return add("undo");
  }

  Steps command(String name, String jsonArgs, String expectedJson) {
    return add("command", name, jsonArgs, expectedJson);
  }

  Steps serverText(String command) {
    return add("servertext", command);
  }

  Steps dump(String name) {
    return add("dump", name);
  }

  /**
   * The usual end of a script: waits until the buffer equals {@code expectedFile}, lets the session settle, verifies
   * the server's copy and dumps the buffer to {@code final.txt}.
   */
  Steps finish(Path expectedFile) {
    return expect(expectedFile).settle().verify().dump("final.txt");
  }

  Steps sleep(int millis) {
    return add("sleep", Integer.toString(millis));
  }

  /** The user moves the cursor around (input events, no buffer change) for {@code millis}. */
  Steps moveAround(int millis) {
    return add("keys", Integer.toString(millis));
  }

  /**
   * Types {@code text} after {@code anchor} with {@code delayMs} between keys (the anchor-relative caret of
   * {@link #type}); used to type without an idle pause for a long time.
   */
  Steps typeSlowly(String anchor, String text, int delayMs) {
    return add("typeslowly", anchor, text, Integer.toString(delayMs));
  }

  String text() {
    return String.join("\n", lines) + "\n";
  }
}
