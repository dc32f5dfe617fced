package dev.weft.client.lan;

import dev.weft.client.lan.secure.HandshakeFailedException;
import dev.weft.client.lan.secure.RoomKeys;
import dev.weft.client.lan.secure.SecureChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongPredicate;
import java.util.logging.Logger;

/**
 * Opens links: accepts connections on the node's port and keeps dialing the peers it was given (explicitly or by
 * discovery), each through the {@link SecureChannel} handshake. A peer that fails the handshake never gets a link;
 * the dial is retried with a growing delay (up to 5 s), so a peer that comes back is found again.
 */
final class Connector implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Connector.class.getName());
    static final int HANDSHAKE_TIMEOUT_MS = 5000;

    private final RoomKeys keys;
    private final ServerSocket server;
    /** Hands a fresh link to the node and returns once it is registered. */
    private final java.util.function.Consumer<PeerLink> onLink;
    /** True if the node has a live link to the given node id. */
    private final LongPredicate hasLinkTo;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "weft-lan-connect");
        t.setDaemon(true);
        return t;
    });
    /** Addresses with a dial loop; any thread. */
    private final Set<String> dialing = ConcurrentHashMap.newKeySet();
    /** Handshakes refused (wrong secret or not a Weft peer), both directions. */
    volatile long refusedHandshakes;
    private volatile boolean closed;

    Connector(RoomKeys keys, InetAddress bind, int port, java.util.function.Consumer<PeerLink> onLink,
              LongPredicate hasLinkTo) throws IOException {
        this.keys = keys;
        this.onLink = onLink;
        this.hasLinkTo = hasLinkTo;
        this.server = new ServerSocket(port, 50, bind);
        threads.execute(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warning("LAN node stopped accepting: " + e);
                }
                return;
            }
            threads.execute(() -> {
                try {
                    s.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
                    s.setTcpNoDelay(true);
                    SecureChannel ch = SecureChannel.accept(s, keys);
                    s.setSoTimeout(0);
                    onLink.accept(new PeerLink(ch, null));
                } catch (HandshakeFailedException e) {
                    refusedHandshakes++;
                    LOG.warning("LAN connection from " + s.getRemoteSocketAddress() + " refused: " + e.getMessage());
                } catch (IOException e) {
                    LOG.fine(() -> "LAN connection from " + s.getRemoteSocketAddress() + " failed: " + e);
                }
            });
        }
    }

    /** Keeps a link to {@code peer} (host:port) open from now on; no-op if already dialing it. */
    void dial(InetSocketAddress peer) {
        String key = peer.getHostString() + ":" + peer.getPort();
        if (closed || !dialing.add(key)) {
            return;
        }
        threads.execute(() -> dialLoop(peer));
    }

    private void dialLoop(InetSocketAddress peer) {
        long delay = 250;
        long knownNode = -1;
        while (!closed) {
            if (knownNode >= 0 && hasLinkTo.test(knownNode)) {
                sleep(1000); // the peer's own link to us is the one kept
                continue;
            }
            try (Socket s = new Socket()) {
                InetSocketAddress resolved = peer.isUnresolved()
                        ? new InetSocketAddress(peer.getHostString(), peer.getPort()) : peer;
                s.connect(resolved, 3000);
                s.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
                s.setTcpNoDelay(true);
                SecureChannel ch = SecureChannel.initiate(s, keys);
                s.setSoTimeout(0);
                PeerLink link = new PeerLink(ch, peer);
                CountDownLatch ended = new CountDownLatch(1);
                link.onEnd(ended::countDown);
                onLink.accept(link);
                ended.await();
                knownNode = link.nodeIdSeen();
                delay = 250;
            } catch (HandshakeFailedException e) {
                refusedHandshakes++;
                LOG.warning("LAN peer " + peer + " refused: " + e.getMessage());
                delay = Math.min(delay * 2, 5000);
            } catch (IOException e) {
                LOG.fine(() -> "LAN peer " + peer + " unreachable: " + e.getMessage());
                delay = Math.min(delay * 2, 5000);
            } catch (InterruptedException e) {
                return;
            }
            sleep(delay);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        threads.shutdownNow();
    }
}
