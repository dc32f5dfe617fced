package dev.weft.lsp.transport;

import dev.weft.lsp.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LspFrameLimiterTest {
    @TempDir
    Path tmp;

    @Test
    void framesWithinTheLimitPassThroughUnchanged() throws Exception {
        String body1 = "{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"params\":\"h\u00e9\"}";
        String body2 = "{\"x\":" + "1".repeat(5000) + "}";
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String b : new String[] {body1, body2}) {
            byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
            all.write(("Content-Length: " + bytes.length + "\r\nContent-Type: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            all.write(bytes);
        }
        InputStream in = new LspFrameLimiter(new ByteArrayInputStream(all.toByteArray()), 5006);
        assertThat(in.readAllBytes()).isEqualTo(all.toByteArray());
    }

    @Test
    void contentLengthOverTheLimitFailsBeforeAnyContentIsRead() {
        byte[] frame = "Content-Length: 2000000000\r\n\r\n{".getBytes(StandardCharsets.US_ASCII);
        InputStream in = new LspFrameLimiter(new ByteArrayInputStream(frame), 1024);
        assertThatThrownBy(in::readAllBytes).isInstanceOf(LspFrameLimiter.FrameTooLargeException.class)
                .hasMessageContaining("Content-Length 2000000000").hasMessageContaining("limit of 1024");
    }

    @Test
    void endlessHeaderLineFails() {
        byte[] junk = "X".repeat(LspFrameLimiter.MAX_HEADER_LINE_BYTES + 10).getBytes(StandardCharsets.US_ASCII);
        InputStream in = new LspFrameLimiter(new ByteArrayInputStream(junk), 1024);
        assertThatThrownBy(in::readAllBytes).isInstanceOf(LspFrameLimiter.FrameTooLargeException.class)
                .hasMessageContaining("header line longer");
    }

    /** The real server process, fed a 2 GB Content-Length and nothing else, must not wait for ever. */
    @Test
    void serverProcessExitsWithAClearErrorOnAHugeContentLength() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path err = tmp.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--stdio").redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("HOME", tmp.toString());
        Process p = pb.start();
        try {
            OutputStream stdin = p.getOutputStream();
            stdin.write("Content-Length: 2000000000\r\n\r\n{\"jsonrpc\":".getBytes(StandardCharsets.US_ASCII));
            stdin.flush(); // stdin stays open: a hung server would wait here for ever
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("server exited; stderr: %s", read(err)).isTrue();
            assertThat(p.exitValue()).as("exit status; stderr: %s", read(err)).isEqualTo(2);
            assertThat(read(err)).contains("Content-Length 2000000000").contains("exceeds the limit");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    private static String read(Path f) throws Exception {
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }
}
