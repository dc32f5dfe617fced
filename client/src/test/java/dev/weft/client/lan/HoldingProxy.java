package dev.weft.client.lan;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;

/**
 * A one-connection TCP proxy on loopback in front of a LAN node that passes the dialer's first {@code passFirst}
 * bytes at once and holds the rest of the dialer → node direction until {@link #release()}; the node → dialer
 * direction always flows. Holding right after the handshake keeps the node's side of the link open but not yet
 * identified (the dialer's Hello waits here) for as long as a test needs.
 */
final class HoldingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final int passFirst;
    /** Counted down by {@link #release()}. */
    private final CountDownLatch released = new CountDownLatch(1);
    /** Counted down once the first {@code passFirst} bytes went through. */
    final CountDownLatch passed = new CountDownLatch(1);
    private volatile Socket in;
    private volatile Socket out;

    HoldingProxy(int targetPort, int passFirst) throws IOException {
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.passFirst = passFirst;
        Thread t = new Thread(this::serve, "holding-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    void release() {
        released.countDown();
    }

    private void serve() {
        try {
            in = server.accept();
            out = new Socket(target.getAddress(), target.getPort());
            Thread back = new Thread(() -> pump(out, in, Integer.MAX_VALUE), "holding-proxy-back");
            back.setDaemon(true);
            back.start();
            pump(in, out, passFirst);
        } catch (IOException e) {
            // closed by the test
        }
    }

    /** Copies {@code from} → {@code to}; after {@code before} bytes, waits for {@link #release()}. */
    private void pump(Socket from, Socket to, int before) {
        byte[] buf = new byte[8192];
        long copied = 0;
        try {
            InputStream i = from.getInputStream();
            OutputStream o = to.getOutputStream();
            while (true) {
                int max = copied < before ? (int) Math.min(buf.length, before - copied) : buf.length;
                int n = i.read(buf, 0, max);
                if (n < 0) {
                    break;
                }
                if (copied >= before) {
                    released.await();
                }
                o.write(buf, 0, n);
                o.flush();
                copied += n;
                if (copied == before) {
                    passed.countDown();
                }
            }
        } catch (IOException | InterruptedException e) {
            // closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        release();
        server.close();
        if (in != null) {
            closeQuietly(in);
        }
        if (out != null) {
            closeQuietly(out);
        }
    }
}
