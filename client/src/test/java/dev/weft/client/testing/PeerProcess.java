package dev.weft.client.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test peer in its own JVM: a {@code main} class of the client's tests (the LAN and direct-link namespace tests'
 * {@code LanPeerMain}, {@code DirectPeerMain}), started with a command prefix such as {@code ip netns exec NS}. The
 * peer prints one line once it is up ({@link #first}), then answers each command line with one line; its stderr
 * goes to a file.
 */
public class PeerProcess {
    /** The line the peer printed when it was up. */
    public final String first;
    private final Process process;
    private final PrintWriter in;
    private final BufferedReader out;
    /** The peer's stderr. */
    private final Path err;

    /**
     * Starts {@code main} with {@code args} under {@code prefix} and waits for its first line.
     *
     * @throws IOException naming {@code name} and quoting its stderr if it ended without printing a line
     */
    protected PeerProcess(List<String> prefix, Class<?> main, List<String> args, Path err, String name)
            throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        this.err = err;
        this.process = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.first = out.readLine();
        if (first == null) {
            throw new IOException(name + " did not start: " + Files.readString(err));
        }
        this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Sends one command and returns its reply line ("" if the process died). */
    public synchronized String command(String c) {
        try {
            in.println(c);
            String line = out.readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            return "";
        }
    }

    /** The last 4000 characters of the peer's stderr ("" if unreadable). */
    public String stderr() {
        try {
            String s = Files.readString(err);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (IOException e) {
            return "";
        }
    }

    /** The SHA-256 of {@code text}'s UTF-8 bytes in hex: how peers report their text in a reply line. */
    public static String sha(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** SIGKILL ({@code ip netns exec} execs java, so this is the JVM itself), and waits up to 10 s for the end. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
