package dev.weft.lsp.e2e;

import dev.weft.relay.testing.RelayProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keystroke → remote buffer latency between two real editors (benchmark: printed, not asserted): Neovim shares a
 * file, Vim joins it through the real server and relay processes; Neovim types {@value #KEYS} letters one every
 * {@value #KEY_MS} ms while Vim records when each one appears in its buffer, then the other way round. Both
 * drivers take times from the same wall clock (Neovim's {@code gettimeofday}, Vim's {@code reltime()}); the
 * receiving driver polls its buffer every millisecond. Prints p50, p99 and max per direction; the test fails only
 * if a keystroke does not arrive (within the drivers' timeout) or the buffers differ at the end.
 */
class EditorLatencyBenchmarkTest {

  private static final int KEYS = 300;
  private static final int KEY_MS = 30;

  private static ServerUnderTest server() throws IOException {
    StringBuilder why = new StringBuilder();
    var s = ServerUnderTest.find(why);
    boolean built = s.isPresent();
    String reason = why.toString();
    if (!built && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(reason);
    }
    assumeTrue(built, reason);
    return s.get();
  }

  @Test
  void neovimToVimAndBackKeystrokeLatency() throws Exception {
    for (EditorRun.Kind k : List.of(EditorRun.Kind.NEOVIM, EditorRun.Kind.VIM)) {
      assumeTrue(E2eSupport.installed(k), k.executable + " is not installed: skipping (.ci/setup.d/50-editors.sh)");
    }
    ServerUnderTest server = server();
    Path dir = E2eSupport.tempDir("latency-nvim-vim-");
    Path nvimOut = dir.resolve("nvim-out");
    Path vimOut = dir.resolve("vim-out");
    Path nvimWs = Files.createDirectories(dir.resolve("nvim-ws"));
    Files.writeString(nvimWs.resolve("bench.txt"), "N2V:\nV2N:\n", StandardCharsets.UTF_8);

    Steps nvimSteps = new Steps()
        .share("bench.txt")
        .await(vimOut.resolve("joined"))
        .sleep(1000)
        .typeTimed("N2V:", KEYS, KEY_MS)
        .watchTimed("V2N:", KEYS)
        .settle()
        .signal("done")
        .await(vimOut.resolve("done"))
        .dump("final.txt");
    Steps vimSteps = new Steps()
        .join(nvimOut.resolve("link.txt"))
        .signal("joined")
        .watchTimed("N2V:", KEYS)
        .sleep(1000)
        .typeTimed("V2N:", KEYS, KEY_MS)
        .settle()
        .signal("done")
        .await(nvimOut.resolve("done"))
        .dump("final.txt");
    Duration limit = Duration.ofSeconds(120);
    try (RelayProcess relay = RelayProcess.start(dir.resolve("relay"));
        EditorRun nvim = EditorRun.start(EditorRun.Kind.NEOVIM, "nvim", nvimWs, nvimOut, server.command, nvimSteps,
            Map.of("WEFT_E2E_TIMEOUT", "60", "WEFT_E2E_RELAY", relay.uri().toString(), "WEFT_E2E_COLOR", "#cf222e"));
        EditorRun vim = EditorRun.start(EditorRun.Kind.VIM, "vim", dir.resolve("vim-ws"), vimOut, server.command,
            vimSteps, Map.of("WEFT_E2E_TIMEOUT", "60", "WEFT_E2E_COLOR", "#0969da"))) {
      try {
        nvim.awaitSuccess(limit);
      } catch (AssertionError e) {
        vim.close();
        throw new AssertionError(e.getMessage() + "\n" + vim.report(), e);
      }
      try {
        vim.awaitSuccess(Duration.ofSeconds(30));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n" + nvim.report(), e);
      }
      String expected = "N2V:" + letters() + "\nV2N:" + letters() + "\n";
      assertThat(nvim.read("final.txt")).as("Neovim buffer").isEqualTo(expected);
      assertThat(vim.read("final.txt")).as("Vim buffer").isEqualTo(expected);
      report("Neovim -> Vim", times(nvimOut.resolve("sent.txt")), times(vimOut.resolve("received.txt")));
      report("Vim -> Neovim", times(vimOut.resolve("sent.txt")), times(nvimOut.resolve("received.txt")));
    }
  }

  private static String letters() {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < KEYS; k++) {
      sb.append((char) ('a' + k % 26));
    }
    return sb.toString();
  }

  private static double[] times(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).mapToDouble(Double::parseDouble).toArray();
  }

  /** Prints p50/p99/max of received[k] - sent[k]. */
  private static void report(String direction, double[] sent, double[] received) {
    assertThat(sent).as(direction + ": keystrokes typed").hasSize(KEYS);
    assertThat(received).as(direction + ": keystrokes seen").hasSize(KEYS);
    double[] lat = new double[KEYS];
    for (int k = 0; k < KEYS; k++) {
      lat[k] = received[k] - sent[k];
    }
    Arrays.sort(lat);
    List<String> out = new ArrayList<>();
    out.add(String.format("p50 %.1f ms", pct(lat, 50)));
    out.add(String.format("p99 %.1f ms", pct(lat, 99)));
    out.add(String.format("max %.1f ms", lat[KEYS - 1]));
    out.add(String.format("min %.1f ms", lat[0]));
    System.out.printf("[latency] %s over %d keystrokes (one every %d ms): %s; load %s%n", direction, KEYS, KEY_MS,
        String.join(", ", out), loadAverage());
  }

  private static double pct(double[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }
}
