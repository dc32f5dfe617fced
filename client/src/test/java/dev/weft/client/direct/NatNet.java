package dev.weft.client.direct;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small internet made of network namespaces for one test: a "public" namespace with a bridge (the relay lives
 * there, on {@link #relayAddress()}), and for each of two homes a NAT router namespace (MASQUERADE towards the
 * public bridge, dropping unsolicited inbound UDP as home routers do) with one host namespace behind it. Nothing is
 * created in the host's own namespace. Needs root, iproute2 and iptables.
 */
final class NatNet implements AutoCloseable {
    private final String id;
    private final String pubNet;
    private final List<String> namespaces = new ArrayList<>();

    private NatNet(String id, String pubNet) {
        this.id = id;
        this.pubNet = pubNet;
    }

    /** Why this network cannot be built here, or null. */
    static String unavailableReason() {
        String why = dev.weft.client.lan.Netns.unavailableReason();
        if (why != null) {
            return why;
        }
        try {
            if (run("iptables", "-V") != 0) {
                return "iptables is not installed (.ci/setup.d/70-lan-netns.sh installs it)";
            }
        } catch (IOException | InterruptedException e) {
            return "iptables is not installed (.ci/setup.d/70-lan-netns.sh installs it)";
        }
        return null;
    }

    static NatNet create() throws IOException, InterruptedException {
        String id = Long.toString(ProcessHandle.current().pid() % 10000, 36)
                + Integer.toString((int) (Math.random() * 1296), 36);
        NatNet n = new NatNet(id, "198.18." + (int) (Math.random() * 250) + ".");
        String pub = n.ns("pub");
        n.add(pub);
        n.must("ip", "-n", pub, "link", "add", "br0", "type", "bridge");
        n.must("ip", "-n", pub, "addr", "add", n.relayAddress() + "/24", "dev", "br0");
        n.must("ip", "-n", pub, "link", "set", "br0", "up");
        n.must("ip", "-n", pub, "link", "set", "lo", "up");
        for (int home = 1; home <= 2; home++) {
            String nat = n.ns("nat" + home);
            String host = n.ns("h" + home);
            n.add(nat);
            n.add(host);
            String wan = "w" + home + id;
            String lan = "l" + home + id;
            n.must("ip", "link", "add", wan, "netns", nat, "type", "veth", "peer", "name", "p" + home + id, "netns",
                    pub);
            n.must("ip", "-n", pub, "link", "set", "p" + home + id, "master", "br0");
            n.must("ip", "-n", pub, "link", "set", "p" + home + id, "up");
            n.must("ip", "-n", nat, "addr", "add", n.natAddress(home) + "/24", "dev", wan);
            n.must("ip", "-n", nat, "link", "set", wan, "up");
            n.must("ip", "link", "add", lan, "netns", nat, "type", "veth", "peer", "name", "h" + home + id, "netns",
                    host);
            n.must("ip", "-n", nat, "addr", "add", "10.77." + home + ".1/24", "dev", lan);
            n.must("ip", "-n", nat, "link", "set", lan, "up");
            n.must("ip", "-n", nat, "link", "set", "lo", "up");
            n.must("ip", "-n", host, "addr", "add", "10.77." + home + ".2/24", "dev", "h" + home + id);
            n.must("ip", "-n", host, "link", "set", "h" + home + id, "up");
            n.must("ip", "-n", host, "link", "set", "lo", "up");
            n.must("ip", "-n", host, "route", "add", "default", "via", "10.77." + home + ".1");
            n.must("ip", "netns", "exec", nat, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            n.must("ip", "netns", "exec", nat, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", wan, "-j",
                    "MASQUERADE");
            // Unsolicited inbound UDP is dropped before conntrack confirms an entry for it, so a peer's early punch
            // cannot take the port our own later outbound datagrams are mapped to.
            n.must("ip", "netns", "exec", nat, "iptables", "-A", "INPUT", "-i", wan, "-p", "udp", "-j", "DROP");
        }
        return n;
    }

    private String ns(String role) {
        return "wn" + role + id;
    }

    /** The relay's address on the public bridge. */
    String relayAddress() {
        return pubNet + "1";
    }

    /** Home {@code home}'s public (NAT) address. */
    String natAddress(int home) {
        return pubNet + (10 + home);
    }

    /** Command prefix running a program in the public namespace. */
    List<String> execPublic() {
        return List.of("ip", "netns", "exec", ns("pub"));
    }

    /** Command prefix running a program on the host behind NAT {@code home}. */
    List<String> execHost(int home) {
        return List.of("ip", "netns", "exec", ns("h" + home));
    }

    /** Both NAT routers drop every forwarded UDP datagram from now on (the relay's TCP still passes). */
    void blockUdp() throws IOException, InterruptedException {
        for (int home = 1; home <= 2; home++) {
            must("ip", "netns", "exec", ns("nat" + home), "iptables", "-I", "FORWARD", "-p", "udp", "-j", "DROP");
        }
    }

    /** True once something accepts TCP on {@code port} of the relay address (probed from the public namespace). */
    boolean relayListening(int port) throws IOException, InterruptedException {
        return run("ip", "netns", "exec", ns("pub"), "bash", "-c",
                "exec 3<>/dev/tcp/" + relayAddress() + "/" + port) == 0;
    }

    private void add(String ns) throws IOException, InterruptedException {
        must("ip", "netns", "add", ns);
        namespaces.add(ns);
    }

    private void must(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
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

    /** Deletes every namespace (veths, bridge and rules go with them). */
    @Override
    public void close() throws IOException, InterruptedException {
        for (String ns : namespaces) {
            run("ip", "netns", "del", ns);
        }
    }
}
