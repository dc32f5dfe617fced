package dev.weft.client.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running {@code weft share}/{@code weft join} as a separate JVM, with its own HOME (so the user's git
 * configuration, and its {@code core.excludesFile}, is the test's).
 */
final class FolderProcess implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;

    private FolderProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static FolderProcess start(Path workDir, Path home, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-Duser.home=" + home, "-cp",
                System.getProperty("java.class.path"), WeftCli.class.getName()));
        cmd.addAll(List.of(args));
        Files.createDirectories(workDir);
        Path out = Files.createTempFile(workDir, "folder", ".out");
        Path err = Files.createTempFile(workDir, "folder", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        return new FolderProcess(pb.start(), out, err);
    }

    /** Waits for the first stdout line. */
    String awaitLine(long seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String s = Files.readString(out, StandardCharsets.UTF_8);
            if (s.contains("\n")) {
                return s.substring(0, s.indexOf('\n'));
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no stdout line (alive=" + process.isAlive() + "); stderr: " + stderr());
            }
            Thread.sleep(50);
        }
    }

    String stdout() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** SIGTERM, then the exit code. */
    int terminate(long seconds) throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("did not stop within " + seconds + " s after SIGTERM; stderr: " + stderr());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }
}
