package dev.weft.lsp.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How the e2e tests run the real language server and the headless CLI: {@code java -jar
 * lsp-server/target/weft-server.jar} when that jar is at least as new as the compiled classes (it is after
 * {@code mvn package}, and always with {@code -Dweft.serverJar=...}); otherwise, as in Maven's test phase
 * (which runs before {@code package}), the same main class from the freshly compiled classpath.
 */
final class ServerUnderTest {

  /** The command starting the language server on stdio, immutable. */
  final List<String> command;
  /** The classpath holding the server and {@code dev.weft.client.cli.WeftCli}, immutable. */
  final String classpath;
  /** What is being run, for logs, immutable. */
  final String description;

  private ServerUnderTest(List<String> command, String classpath, String description) {
    this.command = command;
    this.classpath = classpath;
    this.description = description;
  }

  /** The server to test, or empty (with the reason) when it is not built. */
  static Optional<ServerUnderTest> find(StringBuilder whyNot) throws IOException {
    Path repo = E2eSupport.repoRoot();
    String prop = System.getProperty("weft.serverJar");
    Path jar = prop != null ? Path.of(prop) : repo.resolve("lsp-server/target/weft-server.jar");
    Path classes = repo.resolve("lsp-server/target/classes");
    String main = mainClass(repo.resolve("lsp-server/pom.xml"));
    if (Files.isRegularFile(jar) && (prop != null || !olderThanClasses(jar, classes))) {
      return Optional.of(new ServerUnderTest(
          List.of(E2eSupport.java(), "-Xmx512m", "-jar", jar.toString(), "--stdio"), jar.toString(),
          "jar " + jar));
    }
    if (main != null && Files.isRegularFile(classes.resolve(main.replace('.', '/') + ".class"))) {
      String cp = E2eSupport.testClasspath();
      return Optional.of(new ServerUnderTest(
          List.of(E2eSupport.java(), "-Xmx512m", "-cp", cp, main, "--stdio"), cp,
          "main class " + main + " from target/classes (the jar is missing or older than the classes)"));
    }
    whyNot.append("the language server is not built: neither ").append(jar)
        .append(" nor the main class ").append(main).append(" in ").append(classes)
        .append(" exists (run: mvn -pl lsp-server -am package -DskipTests)");
    return Optional.empty();
  }

  private static String mainClass(Path pom) throws IOException {
    if (!Files.isRegularFile(pom)) {
      return null;
    }
    Matcher m = Pattern.compile("<mainClass>\\s*([\\w.$]+)\\s*</mainClass>")
        .matcher(Files.readString(pom, StandardCharsets.UTF_8));
    return m.find() ? m.group(1) : "dev.weft.lsp.Main";
  }

  private static boolean olderThanClasses(Path jar, Path classes) throws IOException {
    if (!Files.isDirectory(classes)) {
      return false;
    }
    FileTime jarTime = Files.getLastModifiedTime(jar);
    try (Stream<Path> s = Files.walk(classes)) {
      return s.filter(Files::isRegularFile).anyMatch(p -> {
        try {
          return Files.getLastModifiedTime(p).compareTo(jarTime) > 0;
        } catch (IOException e) {
          return true;
        }
      });
    }
  }

  /**
   * {@code weft cat --link LINK --doc NAME}: the relay's copy of a document, as {@code bin/weft cat}
   * prints it.
   */
  String relayCopy(String link, String doc, Path workDir) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(E2eSupport.java(), "-cp", classpath, "dev.weft.client.cli.WeftCli",
        "cat", "--link", link, "--doc", doc));
    Path out = Files.createTempFile(workDir, "cat-", ".out");
    Path err = Files.createTempFile(workDir, "cat-", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("weft cat did not finish in 30 s: " + Files.readString(err));
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("weft cat failed (" + p.exitValue() + "): " + Files.readString(err));
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
