package dev.weft.lsp.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real relay process ({@code java -jar relay-server/target/weft-relay.jar --port P --data DIR}) on a free
 * loopback port, healthy ({@code GET /healthz} = 200) when {@link #start} returns. Its output goes to
 * {@code relay.log} next to the data directory.
 */
final class RelayUnderTest implements AutoCloseable {

  /** The relay's base URL, immutable. */
  final URI url;
  /** The relay's combined stdout/stderr, immutable. */
  final Path log;
  private final Process process;

  private RelayUnderTest(URI url, Path log, Process process) {
    this.url = url;
    this.log = log;
    this.process = process;
  }

  /** The relay jar (system property {@code weft.relayJar} overrides), whether or not it exists. */
  static Path jar() {
    String prop = System.getProperty("weft.relayJar");
    return prop != null ? Path.of(prop) : E2eSupport.repoRoot().resolve("relay-server/target/weft-relay.jar");
  }

  static RelayUnderTest start(Path dir) throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path data = Files.createDirectories(dir.resolve("relay-data"));
    Path log = dir.resolve("relay.log");
    Process p = new ProcessBuilder(List.of(E2eSupport.java(), "-Xmx384m", "-jar", jar().toString(),
        "--port", Integer.toString(port), "--data", data.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    RelayUnderTest relay = new RelayUnderTest(URI.create("http://127.0.0.1:" + port), log, p);
    relay.awaitHealthy(Duration.ofSeconds(40));
    return relay;
  }

  private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("relay exited with " + process.exitValue() + " during start:\n"
            + ScriptedEditor.tail(log));
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url.resolve("/healthz"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Still starting.
      }
      Thread.sleep(100);
    }
    close();
    throw new IOException("relay not healthy after " + timeout.toSeconds() + " s:\n" + ScriptedEditor.tail(log));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
