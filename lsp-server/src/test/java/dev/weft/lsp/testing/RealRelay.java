package dev.weft.lsp.testing;

import org.junit.jupiter.api.Assumptions;

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

/**
 * The real relay as a separate process ({@code relay-server/target/weft-relay.jar}, or {@code -Dweft.relayJar}) on
 * a free loopback port. Missing jar: the test is skipped, except on CI ({@code CI=true}) where it fails.
 */
public final class RealRelay implements AutoCloseable {
    private final Path jar;
    private final int port;
    private final Path dataDir;
    private final Path log;
    private Process process;

    private RealRelay(Path jar, int port, Path dataDir) {
        this.jar = jar;
        this.port = port;
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + "-relay.log");
    }

    public static RealRelay start(Path dataDir) throws IOException, InterruptedException {
        String prop = System.getProperty("weft.relayJar");
        Path jar = prop != null ? Path.of(prop)
                : Path.of("..", "relay-server", "target", "weft-relay.jar").toAbsolutePath().normalize();
        if (prop == null && !Files.isRegularFile(jar)) { // run from the reactor root (exec:java)
            jar = Path.of("relay-server", "target", "weft-relay.jar").toAbsolutePath().normalize();
        }
        if (!Files.isRegularFile(jar)) {
            String why = "relay jar " + jar + " not built (mvn -pl relay-server -am package -DskipTests)";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(why);
            }
            Assumptions.abort(why);
        }
        Files.createDirectories(dataDir);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RealRelay r = new RealRelay(jar, port, dataDir);
        r.launch();
        return r;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** SIGKILL and start again on the same port and data (nothing acknowledged may be lost). */
    public void killAndRestart() throws IOException, InterruptedException {
        process.destroyForcibly().waitFor();
        launch();
    }

    private void launch() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        process = new ProcessBuilder(List.of(java, "-Xmx512m", "-jar", jar.toString(), "--port",
                Integer.toString(port), "--data", dataDir.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("relay exited during start; see " + log);
            }
            try {
                HttpResponse<Void> res = http.send(HttpRequest.newBuilder(URI.create(url() + "/healthz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (res.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IOException("relay not healthy within 60 s; see " + log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
