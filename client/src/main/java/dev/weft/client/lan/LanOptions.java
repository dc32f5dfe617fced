package dev.weft.client.lan;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;

/**
 * How a LAN node runs. Immutable.
 *
 * @param link      the room and our secret (editor or reader)
 * @param dataDir   data directory; the node's journal lives under {@code <dataDir>/lan/rooms/<room>}
 * @param bind      address to listen on (e.g. 0.0.0.0, or 127.0.0.1 for tests)
 * @param port      TCP port to listen on, 0 for any free port
 * @param peers     peers to dial and keep dialing (host:port), in addition to discovered ones
 * @param discovery true to advertise and browse with mDNS/DNS-SD
 * @param userName  name shown to peers in their logs
 * @param clientId  this member's client id (awareness), 53 bits
 */
public record LanOptions(LanLink link, Path dataDir, InetAddress bind, int port, List<InetSocketAddress> peers,
                         boolean discovery, String userName, long clientId) {
    public LanOptions {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(bind, "bind");
        peers = List.copyOf(peers);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Listen on every interface, any port, no explicit peers, discovery on, a random client id. */
    public static LanOptions of(LanLink link, Path dataDir) {
        return new LanOptions(link, dataDir, anyAddress(), 0, List.of(), true, "weft-lan",
                new SecureRandom().nextLong() & ((1L << 53) - 1));
    }

    public LanOptions withBind(InetAddress bind, int port) {
        return new LanOptions(link, dataDir, bind, port, peers, discovery, userName, clientId);
    }

    public LanOptions withPeers(List<InetSocketAddress> peers) {
        return new LanOptions(link, dataDir, bind, port, peers, discovery, userName, clientId);
    }

    public LanOptions withDiscovery(boolean discovery) {
        return new LanOptions(link, dataDir, bind, port, peers, discovery, userName, clientId);
    }

    public LanOptions withUser(String userName) {
        return new LanOptions(link, dataDir, bind, port, peers, discovery, userName, clientId);
    }

    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static InetSocketAddress parsePeer(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("peer must be host:port, got '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peer port is not a number in '" + text + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("peer port out of range in '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static InetAddress anyAddress() {
        try {
            return InetAddress.getByName("0.0.0.0");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
