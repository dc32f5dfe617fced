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
        return start(workDir, null, args);
    }

    /**
     * Starts the CLI with {@code args}; its stdout and stderr go to new files in {@code workDir}. With a {@code home}
     * (null: this JVM's), the CLI gets it as {@code user.home}, {@code HOME} and {@code XDG_CONFIG_HOME=home/.config},
     * so the user's git configuration is the test's.
     */
    static CliProcess start(Path workDir, Path home, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m"));
        if (home != null) {
            cmd.add("-Duser.home=" + home);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), WeftCli.class.getName()));
        cmd.addAll(List.of(args));
        Files.createDirectories(workDir);
        Path out = Files.createTempFile(workDir, "cli", ".out");
        Path err = Files.createTempFile(workDir, "cli", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (home != null) {
            pb.environment().put("HOME", home.toString());
            pb.environment().put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        }
        return new CliProcess(pb.start(), out, err);
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        return start(workDir, args).await(120);
    }

    /** The CLI's process. */
    Process process() {
        return process;
    }

    /** Its stdout so far. */
    String stdout() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Its stderr so far. */
    String stderr() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** Waits until stderr contains {@code text}. */
    void awaitStderr(String text, long seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!stderr().contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("weft CLI stderr never showed '" + text + "': " + stderr());
            }
            Thread.sleep(20);
        }
    }

    Result await(long seconds) throws IOException, InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("weft CLI did not exit within " + seconds + " s; stderr: " + stderr());
        }
        return new Result(process.exitValue(), stdout(), stderr());
    }
}
