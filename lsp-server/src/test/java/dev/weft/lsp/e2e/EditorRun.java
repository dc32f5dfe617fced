package dev.weft.lsp.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real editor process (headless Neovim, batch Emacs or silent-Ex-mode Vim) running a steps file through the Weft editor
 * config from {@code samples/editors}. Its stdout/stderr go to {@code out/editor.log}; the language
 * server's stderr goes to {@code out/server.log}; a failure report bundles them with the editor's
 * {@code failure.txt} and {@code failed-buffer.txt}.
 */
final class EditorRun implements AutoCloseable {

  /** The supported real editors. */
  enum Kind {
    NEOVIM("nvim"), EMACS("emacs"), VIM("vim");

    /** Executable name looked up on PATH, immutable. */
    final String executable;

    Kind(String executable) {
      this.executable = executable;
    }
  }

  /** Which editor, immutable. */
  final Kind kind;
  /** Label used in logs and failure messages, immutable. */
  final String label;
  /** Output directory (logs, link.txt, dumps), immutable. */
  final Path out;
  private final Process process;

  private EditorRun(Kind kind, String label, Path out, Process process) {
    this.kind = kind;
    this.label = label;
    this.out = out;
    this.process = process;
  }

  /**
   * Starts the editor on a steps file.
   *
   * @param workspace the editor's working directory (its workspace folder)
   * @param serverCommand the language server command (its stderr is redirected to out/server.log)
   * @param env extra WEFT_E2E_* variables (name, color, relay, data dir, timeout)
   */
  static EditorRun start(Kind kind, String label, Path workspace, Path out, List<String> serverCommand,
      Steps steps, Map<String, String> env) throws IOException {
    Files.createDirectories(out);
    Files.createDirectories(workspace);
    Path home = Files.createDirectories(out.resolve("home"));
    Path stepsFile = out.resolve("steps.txt");
    Files.writeString(stepsFile, steps.text(), StandardCharsets.UTF_8);
    Path cmdFile = out.resolve("server-cmd.txt");
    // Neovim: weft.lua itself sends the server's stderr to a file (WEFT_E2E_SERVER_LOG), which keeps it out of
    // lsp.log; the other editors get the command wrapped so that stderr lands in out/server.log.
    List<String> wrapped = new ArrayList<>();
    if (kind != Kind.NEOVIM) {
      wrapped.addAll(List.of("/bin/sh", "-c", "exec \"$0\" \"$@\" 2>>'" + out.resolve("server.log") + "'"));
    }
    wrapped.addAll(serverCommand);
    Files.writeString(cmdFile, String.join("\n", wrapped) + "\n", StandardCharsets.UTF_8);

    Path repo = E2eSupport.repoRoot();
    List<String> cmd = switch (kind) {
      case NEOVIM -> List.of("nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c",
          "luafile " + repo.resolve("lsp-server/src/test/e2e/nvim/run_steps.lua"));
      case EMACS -> List.of("emacs", "--batch", "-l",
          repo.resolve("lsp-server/src/test/e2e/emacs/run-steps.el").toString());
      case VIM -> List.of("vim", "-N", "-u", "NONE", "-i", "NONE", "-n", "-es", "-S",
          repo.resolve("lsp-server/src/test/e2e/vim/run_steps.vim").toString());
    };
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workspace.toFile())
        .redirectErrorStream(true)
        .redirectOutput(out.resolve("editor.log").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> e = pb.environment();
    e.put("HOME", home.toString());
    e.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
    e.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
    e.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
    e.put("XDG_STATE_HOME", home.resolve(".local/state").toString());
    e.put("WEFT_E2E_CONFIG", repo.resolve(switch (kind) {
      case NEOVIM -> "samples/editors/nvim/weft.lua";
      case EMACS -> "samples/editors/emacs/weft.el";
      case VIM -> "samples/editors/vim";
    }).toString());
    e.put("WEFT_E2E_STEPS", stepsFile.toString());
    e.put("WEFT_E2E_OUT", out.toString());
    e.put("WEFT_E2E_CMD", cmdFile.toString());
    e.put("WEFT_E2E_NAME", label);
    e.put("WEFT_E2E_DATA", Files.createDirectories(out.resolve("weft-data")).toString());
    e.put("WEFT_E2E_LSP_LOG", "debug");
    e.put("WEFT_E2E_SERVER_LOG", out.resolve("server.log").toString());
    e.putAll(env);
    return new EditorRun(kind, label, out, pb.start());
  }

  /**
   * Waits for the editor to finish all its steps.
   *
   * @throws AssertionError with the logs when it fails or does not finish in time
   */
  void awaitSuccess(Duration timeout) throws InterruptedException {
    boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
      throw new AssertionError(label + " (" + kind + ") did not finish within " + timeout.toSeconds()
          + " s\n" + report());
    }
    if (process.exitValue() != 0) {
      throw new AssertionError(label + " (" + kind + ") failed with exit code " + process.exitValue()
          + "\n" + report());
    }
  }

  /** True while the editor process runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** The editor's failure reason, logs and buffer, for assertion messages. */
  String report() {
    StringBuilder sb = new StringBuilder();
    sb.append("---- ").append(label).append(" failure: ").append(read("failure.txt"));
    sb.append("---- ").append(label).append(" editor log (").append(out.resolve("editor.log")).append("):\n")
        .append(tail(read("editor.log"), 60));
    sb.append("---- ").append(label).append(" server log (").append(out.resolve("server.log")).append("):\n")
        .append(tail(read("server.log"), 60));
    String lsp = read("home/.cache/nvim/lsp.log");
    if (!lsp.isEmpty()) {
      sb.append("---- ").append(label).append(" Neovim lsp.log (last lines):\n").append(tail(lsp, 30));
    }
    String steps = read("vim-steps.log");
    if (!steps.isEmpty()) {
      sb.append("---- ").append(label).append(" Vim steps (last lines):\n").append(tail(steps, 30));
    }
    String events = read("eglot-events.txt");
    if (!events.isEmpty()) {
      sb.append("---- ").append(label).append(" eglot events (last lines):\n").append(tail(events, 40));
    }
    String buffer = read("failed-buffer.txt");
    if (!buffer.isEmpty()) {
      sb.append("---- ").append(label).append(" buffer at failure:\n").append(buffer).append('\n');
    }
    return sb.toString();
  }

  /** Content of a file in the output directory, or "" when absent. */
  String read(String name) {
    try {
      Path p = out.resolve(name);
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static String tail(String s, int lines) {
    String[] all = s.split("\n", -1);
    int from = Math.max(0, all.length - lines);
    return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length)) + "\n";
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
