package dev.weft.relay.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A private HAProxy (Debian's {@code haproxy}) in front of relay nodes, with the configuration docs/relay.md
 * recommends ({@link #config}): WebSocket-friendly timeouts, {@code leastconn}, health checks on {@code /healthz},
 * redispatch of a connection whose server is down. Runs in the foreground on 127.0.0.1 and a free port;
 * {@link #close()} kills it. {@link #binary()} is empty when HAProxy is not installed.
 */
public final class HaproxyServer implements AutoCloseable {
    /** Listening port; immutable. */
    private final int port;
    /** Configuration file and log; immutable. */
    private final Path dir;
    private final Process process;

    private HaproxyServer(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** {@code haproxy} on the PATH or in /usr/sbin, if installed. */
    public static Optional<Path> binary() {
        return ServiceProcesses.binary("haproxy", "/usr/sbin:/usr/bin");
    }

    /**
     * The configuration: a frontend on {@code 127.0.0.1:port} balancing over {@code backends} ({@code host:port}).
     * Health checks every 500 ms (two failures mark a node down), so a killed node stops getting new clients
     * within about a second; a connection attempt to it before that is redispatched to another node.
     */
    public static String config(int port, List<String> backends) {
        StringBuilder c = new StringBuilder();
        c.append("global\n    maxconn 4096\n\n");
        c.append("defaults\n    mode http\n    timeout connect 3s\n    timeout client 1h\n    timeout server 1h\n")
                .append("    timeout tunnel 1h\n    timeout http-request 10s\n    option redispatch\n")
                .append("    retries 3\n\n");
        c.append("frontend weft\n    bind 127.0.0.1:").append(port).append("\n    default_backend relays\n\n");
        c.append("backend relays\n    balance leastconn\n    option httpchk GET /healthz\n")
                .append("    http-check expect status 200\n");
        for (int i = 0; i < backends.size(); i++) {
            c.append("    server n").append(i + 1).append(' ').append(backends.get(i))
                    .append(" check inter 500ms fall 2 rise 2\n");
        }
        return c.toString();
    }

    /**
     * Writes {@link #config} for {@code backends} and starts HAProxy; waits until it accepts connections.
     *
     * @throws IllegalStateException if HAProxy is not installed
     * @throws IOException if it refuses the configuration or does not listen within 20 s (its output is in the message)
     */
    public static HaproxyServer start(List<String> backends) throws IOException {
        Path bin = binary().orElseThrow(() -> new IllegalStateException("haproxy is not installed: apt-get install haproxy"));
        int port = ServiceProcesses.freePort();
        Path dir = Files.createTempDirectory("weft-haproxy-");
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, config(port, backends));
        ServiceProcesses.run(List.of(bin.toString(), "-c", "-f", cfg.toString())); // validate first: clear error
        Process p = new ProcessBuilder(List.of(bin.toString(), "-db", "-f", cfg.toString())).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("haproxy.log").toFile())).start();
        HaproxyServer h = new HaproxyServer(port, dir, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                String log = h.log();
                h.close();
                throw new IOException("haproxy exited: " + log);
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return h;
            } catch (IOException notYet) {
                ServiceProcesses.sleep(30);
            }
        }
        h.close();
        throw new IOException("haproxy did not listen within 20 s");
    }

    /** Skips the calling test (JUnit assumption) when HAProxy is not installed. */
    public static void assumeInstalled() {
        ServiceProcesses.assumeInstalled(binary().isPresent(), "haproxy", "haproxy");
    }

    /** The URL clients use. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** HAProxy's own output (warnings, server state changes). */
    public String log() {
        return ServiceProcesses.readLog(dir.resolve("haproxy.log"));
    }

    @Override
    public void close() {
        ServiceProcesses.kill(process);
        ServiceProcesses.deleteTree(dir);
    }
}
