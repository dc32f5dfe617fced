package dev.weft.relay.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Shared bits of {@link PostgresServer}, {@link RedisServer} and {@link HaproxyServer}: ports, commands, logs, cleanup. */
final class ServiceProcesses {
    private ServiceProcesses() {
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** Runs {@code cmd} to completion (at most 60 s); returns its output. @throws IOException on a non-zero exit */
    static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + ": " + String.join(" ", cmd) + "\n" + out);
        }
        return out;
    }

    /**
     * The executable {@code name} in the first directory of {@code PATH}, then of {@code fallbackDirs} (a
     * colon-separated list such as {@code "/usr/sbin:/usr/bin"}), that has it; empty when none has.
     */
    static Optional<Path> binary(String name, String fallbackDirs) {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":" + fallbackDirs).split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The text of the log file {@code log}, or {@code "(no log: <reason>)"} when it cannot be read. */
    static String readLog(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGKILL, then waits up to 10 s for {@code process} to be gone. */
    static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Skips the calling test (JUnit assumption) unless {@code installed}, naming the package and the CI step. */
    static void assumeInstalled(boolean installed, String what, String aptPackage) {
        Assumptions.assumeTrue(installed, "SKIPPED: " + what + " is not installed (apt-get install " + aptPackage
                + "; .ci/setup.d/40-cluster.sh)");
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
