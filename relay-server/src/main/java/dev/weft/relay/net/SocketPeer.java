package dev.weft.relay.net;

import com.corundumstudio.socketio.SocketIOClient;
import io.netty.channel.Channel;
import com.corundumstudio.socketio.transport.NamespaceClient;
import dev.weft.relay.log.Log;
import java.util.logging.Logger;
import dev.weft.relay.metrics.RelayMetrics;
import dev.weft.relay.room.Outgoing;
import dev.weft.relay.room.Peer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** {@link Peer} over a netty-socketio client: event "weft" with one base64 string argument. */
final class SocketPeer implements Peer {
    /** Delay between a fatal error and closing, so the error is flushed before the close. */
    private static final long CLOSE_DELAY_MILLIS = 200;

    /** The Socket.IO connection; immutable. */
    private final SocketIOClient client;
    /** Counters; immutable. */
    private final RelayMetrics metrics;
    /** Runs delayed closes; immutable. */
    private final ScheduledExecutorService scheduler;
    /** Session id and remote address, for logs; immutable. */
    private final String description;
    /** How long the connection may stay unwritable (client not reading) before it is closed; immutable. */
    private final long slowClientNanos;
    /** When the connection was first seen unwritable in the current stretch (0 = writable); senders race benignly. */
    private volatile long unwritableSinceNanos;
    /** Set once the connection was closed for being slow. */
    private volatile boolean droppedAsSlow;
    private static final Logger LOG = Logger.getLogger(SocketPeer.class.getName());

    /**
     * The client's WebSocket channel, written directly with frames encoded once per message
     * ({@link SocketIoFrames}); null if it was not found (then netty-socketio's {@code sendEvent} is used); immutable.
     */
    private final Channel channel;

    SocketPeer(SocketIOClient client, Channel channel, RelayMetrics metrics, ScheduledExecutorService scheduler,
               long slowClientMillis) {
        this.client = client;
        this.channel = channel;
        this.slowClientNanos = TimeUnit.MILLISECONDS.toNanos(slowClientMillis);
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.description = client.getSessionId() + "@" + client.getRemoteAddress();
    }

    @Override
    public void send(Outgoing message) {
        // With the WebSocket channel known, ask it directly: netty-socketio's isChannelOpen walks the client's
        // transports (WebSocket is the only one enabled, so the answer is the same) on every send to every recipient.
        if (!(channel != null ? channel.isActive() : client.isChannelOpen()) || droppedAsSlow || tooSlow()) {
            return;
        }
        metrics.messagesOut.incrementAndGet();
        metrics.bytesOut.addAndGet(message.bytes());
        byte[] frame = channel == null ? null : message.frame(SocketIoFrames::event);
        if (frame != null && frame.length > 0) {
            SocketIoFrames.write(channel, frame);
        } else {
            client.sendEvent("weft", message.base64());
        }
    }

    /**
     * A client that stops reading makes Netty buffer everything sent to it without bound. Once its connection has
     * been unwritable (over Netty's high-water mark) for the slow-client limit, close it: dropping single messages
     * would break its update stream, while a reconnect resyncs it by version vector.
     */
    private boolean tooSlow() {
        boolean writable = channel != null ? channel.isWritable()
                : !(client instanceof NamespaceClient nc) || nc.getBaseClient().isWritable();
        if (writable) {
            unwritableSinceNanos = 0;
            return false;
        }
        long now = System.nanoTime();
        long since = unwritableSinceNanos;
        if (since == 0) {
            unwritableSinceNanos = now;
            return false;
        }
        if (now - since < slowClientNanos) {
            return false;
        }
        droppedAsSlow = true;
        Log.warn(LOG, "connection.slow_closed", "session", description, "unwritableMs",
                TimeUnit.NANOSECONDS.toMillis(now - since));
        client.disconnect();
        return true;
    }

    @Override
    public void close() {
        scheduler.schedule(() -> client.disconnect(), CLOSE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public String address() {
        return client.getRemoteAddress() instanceof java.net.InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(client.getRemoteAddress());
    }
}
