package dev.weft.relay.rendezvous;

import dev.weft.relay.log.Log;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The relay's UDP port for direct connections: it tells a peer the address and port its probe came from (what a
 * NAT in front of the peer maps the peer's socket to), like a STUN binding request ({@code docs/protocol.md},
 * "Direct connections"). Stateless; answers only well-formed probes, with fewer bytes than the probe (no
 * amplification), and reveals only the sender's own address to the sender.
 *
 * <pre>
 * probe  = "WEFTRV1?" ‖ nonce (16) ‖ zero padding to {@value #PROBE_LEN} bytes
 * answer = "WEFTRV1!" ‖ nonce (16) ‖ addrLen:u8 (4 or 16) ‖ addr ‖ port:u16
 * </pre>
 */
public final class UdpReflector implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(UdpReflector.class.getName());
    /** Probe magic. */
    public static final byte[] PROBE_MAGIC = "WEFTRV1?".getBytes(StandardCharsets.US_ASCII);
    /** Answer magic. */
    public static final byte[] ANSWER_MAGIC = "WEFTRV1!".getBytes(StandardCharsets.US_ASCII);
    /** Probe size: larger than any answer. */
    public static final int PROBE_LEN = 48;
    /** Nonce size. */
    public static final int NONCE_LEN = 16;

    /** The bound socket; immutable reference. */
    private final DatagramSocket socket;
    /** The receive loop; immutable reference. */
    private final Thread thread;
    /** Probes answered since start. */
    private final AtomicLong answered = new AtomicLong();

    private UdpReflector(DatagramSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::run, "weft-rendezvous-udp");
        this.thread.setDaemon(true);
    }

    /**
     * Binds {@code host:port} (port 0: any free port) and starts answering.
     *
     * @throws IllegalStateException naming the address if it cannot be bound
     */
    public static UdpReflector start(String host, int port) {
        try {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), port));
            UdpReflector r = new UdpReflector(s);
            r.thread.start();
            Log.info(LOG, "rendezvous.started", "udp", host + ":" + s.getLocalPort());
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind the rendezvous UDP port " + host + ":" + port + ": " + e, e);
        }
    }

    /** The bound UDP port. */
    public int port() {
        return socket.getLocalPort();
    }

    /** Probes answered since start. */
    public long answered() {
        return answered.get();
    }

    private void run() {
        byte[] buf = new byte[PROBE_LEN + 16];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                byte[] answer = answer(Arrays.copyOf(p.getData(), p.getLength()), p.getAddress(), p.getPort());
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                    answered.incrementAndGet();
                }
            } catch (SocketException e) {
                if (!socket.isClosed()) {
                    Log.warn(LOG, "rendezvous.socket_failed", "error", e.toString());
                }
            } catch (IOException | RuntimeException e) {
                Log.warn(LOG, "rendezvous.probe_failed", "error", e.toString());
            }
        }
    }

    /** The answer to {@code probe} from {@code from:port}, or null if it is not a well-formed probe. */
    static byte[] answer(byte[] probe, InetAddress from, int port) {
        if (probe.length != PROBE_LEN || !Arrays.equals(probe, 0, PROBE_MAGIC.length, PROBE_MAGIC, 0,
                PROBE_MAGIC.length)) {
            return null;
        }
        byte[] addr = from.getAddress();
        return ByteBuffer.allocate(ANSWER_MAGIC.length + NONCE_LEN + 1 + addr.length + 2).put(ANSWER_MAGIC)
                .put(probe, PROBE_MAGIC.length, NONCE_LEN).put((byte) addr.length).put(addr).putShort((short) port)
                .array();
    }

    @Override
    public void close() {
        socket.close();
    }
}
