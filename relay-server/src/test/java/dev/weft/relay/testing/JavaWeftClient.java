package dev.weft.relay.testing;

import io.socket.client.IO;
import io.socket.client.Socket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;

/**
 * {@link WeftTestClient} over the Java {@code io.socket:socket.io-client} 2.1.2 (WebSocket transport, TCP_NODELAY
 * through an OkHttp client whose socket factory sets it, as {@code docs/protocol.md} "Transport" asks of Java clients).
 */
public final class JavaWeftClient extends WeftTestClient {
    /** The Socket.IO client; immutable. */
    private final Socket socket;
    /** The OkHttp client (closed with us); immutable. */
    private final OkHttpClient http;

    private JavaWeftClient(String url) {
        http = new OkHttpClient.Builder()
                .socketFactory(new NoDelaySocketFactory())
                .readTimeout(0, TimeUnit.MILLISECONDS)
                .build();
        IO.Options o = IO.Options.builder()
                .setTransports(new String[] {"websocket"})
                .setReconnectionDelay(100)
                .setReconnectionDelayMax(1000)
                .build();
        o.webSocketFactory = http;
        o.callFactory = http;
        socket = IO.socket(URI.create(url), o);
        socket.on(Socket.EVENT_CONNECT, a -> connection("connect"));
        socket.on(Socket.EVENT_DISCONNECT, a -> connection("disconnect: " + (a.length > 0 ? a[0] : "")));
        socket.on(Socket.EVENT_CONNECT_ERROR, a -> connection("connect_error: " + (a.length > 0 ? a[0] : "")));
        socket.on("weft", a -> {
            if (a.length == 1 && a[0] instanceof String s) {
                received(s);
            } else {
                events.add(new Event(null, "unexpected weft arguments: " + java.util.Arrays.toString(a), "?"));
            }
        });
    }

    /** Connects and waits for the Socket.IO connection (not the protocol Hello). */
    public static JavaWeftClient connect(String url) {
        JavaWeftClient c = new JavaWeftClient(url);
        c.socket.connect();
        String first = c.awaitConnection(TIMEOUT);
        if (!first.equals("connect")) {
            c.close();
            throw new AssertionError("Java client could not connect to " + url + ": " + first);
        }
        return c;
    }

    /** True while the Socket.IO connection is up. */
    public boolean connected() {
        return socket.connected();
    }

    @Override
    public void emitString(String data) {
        socket.emit("weft", data);
    }

    /** Emits an arbitrary argument (e.g. a JSON object or byte[]) for malformed-input tests. */
    public void emitRaw(Object data) {
        socket.emit("weft", data);
    }

    @Override
    public void disconnect() {
        socket.disconnect();
    }

    @Override
    public void reconnect() {
        socket.connect();
    }

    @Override
    public void close() {
        socket.off();
        socket.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /** Creates sockets with TCP_NODELAY set (OkHttp connects the unconnected socket itself). */
    static final class NoDelaySocketFactory extends SocketFactory {
        private final SocketFactory delegate = SocketFactory.getDefault();

        private static java.net.Socket noDelay(java.net.Socket s) throws IOException {
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public java.net.Socket createSocket() throws IOException {
            return noDelay(delegate.createSocket());
        }

        @Override
        public java.net.Socket createSocket(String host, int port) throws IOException {
            return noDelay(delegate.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(String host, int port, InetAddress localHost, int localPort)
                throws IOException {
            return noDelay(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public java.net.Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(delegate.createSocket(host, port));
        }

        @Override
        public java.net.Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return noDelay(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
