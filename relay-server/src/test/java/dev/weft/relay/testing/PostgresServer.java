package dev.weft.relay.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster for tests: {@code initdb} into a fresh temporary directory, {@code pg_ctl start} on
 * 127.0.0.1 and a free port (socket in the data directory), trust authentication for user {@code weft}; {@link
 * #close()} stops it (fast shutdown) and deletes the directory. Needs Debian's {@code postgresql} package
 * ({@code /usr/lib/postgresql/VERSION/bin}); {@link #binaries()} is empty without it, so tests can skip. As root
 * (initdb refuses root) the server runs as user {@code postgres} via {@code runuser}.
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresServer.start()) {
 *     String store = pg.createDatabase();   // postgresql://127.0.0.1:PORT/weft_1?user=weft
 * }
 * }</pre>
 */
public final class PostgresServer implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** The directory holding initdb, pg_ctl, postgres; immutable. */
    private final Path bin;
    /** The cluster's data directory (removed on close); immutable. */
    private final Path dir;
    /** Listening port; immutable. */
    private final int port;
    /** Prefix that runs a command as the cluster's owner (empty unless root); immutable. */
    private final List<String> asOwner;

    private PostgresServer(Path bin, Path dir, int port, List<String> asOwner) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asOwner = asOwner;
    }

    /** The newest {@code /usr/lib/postgresql/N/bin} holding initdb and pg_ctl, if installed. */
    public static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(java.util.Comparator.comparing(p -> p.getParent().getFileName().toString()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Skips the calling test (JUnit assumption) when PostgreSQL is not installed. */
    public static void assumeInstalled() {
        ServiceProcesses.assumeInstalled(binaries().isPresent(), "PostgreSQL", "postgresql");
    }

    /**
     * Creates and starts a cluster.
     *
     * @throws IllegalStateException if PostgreSQL is not installed
     * @throws IOException if initdb or pg_ctl fails (their output is in the message)
     */
    public static PostgresServer start() throws IOException {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException(
                "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql"));
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("weft-pg-");
        List<String> asOwner = root ? List.of("runuser", "-u", "postgres", "--") : List.of();
        if (root) {
            UserPrincipal pgUser = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(dir, pgUser);
        }
        PostgresServer pg = new PostgresServer(bin, dir, ServiceProcesses.freePort(), asOwner);
        try {
            pg.cmd("initdb", "-D", dir.resolve("data").toString(), "-U", "weft", "-A", "trust", "-E", "UTF8",
                    "--no-sync");
            pg.startServer();
        } catch (IOException | RuntimeException e) {
            ServiceProcesses.deleteTree(dir);
            throw e;
        }
        return pg;
    }

    private String cmd(String tool, String... args) throws IOException {
        List<String> c = new ArrayList<>(asOwner);
        c.add(bin.resolve(tool).toString());
        c.addAll(List.of(args));
        return ServiceProcesses.run(c);
    }

    private void startServer() throws IOException {
        cmd("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(), "-w",
                "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1"
                        + " -c max_connections=100 -c shared_buffers=16MB", "start");
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** A new empty database; returns its relay URL ({@code --store}). */
    public String createDatabase() throws SQLException {
        String name = "weft_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=weft");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return "postgresql://127.0.0.1:" + port + "/" + name + "?user=weft";
    }

    /** Stops the server abruptly (immediate mode: like a crash; WAL recovery on the next start). */
    public void crash() throws IOException {
        cmd("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    }

    /** Starts it again on the same port after {@link #crash()}. */
    public void restart() throws IOException {
        startServer();
    }

    /** The server log. */
    public String log() {
        return ServiceProcesses.readLog(dir.resolve("server.log"));
    }

    @Override
    public void close() {
        try {
            cmd("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop");
        } catch (IOException notRunning) {
            // already stopped
        }
        ServiceProcesses.deleteTree(dir);
    }
}
