package dev.weft.lsp.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which name a user without a configured {@code userName} gets (plain LSP clients). */
class DisplayNameTest {

  private static String choose(String configured, Map<String, String> env, String git, String jvm) {
    return DisplayName.choose(configured, env::get, () -> git, jvm);
  }

  @Test
  void configuredNameWinsOverEverything() {
    assertThat(choose(" Ada ", Map.of("WEFT_NAME", "W", "USER", "u"), "Git Name", "j")).isEqualTo("Ada");
  }

  @Test
  void weftNameThenGitThenAccount() {
    assertThat(choose(null, Map.of("WEFT_NAME", "Wendy", "USER", "u"), "Git Name", "j")).isEqualTo("Wendy");
    assertThat(choose("", Map.of("WEFT_NAME", " ", "USER", "u"), "Git Name", "j")).isEqualTo("Git Name");
    assertThat(choose(null, Map.of("USER", "ursula"), null, "j")).isEqualTo("ursula");
    assertThat(choose(null, Map.of("LOGNAME", "lena"), "", "j")).isEqualTo("lena");
    assertThat(choose(null, Map.of(), null, "jvm")).isEqualTo("jvm");
  }

  @Test
  void rootOnlyWhenNothingBetterExists() {
    assertThat(choose(null, Map.of("USER", "root", "LOGNAME", "root"), null, "builder")).isEqualTo("builder");
    assertThat(choose(null, Map.of("USER", "root"), "Grace Hopper", "root")).isEqualTo("Grace Hopper");
    assertThat(choose(null, Map.of("USER", "root"), null, "root")).isEqualTo("root");
    assertThat(choose(null, Map.of(), null, null)).isEqualTo("weft");
  }

  @Test
  void gitUserNameIsReadInTheWorkspaceRepository(@TempDir Path dir) throws Exception {
    Process init = new ProcessBuilder("git", "init", "-q", dir.toString()).redirectErrorStream(true).start();
    if (init.waitFor() != 0) {
      return; // no git here: nothing to read (the choice itself is covered above)
    }
    Files.writeString(dir.resolve(".git/config"), "\n[user]\n\tname = Repo Person\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(DisplayName.gitUserName(dir)).isEqualTo("Repo Person");
  }
}
