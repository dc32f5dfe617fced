package dev.weft.client.lan.discovery;

import dev.weft.client.lan.LanChannel;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;

/**
 * Finds the LAN peers of a room with mDNS/DNS-SD (jmDNS) and hands them to the node. Each node advertises a
 * {@value #SERVICE_TYPE} service named after its random node id, on its TCP port, with TXT properties {@code v=1},
 * {@code room=<room tag>} and {@code node=<node id>}, plus {@code label=<text>} only when the host chose a label
 * ({@link #checkLabel}): the room tag is an HMAC of the room's member key
 * ({@link dev.weft.client.lan.secure.RoomKeys#roomTag()}), so the advertisement reveals neither secret nor
 * content, and only members recognise their room. Of two nodes that see each other, the one with the smaller node
 * id dials (one link per pair); the handshake then authenticates the peer, whatever the advertisement said.
 */
public final class LanDiscovery implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LanDiscovery.class.getName());
    public static final String SERVICE_TYPE = "_weft._tcp.local.";
    /** The TXT key of the optional host-chosen label. */
    public static final String LABEL = "label";
    /** Longest label advertised (a TXT entry holds at most 255 bytes). */
    public static final int MAX_LABEL_CHARS = 60;

    private final JmDNS jmdns;
    private final LanChannel lan;
    private final String tag;
    /** Peers handed to the node, by node id; any thread. */
    private final Set<String> dialed = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private LanDiscovery(JmDNS jmdns, LanChannel lan) {
        this.jmdns = jmdns;
        this.lan = lan;
        this.tag = lan.roomTag();
    }

    /**
     * Advertises {@code lan} and browses for its room's peers on one IPv4 address: the node's bind address if it is
     * a specific one, else the first up, multicast-capable, non-loopback IPv4 address (loopback if none).
     *
     * @throws IOException if jmDNS cannot start (no multicast socket)
     */
    public static LanDiscovery start(LanChannel lan, Consumer<String> notices) throws IOException {
        return start(lan, null, notices);
    }

    /**
     * As {@link #start(LanChannel, Consumer)}, advertising {@code label} too (null or blank: none).
     *
     * @throws IllegalArgumentException if the label is not one ({@link #checkLabel})
     * @throws IOException              if jmDNS cannot start (no multicast socket)
     */
    public static LanDiscovery start(LanChannel lan, String label, Consumer<String> notices) throws IOException {
        String shown = checkLabel(label);
        InetAddress addr = lan.options().bind().isAnyLocalAddress() ? pickAddress() : lan.options().bind();
        JmDNS jmdns = JmDNS.create(addr, "weft-" + Long.toHexString(lan.nodeId()));
        LanDiscovery d = new LanDiscovery(jmdns, lan);
        jmdns.addServiceListener(SERVICE_TYPE, d.listener);
        Map<String, String> txt = new java.util.HashMap<>(Map.of("v", "1", "room", d.tag, "node",
                Long.toHexString(lan.nodeId())));
        if (shown != null) {
            txt.put(LABEL, shown);
        }
        ServiceInfo info = ServiceInfo.create(SERVICE_TYPE, "weft-" + Long.toHexString(lan.nodeId()), lan.port(), 0,
                0, txt);
        jmdns.registerService(info);
        notices.accept("advertising room tag " + d.tag + (shown != null ? " labelled '" + shown + "'" : "")
                + " by mDNS on " + addr.getHostAddress());
        return d;
    }

    private final ServiceListener listener = new ServiceListener() {
        @Override
        public void serviceAdded(ServiceEvent event) {
            jmdns.requestServiceInfo(event.getType(), event.getName(), 1000);
        }

        @Override
        public void serviceRemoved(ServiceEvent event) {
            // The link notices a dead peer by itself.
        }

        @Override
        public void serviceResolved(ServiceEvent event) {
            consider(event.getInfo(), event.getName(), 0);
        }
    };

    private void consider(ServiceInfo info, String name, int retry) {
        if (closed) {
            return;
        }
        String room = info.getPropertyString("room");
        String node = info.getPropertyString("node");
        if (room == null || node == null) {
            // TXT properties can be missing on the first resolve: ask again a few times.
            if (retry < 5) {
                Thread t = new Thread(() -> {
                    try {
                        Thread.sleep(300L * (retry + 1));
                        if (closed) {
                            return;
                        }
                        ServiceInfo again = jmdns.getServiceInfo(SERVICE_TYPE, name, 1000);
                        if (again != null) {
                            consider(again, name, retry + 1);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "weft-mdns-retry");
                t.setDaemon(true);
                t.start();
            }
            return;
        }
        if (!room.equals(tag)) {
            return; // another room
        }
        long id;
        try {
            id = Long.parseLong(node, 16);
        } catch (NumberFormatException e) {
            return;
        }
        if (id == lan.nodeId() || id < lan.nodeId()) {
            return; // ourselves, or the peer with the smaller id dials us
        }
        for (Inet4Address a : info.getInet4Addresses()) {
            if (dialed.add(node + "@" + a.getHostAddress() + ":" + info.getPort())) {
                LOG.fine(() -> "mDNS: peer " + node + " at " + a.getHostAddress() + ":" + info.getPort());
                lan.addPeer(new InetSocketAddress(a, info.getPort()));
            }
        }
    }

    /**
     * The label as advertised: {@code label} stripped, or null when null or blank. A label is what the host chose to
     * show everyone on the network (e.g. "Ada's thesis"); it is not checked by anyone, so it is a claim, not proof
     * of a room (the handshake authenticates).
     *
     * @throws IllegalArgumentException if it is longer than {@value #MAX_LABEL_CHARS} characters or holds a control
     *                                  character
     */
    public static String checkLabel(String label) {
        if (label == null || label.isBlank()) {
            return null;
        }
        String s = label.strip();
        if (s.length() > MAX_LABEL_CHARS) {
            throw new IllegalArgumentException("LAN label is " + s.length() + " characters; at most "
                    + MAX_LABEL_CHARS + " are advertised");
        }
        if (s.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("LAN label must not contain control characters");
        }
        return s;
    }

    /** Peers found and handed to the node so far. */
    public int found() {
        return dialed.size();
    }

    /**
     * The first up, multicast-capable, non-loopback IPv4 address, or loopback if none: where discovery runs when the
     * node listens on every interface.
     */
    public static InetAddress pickAddress() throws SocketException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback() || !ni.supportsMulticast()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    return a;
                }
            }
        }
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public void close() {
        closed = true;
        try {
            jmdns.unregisterAllServices();
            jmdns.close();
        } catch (IOException e) {
            LOG.fine(() -> "mDNS close: " + e);
        }
    }

    /** For logs: the node id of a hex string. */
    static String hex(long id) {
        return HexFormat.of().toHexDigits(id);
    }
}
