package dev.weft.client.lan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small network made of Linux network namespaces for one test: a "switch" namespace holding a bridge, and
 * peer namespaces each joined to it by a veth pair created directly inside the namespaces, so no interface,
 * address or packet ever appears in the host's own namespace. Needs root and iproute2.
 */
public final class Netns implements AutoCloseable {
    /** Unique suffix of this network's names (interface names stay within 15 characters). */
    private final String id;
    private final String subnet;
    private final List<String> namespaces = new ArrayList<>();

    private Netns(String id, String subnet) {
        this.id = id;
        this.subnet = subnet;
    }

    /**
     * Why namespaces cannot be used here, or null if they can (root, {@code ip netns add} works).
     */
    public static String unavailableReason() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            if (!uid.equals("0")) {
                return "not root (uid " + uid + "): network namespaces need root";
            }
            String probe = "weftprobe" + ProcessHandle.current().pid();
            if (run("ip", "netns", "add", probe) != 0) {
                return "'ip netns add' failed (no CAP_SYS_ADMIN or no iproute2)";
            }
            run("ip", "netns", "del", probe);
            return null;
        } catch (IOException | InterruptedException e) {
            return "cannot run id/ip: " + e.getMessage();
        }
    }

    /** A switch and {@code peers} peer namespaces on 10.213.X.0/24; peer i has address {@link #address}(i). */
    static Netns create(int peers) throws IOException, InterruptedException {
        String id = Long.toString(ProcessHandle.current().pid() % 10000, 36)
                + Integer.toString((int) (Math.random() * 1296), 36);
        Netns n = new Netns(id, "10.213." + (int) (Math.random() * 250) + ".");
        String sw = "wsw" + id;
        n.add(sw);
        n.must("ip", "-n", sw, "link", "add", "br0", "type", "bridge");
        n.must("ip", "-n", sw, "link", "set", "br0", "up");
        for (int i = 1; i <= peers; i++) {
            String ns = n.peer(i);
            n.add(ns);
            n.must("ip", "link", "add", "v" + i + id, "netns", ns, "type", "veth", "peer", "name", "s" + i + id,
                    "netns", sw);
            n.must("ip", "-n", sw, "link", "set", "s" + i + id, "master", "br0");
            n.must("ip", "-n", sw, "link", "set", "s" + i + id, "up");
            n.must("ip", "-n", ns, "addr", "add", n.address(i) + "/24", "dev", "v" + i + id);
            n.must("ip", "-n", ns, "link", "set", "v" + i + id, "up");
            n.must("ip", "-n", ns, "link", "set", "lo", "up");
            // mDNS: multicast leaves through the veth (there is no default route).
            n.must("ip", "-n", ns, "route", "add", "224.0.0.0/4", "dev", "v" + i + id);
        }
        return n;
    }

    private void add(String ns) throws IOException, InterruptedException {
        must("ip", "netns", "add", ns);
        namespaces.add(ns);
    }

    /** Namespace name of peer {@code i} (1-based). */
    String peer(int i) {
        return "wp" + i + id;
    }

    /** IPv4 address of peer {@code i}. */
    String address(int i) {
        return subnet + i;
    }

    /** The command prefix that runs a program inside peer {@code i}'s namespace. */
    List<String> exec(int i) {
        return List.of("ip", "netns", "exec", peer(i));
    }

    private void must(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    /** Deletes every namespace (their veths and the bridge go with them). */
    @Override
    public void close() throws IOException, InterruptedException {
        for (String ns : namespaces) {
            run("ip", "netns", "del", ns);
        }
    }
}
