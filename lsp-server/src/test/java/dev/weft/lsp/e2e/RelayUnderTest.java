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
  /** The relay's combined stdout/stderr (appended across restarts), immutable. */
  final Path log;
  /** Port and data directory, kept across restarts, immutable. */
  private final int port;
  private final Path data;
  private Process process;

  private RelayUnderTest(int port, Path data, Path log) {
    this.url = URI.create("http://127.0.0.1:" + port);
    this.port = port;
    this.data = data;
    this.log = log;
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
    RelayUnderTest relay = new RelayUnderTest(port, Files.createDirectories(dir.resolve("relay-data")),
        dir.resolve("relay.log"));
    relay.launch();
    return relay;
  }

  private void launch() throws IOException, InterruptedException {
    process = new ProcessBuilder(List.of(E2eSupport.java(), "-Xmx384m", "-jar", jar().toString(),
        "--port", Integer.toString(port), "--data", data.toString()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    awaitHealthy(Duration.ofSeconds(40));
  }

  /** SIGKILL: the relay goes away without a goodbye, as when a machine or network fails. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Starts the relay again on the same port and data directory. */
  void restart() throws IOException, InterruptedException {
    kill();
    launch();
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
