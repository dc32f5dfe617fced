package dev.weft.relay.net;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.listener.ExceptionListenerAdapter;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.transport.NamespaceClient;
import dev.weft.relay.config.RelayConfig;
import dev.weft.relay.log.Log;
import dev.weft.relay.log.LogText;
import dev.weft.sync.WireLimits;
import dev.weft.relay.metrics.RelayMetrics;
import dev.weft.relay.room.MessageDispatcher;
import dev.weft.relay.room.RoomRegistry;
import dev.weft.relay.room.Session;
import dev.weft.relay.room.TokenBucket;
import dev.weft.relay.store.StorageHealth;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.epoll.Epoll;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Logger;

/**
 * The Socket.IO server (netty-socketio, protocol v4) with the HTTP routes in the same Netty pipeline. Event
 * listeners run on Netty event-loop threads and only hand messages to the {@link MessageDispatcher}.
 */
public final class SocketIoTransport {
    private static final Logger LOG = Logger.getLogger(SocketIoTransport.class.getName());
    private static final String SESSION_KEY = "weft.session";
    static final String EVENT = "weft";

    /** The netty-socketio server; immutable. */
    private final SocketIOServer server;
    /** {@code host:port} to listen on, for error messages; immutable. */
    private final String address;

    public SocketIoTransport(RelayConfig config, RoomRegistry registry, MessageDispatcher dispatcher,
                             RelayMetrics metrics, RoomCreationLimiter roomCreationLimiter,
                             ScheduledExecutorService scheduler, StorageHealth storage) {
        this.address = config.host() + ":" + config.port();
        Configuration c = new Configuration();
        c.setHostname(config.host());
        c.setPort(config.port());
        // WebSocket only: netty-socketio 2.0.14's long-polling transport loses messages sent from threads other
        // than the channel's event loop (measured: 2-5% of polling-only Node clients never got their Welcome;
        // see relay-server/README.md). Clients connect with transports: ["websocket"].
        c.setTransports(Transport.WEBSOCKET);
        // 0: one loop per available processor (Netty's own default is twice that); --event-loops, docs/relay.md
        // "Settings".
        c.setWorkerThreads(config.eventLoops() > 0 ? config.eventLoops() : Runtime.getRuntime().availableProcessors());
        // Frames up to twice the base64 size of the largest message: a client over the limit gets a
        // MESSAGE_TOO_LARGE error from the dispatcher; only frames over twice the limit drop the connection (Netty
        // closes the websocket with 1009 "message too big"). Jackson must parse whatever Netty accepts.
        int frameLimit = frameLimit(config.maxMessageBytes());
        c.setMaxFramePayloadLength(frameLimit);
        c.setMaxHttpContentLength(frameLimit);
        c.setJsonSupport(new BoundedJsonSupport(frameLimit));
        if (config.tls()) {
            try {
                // netty-socketio reads the stream when the server starts; the bytes are kept in memory.
                c.setKeyStore(new java.io.ByteArrayInputStream(java.nio.file.Files.readAllBytes(
                        java.nio.file.Path.of(config.tlsKeystore()))));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot read --tls-keystore " + config.tlsKeystore() + ": " + e, e);
            }
            c.setKeyStorePassword(config.tlsKeystorePassword());
            c.setKeyStoreFormat("PKCS12");
        }
        // Native epoll when Netty's Linux library loads (netty-transport-native-epoll, relay-server/README.md);
        // elsewhere, or with -Dio.netty.transport.noNative=true, the JDK's NIO selector. One log line says which.
        boolean epoll = Epoll.isAvailable();
        c.setUseLinuxNativeEpoll(epoll);
        String leaks = io.netty.util.ResourceLeakDetector.getLevel().name().toLowerCase(java.util.Locale.ROOT);
        if (epoll) {
            Log.info(LOG, "transport.io", "io", "epoll", "leakDetection", leaks);
        } else {
            Log.info(LOG, "transport.io", "io", "nio", "leakDetection", leaks, "epollUnavailable",
                    LogText.untrusted(Epoll.unavailabilityCause()));
        }
        // One listening socket: one acceptor thread does all the boss group's work (its default is 2 x cores).
        c.setBossThreads(1);
        SocketConfig socket = new SocketConfig();
        socket.setTcpNoDelay(true);
        socket.setReuseAddress(true);
        c.setSocketConfig(socket);
        c.setExceptionListener(new ExceptionListenerAdapter() {
            @Override
            public void onEventException(Exception e, List<Object> args, SocketIOClient client) {
                Log.error(LOG, "socketio.event_failed", e, "session", client.getSessionId());
            }

            @Override
            public void onAuthException(Throwable e, SocketIOClient client) {
                Log.warnLimited(LOG, "socketio.auth_error", host(client.getRemoteAddress()), "session",
                        client.getSessionId(), "error", LogText.untrusted(e));
            }

            @Override
            public boolean exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
                // Typically an undecodable packet: the error may quote the client's bytes (secrets included), so it
                // is redacted, bounded and rate-limited per address; the packet itself is never logged.
                Log.warnLimited(LOG, "socketio.channel_error", host(ctx.channel().remoteAddress()), "remote",
                        String.valueOf(ctx.channel().remoteAddress()), "error", LogText.untrusted(e));
                ctx.close();
                return true;
            }
        });
        server = new SocketIOServer(c);
        HttpRoutes routes = new HttpRoutes(registry, metrics, roomCreationLimiter, storage);
        SocketIoFrames frames = new SocketIoFrames();
        EventFrameFastPath fastPath = new EventFrameFastPath(dispatcher, metrics);
        OversizedMessageGuard oversized = new OversizedMessageGuard(frameLimit);
        ConnectionGate gate = new ConnectionGate(config.maxConnectionsPerAddress(), config.authTimeoutMillis(),
                head -> head.getStore().get(SESSION_KEY));
        server.setPipelineFactory(new SocketIOChannelInitializer() {
            @Override
            protected void addSocketioHandlers(ChannelPipeline pipeline) {
                super.addSocketioHandlers(pipeline);
                // netty-socketio's permessage-deflate handler inflates without bound (maxAllocation 0), and the
                // frame limit applies to the compressed bytes: a frame under it could inflate to gigabytes before
                // any size check. The same handler, bounded to the frame limit; a frame that inflates beyond it
                // closes the connection, as an uncompressed frame over the limit does.
                if (pipeline.get(WEB_SOCKET_TRANSPORT_COMPRESSION) != null) {
                    pipeline.replace(WEB_SOCKET_TRANSPORT_COMPRESSION, WEB_SOCKET_TRANSPORT_COMPRESSION,
                            new WebSocketServerCompressionHandler(frameLimit));
                }
                pipeline.addAfter(HTTP_ENCODER, "weftHttpRoutes", routes);
                pipeline.addFirst("weftConnectionGate", gate);
                pipeline.addAfter("weftConnectionGate", "weftSocketIoFrames", frames);
                // Before netty-socketio's websocket transport, after the permessage-deflate decoder (added next to
                // its compression handler) and before the frame aggregator (added in front of the transport).
                pipeline.addBefore(WEB_SOCKET_TRANSPORT, "weftEventFastPath", fastPath);
                // Last: an over-limit message sent in fragments ends the connection with 1009, as one frame does.
                pipeline.addLast("weftOversizedMessageGuard", oversized);
            }
        });
        server.addConnectListener(client -> {
            Channel channel = client.getTransport() == Transport.WEBSOCKET
                    ? frames.channelOf(client.getRemoteAddress()) : null;
            Session s = new Session(new SocketPeer(client, channel, metrics, scheduler, config.slowClientMillis()),
                    new TokenBucket(config.updateRate(), config.updateBurst(), System.nanoTime()), metrics);
            client.set(SESSION_KEY, s);
            if (channel != null && client instanceof NamespaceClient nc
                    && Namespace.DEFAULT_NAME.equals(nc.getNamespace().getName())) {
                EventFrameFastPath.bind(channel, s, nc.getBaseClient());
            }
            metrics.connections.incrementAndGet();
            metrics.connectionsTotal.incrementAndGet();
            Log.debug(LOG, "connection.opened", "session", s.describe(), "transport", client.getTransport());
        });
        server.addDisconnectListener(client -> {
            Session s = client.get(SESSION_KEY);
            if (s != null) {
                Channel channel = frames.channelOf(client.getRemoteAddress());
                if (channel != null) {
                    EventFrameFastPath.unbind(channel, s);
                }
                metrics.connections.decrementAndGet();
                dispatcher.onDisconnect(s);
                Log.debug(LOG, "connection.closed", "session", s.describe());
            }
        });
        server.addEventListener(EVENT, Object.class, (client, data, ackRequest) -> {
            Session s = client.get(SESSION_KEY);
            if (s != null) {
                dispatcher.onMessage(s, data);
            }
        });
    }

    /** Largest websocket frame accepted, in characters: twice the base64 text of the largest message, plus slack. */
    static int frameLimit(int maxMessageBytes) {
        return (int) Math.min(Integer.MAX_VALUE - 1024, 2 * WireLimits.base64Chars(maxMessageBytes) + 65536);
    }

    /** The host part of a socket address, for per-address log limits. */
    static String host(java.net.SocketAddress a) {
        return a instanceof java.net.InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(a);
    }

    /**
     * Binds the port; returns once listening. On failure the Netty threads are stopped before throwing, so nothing
     * of the transport keeps the process alive.
     *
     * @throws IllegalStateException naming the address if the port cannot be bound (e.g. it is in use)
     */
    public void start() {
        try {
            server.startAsync().syncUninterruptibly();
        } catch (Exception e) { // Netty rethrows the checked BindException undeclared: RuntimeException misses it
            try {
                server.stop();
            } catch (RuntimeException stopFailure) {
                e.addSuppressed(stopFailure);
            }
            throw new IllegalStateException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    /** Closes every connection and the listening socket. */
    public void stop() {
        server.stop();
    }
}
