package dev.weft.client.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real CLI ({@link WeftCli#main}) as a separate JVM with the test classpath. */
final class CliProcess {
    /** Exit code, stdout bytes as UTF-8 text, stderr text. */
    record Result(int exit, String out, String err) {
    }

    private final Process process;
    private final Path out;
    private final Path err;

    private CliProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static CliProcess start(Path workDir, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                WeftCli.class.getName()));
        cmd.addAll(List.of(args));
        Files.createDirectories(workDir);
        Path out = Files.createTempFile(workDir, "cli", ".out");
        Path err = Files.createTempFile(workDir, "cli", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new CliProcess(p, out, err);
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return start(workDir, args).await(120);
    }

    /** Waits until stderr contains {@code text}. */
    void awaitStderr(String text, long seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.readString(err, StandardCharsets.UTF_8).contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("weft CLI stderr never showed '" + text + "': "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            Thread.sleep(20);
        }
    }

    Result await(long seconds) throws IOException, InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("weft CLI did not exit within " + seconds + " s; stderr: "
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
