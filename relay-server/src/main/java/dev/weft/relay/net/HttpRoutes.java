package dev.weft.relay.net;

import dev.weft.relay.log.Log;
import dev.weft.relay.metrics.RelayMetrics;
import dev.weft.relay.room.RoomRegistry;
import dev.weft.relay.store.StorageHealth;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Plain HTTP routes on the Socket.IO port. Requests for other paths (e.g. {@code /socket.io/}) pass through to
 * netty-socketio unchanged. Never blocks the event loop: room creation answers when the storage commit completes.
 * Room creation is limited per client address by {@link RoomCreationLimiter}: over it, 429 with Retry-After and
 * nothing created.
 */
@ChannelHandler.Sharable
final class HttpRoutes extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(HttpRoutes.class.getName());

    /** Rooms (for creation); immutable. */
    private final RoomRegistry registry;
    /** Metrics to render; immutable. */
    private final RelayMetrics metrics;
    /** Per-address limit on room creation; immutable reference. */
    private final RoomCreationLimiter roomCreationLimiter;
    /** Whether storage accepts writes, for {@code /healthz}; immutable reference. */
    private final StorageHealth storage;

    HttpRoutes(RoomRegistry registry, RelayMetrics metrics, RoomCreationLimiter roomCreationLimiter,
               StorageHealth storage) {
        this.registry = registry;
        this.metrics = metrics;
        this.roomCreationLimiter = roomCreationLimiter;
        this.storage = storage;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof FullHttpRequest req)) {
            super.channelRead(ctx, msg);
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        switch (path) {
            case "/healthz" -> {
                req.release();
                if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
                    respond(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "application/json",
                            "{\"error\":\"use GET\"}");
                } else {
                    health(ctx, keepAlive);
                }
            }
            case "/metrics" -> {
                req.release();
                if (req.method() != HttpMethod.GET) {
                    respond(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "use GET\n");
                } else {
                    respond(ctx, keepAlive, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                            metrics.render());
                }
            }
            case "/api/rooms" -> {
                HttpMethod method = req.method();
                req.release();
                if (method != HttpMethod.POST) {
                    respond(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "application/json",
                            "{\"error\":\"use POST to create a room\"}");
                    return;
                }
                Optional<RoomCreationLimiter.Refusal> refusal =
                        roomCreationLimiter.admit(peer(ctx), System.nanoTime());
                if (refusal.isPresent()) {
                    tooManyRooms(ctx, keepAlive, refusal.get());
                    return;
                }
                registry.createRoom().whenComplete((created, failure) -> {
                    if (failure != null) {
                        Log.error(LOG, "room.create_failed", failure);
                        respond(ctx, keepAlive, HttpResponseStatus.INTERNAL_SERVER_ERROR, "application/json",
                                "{\"error\":\"storage failed; try again\"}");
                    } else {
                        respond(ctx, keepAlive, HttpResponseStatus.CREATED, "application/json",
                                "{\"room\":\"" + created.room() + "\",\"secret\":\"" + created.secret()
                                        + "\",\"readOnlySecret\":\"" + created.readOnlySecret() + "\"}");
                    }
                });
            }
            default -> super.channelRead(ctx, msg);
        }
    }

    /** 200 {"status":"ok"} while storage accepts writes; 503 with the storage failure's reason while it does not. */
    private void health(ChannelHandlerContext ctx, boolean keepAlive) {
        StorageHealth.Status st = storage.current();
        // Cluster nodes with --redis: the bus state. "down" keeps 200 (the node serves correctly; other nodes'
        // updates reach it by polling), so a load balancer keeps it while monitoring can alert on the field.
        String bus = metrics.clusterNode ? metrics.cluster.busState() : null;
        String busField = bus == null ? "" : ",\"clusterBus\":\"" + bus + "\"";
        if (st.state() == StorageHealth.State.OK) {
            respond(ctx, keepAlive, HttpResponseStatus.OK, "application/json",
                    "{\"status\":\"ok\"" + busField + "}");
        } else {
            respond(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, "application/json",
                    "{\"status\":\"failing\",\"storage\":{\"state\":\"failing\",\"reason\":" + jsonString(st.reason())
                            + ",\"sinceMs\":" + st.sinceMillis() + "}" + busField + "}");
        }
    }

    /** {@code s} as a JSON string literal. */
    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** The client's IP address. @throws IllegalStateException if the channel is not a TCP/IP one */
    private static InetAddress peer(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress();
        }
        throw new IllegalStateException("room creation needs the client's IP address, channel has " + remote);
    }

    /** HTTP 429 (RFC 6585 §4) with Retry-After in whole seconds (RFC 9110 §10.2.3). */
    private static void tooManyRooms(ChannelHandlerContext ctx, boolean keepAlive, RoomCreationLimiter.Refusal r) {
        FullHttpResponse resp = response(HttpResponseStatus.TOO_MANY_REQUESTS, "application/json",
                "{\"error\":\"" + r.reason() + "; retry in " + r.retryAfterSeconds() + " s\"}");
        resp.headers().set(HttpHeaderNames.RETRY_AFTER, r.retryAfterSeconds());
        send(ctx, keepAlive, resp);
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status,
                                String contentType, String body) {
        send(ctx, keepAlive, response(status, contentType, body));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, String body) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        resp.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, resp.content().readableBytes());
        return resp;
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse resp) {
        if (keepAlive) {
            HttpUtil.setKeepAlive(resp, true);
            ctx.writeAndFlush(resp);
        } else {
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
