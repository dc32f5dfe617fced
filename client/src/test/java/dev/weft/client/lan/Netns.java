package dev.weft.client.lan;

import dev.weft.client.testing.Namespaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A small network made of Linux network namespaces for one test: a "switch" namespace holding a bridge, and
 * peer namespaces each joined to it by a veth pair created directly inside the namespaces, so no interface,
 * address or packet ever appears in the host's own namespace. Needs root and iproute2.
 */
public final class Netns extends Namespaces {
    /** The peers' /24, as {@code 10.213.X.}. */
    private final String subnet;

    private Netns(String subnet) {
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
        Netns n = new Netns("10.213." + (int) (Math.random() * 250) + ".");
        String id = n.id;
        String sw = "wsw" + id;
        n.add(sw);
        must("ip", "-n", sw, "link", "add", "br0", "type", "bridge");
        must("ip", "-n", sw, "link", "set", "br0", "up");
        for (int i = 1; i <= peers; i++) {
            String ns = n.peer(i);
            n.add(ns);
            must("ip", "link", "add", "v" + i + id, "netns", ns, "type", "veth", "peer", "name", "s" + i + id,
                    "netns", sw);
            must("ip", "-n", sw, "link", "set", "s" + i + id, "master", "br0");
            must("ip", "-n", sw, "link", "set", "s" + i + id, "up");
            must("ip", "-n", ns, "addr", "add", n.address(i) + "/24", "dev", "v" + i + id);
            must("ip", "-n", ns, "link", "set", "v" + i + id, "up");
            must("ip", "-n", ns, "link", "set", "lo", "up");
            // mDNS: multicast leaves through the veth (there is no default route).
            must("ip", "-n", ns, "route", "add", "224.0.0.0/4", "dev", "v" + i + id);
        }
        return n;
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
}
