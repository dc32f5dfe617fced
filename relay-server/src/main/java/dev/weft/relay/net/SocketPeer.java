package dev.weft.relay.net;

import com.corundumstudio.socketio.SocketIOClient;
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

    SocketPeer(SocketIOClient client, RelayMetrics metrics, ScheduledExecutorService scheduler) {
        this.client = client;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.description = client.getSessionId() + "@" + client.getRemoteAddress();
    }

    @Override
    public void send(Outgoing message) {
        if (!client.isChannelOpen()) {
            return;
        }
        metrics.messagesOut.incrementAndGet();
        metrics.bytesOut.addAndGet(message.bytes());
        client.sendEvent("weft", message.base64());
    }

    @Override
    public void close() {
        scheduler.schedule(() -> client.disconnect(), CLOSE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public String describe() {
        return description;
    }
}
