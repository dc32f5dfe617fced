package dev.weft.client.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The Linux network namespaces of one test network and the commands that build it: the base of the LAN tests'
 * {@code lan.Netns} and the direct-link tests' {@code direct.NatNet}. Closing deletes every namespace created here
 * (their interfaces and rules go with them); nothing is created in the host's own namespace. Needs root and
 * iproute2.
 */
public abstract class Namespaces implements AutoCloseable {
    /** Unique suffix of this network's names: the pid and a random part (interface names stay within 15 characters). */
    protected final String id = Long.toString(ProcessHandle.current().pid() % 10000, 36)
            + Integer.toString((int) (Math.random() * 1296), 36);
    /** The namespaces created so far, deleted on close. */
    private final List<String> namespaces = new ArrayList<>();

    /** Skips the calling test, saying why, when {@code why} (a network's {@code unavailableReason()}) is not null. */
    public static void assumeUsable(String why) {
        Assumptions.assumeTrue(why == null, () -> "skipped: " + why);
    }

    /** Creates namespace {@code ns}; {@link #close()} deletes it. */
    protected void add(String ns) throws IOException, InterruptedException {
        must("ip", "netns", "add", ns);
        namespaces.add(ns);
    }

    /** Runs {@code cmd}; throws with its output if it fails or does not end within 20 s. */
    protected static void must(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** Runs {@code cmd}, discarding its output; returns its exit code. */
    protected static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    /** Deletes every namespace created. */
    @Override
    public void close() throws IOException, InterruptedException {
        for (String ns : namespaces) {
            run("ip", "netns", "del", ns);
        }
    }
}
