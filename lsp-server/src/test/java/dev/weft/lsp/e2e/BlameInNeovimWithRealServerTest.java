package dev.weft.lsp.e2e;

import dev.weft.client.workspace.CliFixtures;
import static dev.weft.client.workspace.CliFixtures.git;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import dev.weft.relay.testing.RelayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code :WeftBlame} in a real Neovim against the real language server ({@code docs/git.md}, "Editors"): a
 * scripted peer shares its clone of a repository made with the git CLI as a workspace; headless Neovim 0.7 with
 * {@code samples/editors/nvim/weft.lua} joins it in its own clone, types in one line while the peer adds another,
 * and runs {@code :WeftBlame}: the virtual text names the right typist on exactly those lines, as the real
 * server attributes them (the dummy-server test only checks the drawing of fixed answers).
 */
class BlameInNeovimWithRealServerTest {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final String HEAD = "alpha beta gamma\nsecond line\nthird line\n";

  @Test
  void blameDrawsTheTypistOfEachChangedLine() throws Exception {
    E2eSupport.assumeInstalled(EditorRun.Kind.NEOVIM);
    StringBuilder why = new StringBuilder();
    var found = ServerUnderTest.find(why);
    if (found.isEmpty() && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(why.toString());
    }
    assumeTrue(found.isPresent(), why.toString());
    ServerUnderTest server = found.get();
    Path dir = E2eSupport.tempDir("blame-nvim-");
    Path seed = CliFixtures.committedRepo(dir.resolve("seed"), "Seed", "seed@example.com", HEAD);
    Path simWs = dir.resolve("sim-ws");
    Path nvimWs = dir.resolve("nvim-ws");
    git(dir, "clone", "-q", seed.toString(), simWs.toString());
    git(dir, "clone", "-q", seed.toString(), nvimWs.toString());

    try (RelayProcess relay = RelayProcess.start(dir.resolve("relay"));
        ScriptedEditor sim = ScriptedEditor.start(server.command, "sim", "#1f883d", simWs, dir.resolve("sim-out"))) {
      JsonObject shared = sim.execute("weft.shareWorkspace", Map.of("relayUrl", relay.url())).getAsJsonObject();
      Path linkFile = dir.resolve("link.txt");
      Files.writeString(linkFile, shared.get("inviteLink").getAsString());
      sim.open(simWs.resolve("notes.txt"));

      Steps steps = new Steps()
          .join(linkFile)
          .open("notes.txt")
          .signal("joined")
          .type("alpha ", "NEO ")
          .waitFor("sim typed this\n")
          .settle()
          .blame("blame.txt")
          .dump("final.txt");
      Path out = dir.resolve("nvim-out");
      try (EditorRun nvim = EditorRun.start(EditorRun.Kind.NEOVIM, "neo", nvimWs, out, server.command, steps,
          Map.of("WEFT_E2E_TIMEOUT", "30"))) {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!Files.exists(out.resolve("joined"))) {
          if (!nvim.isAlive() || System.nanoTime() > deadline) {
            nvim.awaitSuccess(Duration.ofSeconds(1));
            throw new AssertionError("Neovim did not join\n" + nvim.report());
          }
          Thread.sleep(20);
        }
        sim.type("second line\n", "sim typed this\n");
        nvim.awaitSuccess(LIMIT);
        String expected = "alpha NEO beta gamma\nsecond line\nsim typed this\nthird line\n";
        assertThat(nvim.read("final.txt")).as(nvim.report()).isEqualTo(expected);
        assertThat(nvim.read("blame.txt")).as("the virtual text per line\n%s", nvim.report())
            .isEqualTo("1\t  \u270e neo\n3\t  \u270e sim\n");
      }
    }
  }
}
