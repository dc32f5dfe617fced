package dev.weft.client.direct;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * UDP hole punching for one pair of members ({@code docs/protocol.md}, "Direct connections"). Both sides send
 * {@code PUNCH} datagrams from the socket they registered with the relay to every candidate of the other side, which
 * opens their NATs towards each other; a side answers each {@code PUNCH} it receives with an {@code ACK}. The QUIC
 * client side is done when it hears from the peer (that address works both ways); the server side when it received
 * a {@code PUNCH} (its own datagrams towards the peer went out first, so the client's QUIC packets can come in).
 *
 * <pre>
 * PUNCH = "WEFTPNC?" ‖ lo:u64 ‖ hi:u64        ACK = "WEFTPNC!" ‖ lo:u64 ‖ hi:u64   (lo &lt; hi: the two client ids)
 * </pre>
 * Punch datagrams are not authenticated: a forged one can at most make the QUIC handshake or the room proof after it
 * fail, and the pair then stays on the relay.
 */
final class HolePunch {
    private static final byte[] PUNCH = "WEFTPNC?".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACK = "WEFTPNC!".getBytes(StandardCharsets.US_ASCII);
    private static final int LEN = 8 + 16;

    private HolePunch() {
    }

    /**
     * Punches until done or {@code timeout}.
     *
     * @param client true on the QUIC client side (the smaller client id)
     * @return the address the peer was heard from
     * @throws IOException if nothing arrived from the peer in time
     */
    static InetSocketAddress punch(DatagramChannel socket, List<InetSocketAddress> candidates, long lo, long hi,
                                   boolean client, Duration timeout) throws IOException {
        byte[] punch = packet(PUNCH, lo, hi);
        byte[] ack = packet(ACK, lo, hi);
        socket.socket().setSoTimeout(50);
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[64];
        long nextSend = 0;
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() >= nextSend) {
                for (InetSocketAddress c : candidates) {
                    try {
                        socket.send(ByteBuffer.wrap(punch), c);
                    } catch (IOException unreachable) {
                        // a candidate on a network we cannot reach: the others may work
                    }
                }
                nextSend = System.nanoTime() + 50_000_000L;
            }
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.socket().receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            byte[] got = Arrays.copyOf(p.getData(), p.getLength());
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            if (Arrays.equals(got, punch)) {
                socket.send(ByteBuffer.wrap(ack), from);
                socket.send(ByteBuffer.wrap(ack), from); // a second one in case the first is lost
                return from;
            }
            if (Arrays.equals(got, ack) || !client) {
                // The server side also takes a QUIC packet as proof the path is open (the client stopped punching
                // once it heard us; QUIC resends the packet consumed here).
                return from;
            }
        }
        throw new IOException("UDP hole punching timed out after " + timeout.toMillis() + " ms: nothing arrived from the"
                + " peer (symmetric NAT or UDP blocked?)");
    }

    private static byte[] packet(byte[] magic, long lo, long hi) {
        return ByteBuffer.allocate(LEN).put(magic).putLong(lo).putLong(hi).array();
    }
}
