package dev.weft.lsp.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where the e2e tests find the repository, the jars, the editors and the test classpath. */
final class E2eSupport {

  private E2eSupport() {
  }

  /** The repository root (the parent of lsp-server/). */
  static Path repoRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("lsp-server")) && Files.isDirectory(p.resolve("samples"))) {
        return p;
      }
    }
    throw new IllegalStateException("repository root not found above " + dir);
  }

  /** The executable on PATH, if any. */
  static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** True when the editor is installed (see .ci/setup.d/50-editors.sh). */
  static boolean installed(EditorRun.Kind kind) {
    return onPath(kind.executable).isPresent();
  }

  /** Skips the calling test (JUnit assumption) when {@code kind}'s editor is not installed. */
  static void assumeInstalled(EditorRun.Kind kind) {
    org.junit.jupiter.api.Assumptions.assumeTrue(installed(kind), kind.executable + " is not installed: skipping"
        + " (install it with .ci/setup.d/50-editors.sh or apt-get install neovim emacs-nox elpa-eglot)");
  }

  /** The java launcher running the tests. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The test JVM's classpath, usable by a child JVM (surefire may hide it in a manifest jar). */
  static String testClasspath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    return cp;
  }

  /** The command running {@link DummyWeftServer} from the test classpath. */
  static List<String> dummyServerCommand() {
    return List.of(java(), "-cp", testClasspath(), DummyWeftServer.class.getName());
  }

  /** A fresh temporary directory under target/ (kept after the run, for the logs). */
  static Path tempDir(String prefix) throws IOException {
    Path base = repoRoot().resolve("lsp-server/target/e2e");
    Files.createDirectories(base);
    return Files.createTempDirectory(base, prefix);
  }
}
