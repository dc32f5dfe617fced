package dev.weft.client.direct;

import dev.weft.client.testing.Namespaces;
import java.io.IOException;
import java.util.List;

/**
 * A small internet made of network namespaces for one test: a "public" namespace with a bridge (the relay lives
 * there, on {@link #relayAddress()}), and for each of two homes a NAT router namespace (MASQUERADE towards the
 * public bridge, dropping unsolicited inbound UDP as home routers do) with one host namespace behind it. Nothing is
 * created in the host's own namespace. Needs root, iproute2 and iptables.
 */
final class NatNet extends Namespaces {
    /** The public /24, as {@code 198.18.X.}. */
    private final String pubNet;

    private NatNet(String pubNet) {
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
        NatNet n = new NatNet("198.18." + (int) (Math.random() * 250) + ".");
        String id = n.id;
        String pub = n.ns("pub");
        n.add(pub);
        must("ip", "-n", pub, "link", "add", "br0", "type", "bridge");
        must("ip", "-n", pub, "addr", "add", n.relayAddress() + "/24", "dev", "br0");
        must("ip", "-n", pub, "link", "set", "br0", "up");
        must("ip", "-n", pub, "link", "set", "lo", "up");
        for (int home = 1; home <= 2; home++) {
            String nat = n.ns("nat" + home);
            String host = n.ns("h" + home);
            n.add(nat);
            n.add(host);
            String wan = "w" + home + id;
            String lan = "l" + home + id;
            must("ip", "link", "add", wan, "netns", nat, "type", "veth", "peer", "name", "p" + home + id, "netns",
                    pub);
            must("ip", "-n", pub, "link", "set", "p" + home + id, "master", "br0");
            must("ip", "-n", pub, "link", "set", "p" + home + id, "up");
            must("ip", "-n", nat, "addr", "add", n.natAddress(home) + "/24", "dev", wan);
            must("ip", "-n", nat, "link", "set", wan, "up");
            must("ip", "link", "add", lan, "netns", nat, "type", "veth", "peer", "name", "h" + home + id, "netns",
                    host);
            must("ip", "-n", nat, "addr", "add", "10.77." + home + ".1/24", "dev", lan);
            must("ip", "-n", nat, "link", "set", lan, "up");
            must("ip", "-n", nat, "link", "set", "lo", "up");
            must("ip", "-n", host, "addr", "add", "10.77." + home + ".2/24", "dev", "h" + home + id);
            must("ip", "-n", host, "link", "set", "h" + home + id, "up");
            must("ip", "-n", host, "link", "set", "lo", "up");
            must("ip", "-n", host, "route", "add", "default", "via", "10.77." + home + ".1");
            must("ip", "netns", "exec", nat, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            must("ip", "netns", "exec", nat, "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", wan, "-j",
                    "MASQUERADE");
            // Unsolicited inbound UDP is dropped before conntrack confirms an entry for it, so a peer's early punch
            // cannot take the port our own later outbound datagrams are mapped to.
            must("ip", "netns", "exec", nat, "iptables", "-A", "INPUT", "-i", wan, "-p", "udp", "-j", "DROP");
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
}
