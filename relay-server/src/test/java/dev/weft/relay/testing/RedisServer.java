package dev.weft.relay.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} for tests: a child process on 127.0.0.1 and a free port, no persistence; {@link
 * #close()} kills it. Needs Debian's {@code redis-server} package; {@link #binary()} is empty without it.
 */
public final class RedisServer implements AutoCloseable {
    /** Listening port, kept across restarts; immutable. */
    private final int port;
    /** Working directory (log); immutable. */
    private final Path dir;
    /** The running process, replaced on restart. */
    private Process process;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** {@code redis-server} on the PATH or in /usr/bin, if installed. */
    public static Optional<Path> binary() {
        return ServiceProcesses.binary("redis-server", "/usr/bin:/usr/sbin");
    }

    /** Starts a server and waits until it answers PING. @throws IllegalStateException if Redis is not installed */
    public static RedisServer start() throws IOException {
        RedisServer r = new RedisServer(ServiceProcesses.freePort(), Files.createTempDirectory("weft-redis-"));
        r.launch();
        return r;
    }

    private void launch() throws IOException {
        Path bin = binary().orElseThrow(() -> new IllegalStateException(
                "redis-server is not installed: apt-get install redis-server"));
        process = new ProcessBuilder(List.of(bin.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            }
            try {
                if (command("PING").contains("PONG")) {
                    return;
                }
            } catch (IOException notYet) {
                // keep polling
            }
            ServiceProcesses.sleep(30);
        }
        throw new IOException("redis-server did not answer PING within 20 s");
    }

    /** Skips the calling test (JUnit assumption) when redis-server is not installed. */
    public static void assumeInstalled() {
        ServiceProcesses.assumeInstalled(binary().isPresent(), "redis-server", "redis-server");
    }

    /** The URL relays take ({@code --redis}). */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Sends one inline command and returns the first reply chunk (e.g. "+PONG"). */
    public String command(String line) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
        }
    }

    /** SIGKILL, then start again on the same port (subscriptions and in-flight messages are lost). */
    public void restart() throws IOException {
        kill();
        launch();
    }

    /** SIGKILL and wait. */
    public void kill() {
        ServiceProcesses.kill(process);
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
        ServiceProcesses.deleteTree(dir);
    }
}
