package dev.weft.client.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A long-running {@code weft share}/{@code weft join} as a separate JVM, with its own HOME (so the user's git
 * configuration, and its {@code core.excludesFile}, is the test's).
 */
public final class FolderProcess implements AutoCloseable {
    /** The CLI run; immutable. */
    private final CliProcess cli;

    private FolderProcess(CliProcess cli) {
        this.cli = cli;
    }

    public static FolderProcess start(Path workDir, Path home, String... args) throws IOException {
        return new FolderProcess(CliProcess.start(workDir, home, args));
    }

    /** Waits for the first stdout line. */
    public String awaitLine(long seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String s = cli.stdout();
            if (s.contains("\n")) {
                return s.substring(0, s.indexOf('\n'));
            }
            if (!cli.process().isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no stdout line (alive=" + cli.process().isAlive() + "); stderr: "
                        + stderr());
            }
            Thread.sleep(50);
        }
    }

    String stdout() throws IOException {
        return cli.stdout();
    }

    public String stderr() throws IOException {
        return cli.stderr();
    }

    /** SIGTERM, then the exit code. */
    int terminate(long seconds) throws InterruptedException, IOException {
        Process process = cli.process();
        process.destroy();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("did not stop within " + seconds + " s after SIGTERM; stderr: " + stderr());
        }
        return process.exitValue();
    }

    /** SIGKILL (if still running), then waits for the exit. */
    @Override
    public void close() throws InterruptedException {
        if (cli.process().isAlive()) {
            cli.process().destroyForcibly().waitFor();
        }
    }
}
