package dev.weft.client.cli;

import static dev.weft.client.workspace.CliFixtures.git;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to {@code weft blame/stage/commit} gets one clear line and changes nothing. */
class GitCommandsInputTest {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WeftCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void stageWithoutMineIsAUsageErrorAndTouchesNoIndex() throws Exception {
        git(tmp, "init", "-q");
        Files.writeString(tmp.resolve("a.txt"), "a\n");
        Run r = run("stage", tmp.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("stage needs --mine");
        assertThat(git(tmp, "status", "--porcelain")).isEqualTo("?? a.txt\n");
    }

    @Test
    void blameOutsideASharedFolderSaysSo() throws Exception {
        Files.writeString(tmp.resolve("a.txt"), "a\n");
        Run r = run("blame", tmp.resolve("a.txt").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("is not in a folder shared with weft share/join");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void commitWithoutAMessageIsAUsageError() {
        Run r = run("commit", tmp.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--m");
    }
}
