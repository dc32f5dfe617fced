package dev.weft.client.lan.discovery;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;

/**
 * Lists the Weft LAN nodes advertised on the network ({@value LanDiscovery#SERVICE_TYPE}) without advertising
 * anything itself: what a "join a LAN session" picker shows. It sees exactly what {@link LanDiscovery} advertises —
 * a room tag, a node id, a port, the addresses, and a label only if the host chose one — so it learns no secret, no
 * room id and no content; only someone holding a room's link can tell which tag is that room's
 * ({@link dev.weft.client.lan.secure.RoomKeys#roomTag()}). Thread-safe; keep one open to keep its cache warm.
 */
public final class LanBrowser implements AutoCloseable {
    /** The jmDNS instance (browses, answers nothing of ours); immutable reference. */
    private final JmDNS jmdns;
    /** Where it listens. Immutable. */
    private final InetAddress address;

    private LanBrowser(JmDNS jmdns, InetAddress address) {
        this.jmdns = jmdns;
        this.address = address;
    }

    /**
     * Starts browsing on {@code address} (null: {@link LanDiscovery#pickAddress()}).
     *
     * @throws IOException if jmDNS cannot open its multicast socket there
     */
    public static LanBrowser start(InetAddress address) throws IOException {
        InetAddress addr = address == null || address.isAnyLocalAddress() ? LanDiscovery.pickAddress() : address;
        return new LanBrowser(JmDNS.create(addr, "weft-browser-" + Long.toHexString(System.nanoTime())), addr);
    }

    public InetAddress address() {
        return address;
    }

    /**
     * One advertised node.
     *
     * @param tag        the room tag ({@code room} TXT entry)
     * @param node       the node id, hex
     * @param label      the host-chosen label, or null
     * @param addresses  its IPv4 addresses, as text
     * @param port       its TCP port
     * @param properties every TXT entry as advertised (for audits: nothing else is learnt)
     */
    public record Advertisement(String tag, String node, String label, List<String> addresses, int port,
                                Map<String, String> properties) {
        public Advertisement {
            addresses = List.copyOf(addresses);
            properties = Collections.unmodifiableMap(new TreeMap<>(properties));
        }
    }

    /**
     * The Weft nodes advertised now, waiting up to {@code wait} the first time (later calls answer from the cache
     * jmDNS keeps while this browser is open). Services without a room tag or node id (not Weft's, or a resolve that
     * lost its TXT record) are left out.
     */
    public List<Advertisement> list(Duration wait) {
        List<Advertisement> out = new ArrayList<>();
        for (ServiceInfo info : jmdns.list(LanDiscovery.SERVICE_TYPE, Math.max(1, wait.toMillis()))) {
            ServiceInfo i = info;
            if (i.getPropertyString("room") == null) {
                ServiceInfo again = jmdns.getServiceInfo(LanDiscovery.SERVICE_TYPE, info.getName(), 500);
                if (again != null) {
                    i = again;
                }
            }
            String tag = i.getPropertyString("room");
            String node = i.getPropertyString("node");
            if (tag == null || node == null || i.getPort() <= 0) {
                continue;
            }
            List<String> addrs = new ArrayList<>();
            for (Inet4Address a : i.getInet4Addresses()) {
                addrs.add(a.getHostAddress());
            }
            if (addrs.isEmpty()) {
                continue;
            }
            Map<String, String> props = new TreeMap<>();
            Enumeration<String> names = i.getPropertyNames();
            while (names.hasMoreElements()) {
                String n = names.nextElement();
                props.put(n, i.getPropertyString(n));
            }
            String label = i.getPropertyString(LanDiscovery.LABEL);
            out.add(new Advertisement(tag, node, label == null || label.isBlank() ? null : label, addrs, i.getPort(),
                    props));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            jmdns.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
