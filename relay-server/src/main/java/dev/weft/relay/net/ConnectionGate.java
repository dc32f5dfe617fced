package dev.weft.relay.net;

import com.corundumstudio.socketio.handler.ClientHead;
import dev.weft.relay.log.Log;
import dev.weft.relay.room.Session;
import dev.weft.sync.ErrorCode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * First handler of every TCP connection: caps concurrent connections per client address and closes connections
 * that do not authenticate in time. Thread-safe (shared by all channels).
 *
 * <ul>
 *   <li><b>Per-address cap.</b> A connection that would be the {@code maxPerAddress + 1}-th open one from its address
 *       (IPv4 address, or IPv6 /64 prefix as for room creation) is closed at once, before any byte is read; WARN
 *       {@code connection.refused_per_address} (rate-limited per address). Plain HTTP (healthz, metrics, room
 *       creation) counts too: it is a connection like any other.</li>
 *   <li><b>Authentication timeout.</b> {@code authTimeoutMillis} after it opened, a connection must carry a
 *       Socket.IO session whose {@code Hello} was received. A Socket.IO session still without Hello gets
 *       {@code Error(AUTH_TIMEOUT)} and is closed; any other connection (raw TCP, an idle HTTP keep-alive, a
 *       stalled handshake) is closed.</li>
 * </ul>
 */
@ChannelHandler.Sharable
final class ConnectionGate extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(ConnectionGate.class.getName());
    /** The key a channel was counted under; absent if it was refused (so it is not uncounted). */
    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("weft.countedAddress");

    /** Most open connections per key; immutable. */
    private final int maxPerAddress;
    /** Time allowed to send Hello; immutable. */
    private final long authTimeoutMillis;
    /** Finds the relay session of a Socket.IO client (null if none yet); immutable. */
    private final Function<ClientHead, Session> sessionOf;
    /** Open connections per key (entries removed at zero). */
    private final ConcurrentMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

    ConnectionGate(int maxPerAddress, long authTimeoutMillis, Function<ClientHead, Session> sessionOf) {
        this.maxPerAddress = maxPerAddress;
        this.authTimeoutMillis = authTimeoutMillis;
        this.sessionOf = sessionOf;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        Channel ch = ctx.channel();
        if (ch.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null) {
            InetAddress key = RoomCreationLimiter.key(inet.getAddress());
            boolean[] admitted = {false};
            open.compute(key, (k, n) -> {
                int now = n == null ? 0 : n;
                if (now >= maxPerAddress) {
                    return n;
                }
                admitted[0] = true;
                return now + 1;
            });
            if (!admitted[0]) {
                Log.warnLimited(LOG, "connection.refused_per_address", key.getHostAddress(), "address",
                        key.getHostAddress(), "max", maxPerAddress);
                ch.close();
                return;
            }
            ch.attr(COUNTED).set(key);
        }
        ctx.executor().schedule(() -> checkAuthenticated(ch), authTimeoutMillis, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        InetAddress key = ctx.channel().attr(COUNTED).getAndSet(null);
        if (key != null) {
            open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        }
        super.channelInactive(ctx);
    }

    private void checkAuthenticated(Channel ch) {
        if (!ch.isActive()) {
            return;
        }
        ClientHead head = ch.attr(ClientHead.CLIENT).get();
        Session s = head == null ? null : sessionOf.apply(head);
        if (s != null && s.state() != Session.JoinState.NEW) {
            return; // Hello received (joined, joining, or already being closed)
        }
        Log.debug(LOG, "connection.auth_timeout", "remote", String.valueOf(ch.remoteAddress()), "socketio",
                s != null);
        if (s != null) {
            s.sendError(ErrorCode.AUTH_TIMEOUT, "no Hello within " + authTimeoutMillis + " ms of connecting", "");
        } else {
            ch.close();
        }
    }

    /** Open connections counted for {@code address}'s key (for tests and metrics). */
    int openFrom(InetAddress address) {
        return open.getOrDefault(RoomCreationLimiter.key(address), 0);
    }
}
