package dev.weft.client.direct;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Asks the relay's rendezvous UDP port which address and port our socket's datagrams arrive from (our NAT's mapping
 * of it). Wire format in {@code docs/protocol.md}, "Direct connections".
 */
final class RelayProbe {
    static final byte[] PROBE_MAGIC = "WEFTRV1?".getBytes(StandardCharsets.US_ASCII);
    static final byte[] ANSWER_MAGIC = "WEFTRV1!".getBytes(StandardCharsets.US_ASCII);
    static final int PROBE_LEN = 48;
    static final int NONCE_LEN = 16;

    private RelayProbe() {
    }

    /**
     * Sends probes from {@code socket} (blocking, with a receive timeout set on its socket adaptor) to
     * {@code rendezvous} every 200 ms until an answer with our nonce arrives, at most {@code tries} times.
     *
     * @return the address the relay saw
     * @throws IOException if no answer came
     */
    static InetSocketAddress observe(DatagramChannel socket, InetSocketAddress rendezvous, int tries)
            throws IOException {
        byte[] nonce = new byte[NONCE_LEN];
        new SecureRandom().nextBytes(nonce);
        ByteBuffer probe = ByteBuffer.allocate(PROBE_LEN).put(PROBE_MAGIC).put(nonce);
        socket.socket().setSoTimeout(200);
        byte[] buf = new byte[64];
        for (int i = 0; i < tries; i++) {
            socket.send(ByteBuffer.wrap(probe.array()), rendezvous);
            long until = System.nanoTime() + 200_000_000L;
            while (System.nanoTime() < until) {
                java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
                try {
                    socket.socket().receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                InetSocketAddress seen = parse(Arrays.copyOf(p.getData(), p.getLength()), nonce);
                if (seen != null) {
                    return seen;
                }
            }
        }
        throw new IOException("the relay's rendezvous port " + rendezvous + " did not answer " + tries
                + " UDP probes (UDP blocked?)");
    }

    /** The address in {@code answer} if it is an answer to {@code nonce}, else null. */
    static InetSocketAddress parse(byte[] answer, byte[] nonce) throws IOException {
        if (answer.length < ANSWER_MAGIC.length + NONCE_LEN + 1 + 4 + 2
                || !Arrays.equals(answer, 0, ANSWER_MAGIC.length, ANSWER_MAGIC, 0, ANSWER_MAGIC.length)
                || !Arrays.equals(answer, ANSWER_MAGIC.length, ANSWER_MAGIC.length + NONCE_LEN, nonce, 0,
                NONCE_LEN)) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(answer, ANSWER_MAGIC.length + NONCE_LEN, answer.length
                - ANSWER_MAGIC.length - NONCE_LEN);
        int len = b.get() & 0xff;
        if ((len != 4 && len != 16) || b.remaining() != len + 2) {
            return null;
        }
        byte[] addr = new byte[len];
        b.get(addr);
        return new InetSocketAddress(InetAddress.getByAddress(addr), b.getShort() & 0xffff);
    }
}
