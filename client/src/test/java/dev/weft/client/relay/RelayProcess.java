package dev.weft.client.relay;

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
import org.junit.jupiter.api.Assumptions;

/**
 * A real relay started as a separate process from {@code relay-server/target/weft-relay.jar} (or the jar named by
 * the system property {@code weft.relayJar}), on a free loopback port and a given data directory. Outside CI a
 * missing jar skips the test; on CI ({@code CI=true}) it fails it.
 */
public final class RelayProcess implements AutoCloseable {
    /** The relay jar; immutable. */
    private final Path jar;
    /** Port the relay listens on, kept across restarts; immutable. */
    private final int port;
    /** Data directory, kept across restarts; immutable. */
    private final Path dataDir;
    /** Where the relay's stdout/stderr go (appended across restarts); immutable. */
    private final Path log;
    private Process process;
    /** Extra relay options (e.g. limits), kept across restarts; immutable. */
    private final List<String> extraArgs;

    private RelayProcess(Path jar, int port, Path dataDir, Path log, List<String> extraArgs) {
        this.extraArgs = List.copyOf(extraArgs);
        this.jar = jar;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
    }

    /** Starts a relay on a free port with {@code dataDir} and waits until {@code /healthz} answers 200. */
    public static RelayProcess start(Path dataDir) throws IOException, InterruptedException {
        return start(dataDir, List.of());
    }

    /** Like {@link #start(Path)} with extra relay options such as {@code --update-burst 20}. */
    public static RelayProcess start(Path dataDir, List<String> extraArgs) throws IOException, InterruptedException {
        Path jar = locateJar();
        Files.createDirectories(dataDir);
        RelayProcess r = new RelayProcess(jar, freePort(), dataDir, dataDir.resolveSibling(
                dataDir.getFileName() + "-relay.log"), extraArgs);
        r.startProcess();
        return r;
    }

    /** The relay jar, or the test is skipped (failed on CI) with the reason. */
    public static Path locateJar() {
        String prop = System.getProperty("weft.relayJar");
        Path jar = prop != null ? Path.of(prop)
                : Path.of("..", "relay-server", "target", "weft-relay.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            String why = "relay jar " + jar + " not built (run: mvn -pl relay-server -am package -DskipTests)";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(why);
            }
            Assumptions.abort(why);
        }
        return jar;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The relay's process id (for CPU/heap sampling). */
    public long pid() {
        return process.pid();
    }

    /** SIGKILL: the relay gets no chance to flush anything. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** Starts the relay again on the same port and data directory. */
    public void restart() throws IOException, InterruptedException {
        kill();
        startProcess();
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

    private void startProcess() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar.toString(), "--port",
                Integer.toString(port), "--data", dataDir.toString()));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        awaitHealthy(Duration.ofSeconds(60));
    }

    private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("relay exited with " + process.exitValue() + " during start; log: "
                        + tail());
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url().resolve("/healthz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IOException("relay not healthy within " + timeout.toSeconds() + " s; log: " + tail());
    }

    private String tail() throws IOException {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
