package dev.weft.client.direct;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * QUIC (Netty's native QUIC codec, quiche) on an already punched UDP socket: one bidirectional stream per direct
 * link. QUIC gives the reliable, ordered, congestion-controlled stream; its TLS certificate is a throwaway
 * self-signed one that is not checked, because members authenticate each other inside the stream with the room's
 * keys ({@link dev.weft.client.lan.secure.SecureChannel}), which also encrypt every frame end to end.
 */
final class QuicTransport {
    /** ALPN of the direct path. */
    static final String ALPN = "weft-direct/1";
    /** A link that hears nothing (the peer pings every second) for this long is dead. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(4);
    private static final long WINDOW = 16L << 20;

    /** One event-loop thread serves every direct link of the process. */
    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, r -> {
        Thread t = new Thread(r, "weft-direct-quic");
        t.setDaemon(true);
        return t;
    }, NioIoHandler.newFactory());
    private static QuicSslContext serverSsl;
    private static final QuicSslContext CLIENT_SSL = QuicSslContextBuilder.forClient()
            .trustManager(InsecureTrustManagerFactory.INSTANCE).applicationProtocols(ALPN).build();

    private QuicTransport() {
    }

    private static synchronized QuicSslContext serverSsl() throws IOException {
        if (serverSsl == null) {
            try {
                SelfSignedCertificate cert = new SelfSignedCertificate("weft-direct");
                serverSsl = QuicSslContextBuilder.forServer(cert.key(), null, cert.cert())
                        .applicationProtocols(ALPN).build();
            } catch (CertificateException e) {
                throw new IOException("cannot make the throwaway QUIC certificate: " + e.getMessage(), e);
            }
        }
        return serverSsl;
    }

    /** Makes the server certificate now (the first one runs keytool, which can take seconds). */
    static void warmUp() throws IOException {
        serverSsl();
    }

    /** Opens the stream as the QUIC client on {@code socket} towards {@code peer}. */
    static StreamIo connect(DatagramChannel socket, InetSocketAddress peer, Duration timeout) throws IOException {
        ChannelHandler codec = new QuicClientCodecBuilder().sslContext(CLIENT_SSL)
                .maxIdleTimeout(IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(WINDOW).initialMaxStreamDataBidirectionalLocal(WINDOW)
                .initialMaxStreamDataBidirectionalRemote(WINDOW).initialMaxStreamsBidirectional(4).build();
        Channel udp = register(socket, codec);
        StreamIo io = new StreamIo();
        return opening(udp, io, "opening the QUIC connection to " + peer, () -> {
            QuicChannel quic = QuicChannel.newBootstrap(udp).handler(new ChannelInboundHandlerAdapter())
                    .streamHandler(new ChannelInboundHandlerAdapter()).remoteAddress(peer)
                    .connect().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            io.closeAlso(() -> {
                quic.close();
                udp.close();
            });
            quic.createStream(QuicStreamType.BIDIRECTIONAL, io).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    /** Accepts the stream as the QUIC server on {@code socket} (the first stream of the first connection). */
    static StreamIo accept(DatagramChannel socket, Duration timeout) throws IOException {
        StreamIo io = new StreamIo();
        CompletableFuture<Void> opened = new CompletableFuture<>();
        AtomicBoolean taken = new AtomicBoolean();
        Channel[] udpRef = new Channel[1];
        ChannelHandler codec = new QuicServerCodecBuilder().sslContext(serverSsl())
                .maxIdleTimeout(IDLE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(WINDOW).initialMaxStreamDataBidirectionalLocal(WINDOW)
                .initialMaxStreamDataBidirectionalRemote(WINDOW).initialMaxStreamsBidirectional(4)
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .handler(new ChannelInboundHandlerAdapter())
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        if (!taken.compareAndSet(false, true)) {
                            ch.close();
                            return;
                        }
                        QuicChannel quic = ch.parent();
                        io.closeAlso(() -> {
                            quic.close();
                            if (udpRef[0] != null) {
                                udpRef[0].close();
                            }
                        });
                        ch.pipeline().addLast(io);
                        opened.complete(null);
                    }
                }).build();
        Channel udp = register(socket, codec);
        udpRef[0] = udp;
        return opening(udp, io, "accepting a QUIC connection from the peer (" + timeout.toMillis() + " ms)",
                () -> opened.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** The waits that open a QUIC stream. */
    private interface Opening {
        void run() throws InterruptedException, ExecutionException, TimeoutException;
    }

    /**
     * Runs {@code open} and returns {@code io}; if it fails, interrupted or timed out, closes {@code udp} and
     * {@code io} and throws.
     *
     * @throws IOException naming {@code what} ({@link java.io.InterruptedIOException} if interrupted)
     */
    private static StreamIo opening(Channel udp, StreamIo io, String what, Opening open) throws IOException {
        try {
            open.run();
            return io;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            udp.close();
            io.close();
            throw new java.io.InterruptedIOException("interrupted " + what);
        } catch (ExecutionException | TimeoutException e) {
            udp.close();
            io.close();
            throw new IOException(what + " failed: " + e, e);
        }
    }

    private static Channel register(DatagramChannel socket, ChannelHandler codec) throws IOException {
        NioDatagramChannel ch = new NioDatagramChannel(socket);
        ch.pipeline().addLast(codec);
        try {
            GROUP.register(ch).sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted registering the UDP socket");
        }
        return ch;
    }
}
