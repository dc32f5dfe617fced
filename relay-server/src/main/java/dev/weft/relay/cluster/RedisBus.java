package dev.weft.relay.cluster;

import dev.weft.relay.log.Log;
import dev.weft.relay.metrics.ClusterMetrics;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Redis pub/sub between relay nodes (Lettuce): one connection publishes batches of {@link UpdateNotice}s (one
 * message per commit) on channel {@value #CHANNEL}, another is subscribed to it. Pub/sub is fire-and-forget: a message published while a node is
 * disconnected never reaches it. That is acceptable here because Redis only carries hints: every update is in
 * PostgreSQL first, and a node notices what it missed by seq ({@link ClusterSync}). Lettuce reconnects and
 * resubscribes by itself; each reconnection is reported to {@code onReconnected} so the node catches up at once.
 *
 * <p>Publishing never blocks the caller (the storage writer thread): while disconnected, publishes are refused at
 * once (not buffered) and counted as failures.
 */
public final class RedisBus implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RedisBus.class.getName());
    /** The channel every node publishes on and subscribes to. */
    public static final String CHANNEL = "weft:updates";
    private static final byte[] CHANNEL_BYTES = CHANNEL.getBytes(StandardCharsets.US_ASCII);

    /** The Lettuce client (threads, reconnection); immutable. */
    private final RedisClient client;
    /** Lettuce's threads and timers; immutable. */
    private final ClientResources resources;
    /** Connection used to publish; immutable. */
    private final StatefulRedisConnection<byte[], byte[]> pub;
    /** Subscribed connection; immutable. */
    private final StatefulRedisPubSubConnection<byte[], byte[]> sub;
    /** Counters; immutable. */
    private final ClusterMetrics metrics;
    /** True while the subscribed connection is up. */
    private final AtomicBoolean subscribed = new AtomicBoolean(true);

    private RedisBus(RedisClient client, ClientResources resources, StatefulRedisConnection<byte[], byte[]> pub,
                     StatefulRedisPubSubConnection<byte[], byte[]> sub, ClusterMetrics metrics) {
        this.client = client;
        this.resources = resources;
        this.pub = pub;
        this.sub = sub;
        this.metrics = metrics;
    }

    /**
     * Connects and subscribes. {@code onNotice} runs on a Lettuce thread for each notice of another node than
     * {@code ownNode} (it must not block); this node's own messages are counted, not decoded. {@code onReconnected}
     * runs after the subscription came back from a disconnection.
     *
     * @throws ClusterException if Redis cannot be reached now
     */
    public static RedisBus connect(String url, ClusterMetrics metrics, long ownNode, Consumer<UpdateNotice> onNotice,
                                   Runnable onReconnected) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(Duration.ofSeconds(5));
        // Reconnect attempts every 500 ms (Lettuce's default backs off to 30 s: too long to stay on polling alone).
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.constant(Duration.ofMillis(500))).ioThreadPoolSize(2)
                .computationThreadPoolSize(2).build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        try {
            StatefulRedisConnection<byte[], byte[]> pub = client.connect(ByteArrayCodec.INSTANCE);
            StatefulRedisPubSubConnection<byte[], byte[]> sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
            RedisBus bus = new RedisBus(client, resources, pub, sub, metrics);
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] channel, byte[] message) {
                    List<UpdateNotice> notices;
                    try {
                        if (UpdateNotice.nodeOf(message) == ownNode) {
                            metrics.received.addAndGet(UpdateNotice.countOf(message));
                            return;
                        }
                        notices = UpdateNotice.decodeBatch(message);
                    } catch (UpdateNotice.MalformedNoticeException e) {
                        metrics.malformed.incrementAndGet();
                        Log.warn(LOG, "cluster.malformed_notice", "reason", e.getMessage());
                        return;
                    }
                    metrics.received.addAndGet(notices.size());
                    for (UpdateNotice n : notices) {
                        onNotice.accept(n);
                    }
                }
            });
            client.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                    if (connection == sub && bus.subscribed.compareAndSet(false, true)) {
                        metrics.redisUp.set(1);
                        Log.warn(LOG, "cluster.redis_reconnected", "address", String.valueOf(address));
                        onReconnected.run();
                    }
                }

                @Override
                public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                    if (connection == sub && bus.subscribed.compareAndSet(true, false)) {
                        metrics.redisUp.set(0);
                        metrics.disconnects.incrementAndGet();
                        Log.warn(LOG, "cluster.redis_disconnected", "hint",
                                "updates from other nodes arrive by polling PostgreSQL until Redis is back");
                    }
                }
            });
            sub.sync().subscribe(CHANNEL_BYTES);
            metrics.redisUp.set(1);
            return bus;
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown();
            throw new ClusterException("cannot connect to Redis " + redacted(url) + ": " + e.getMessage(), e);
        }
    }

    /** {@code redis://user:pw@host:port} → {@code redis://host:port}. */
    static String redacted(String url) {
        int at = url.lastIndexOf('@');
        return at < 0 ? url : "redis://" + url.substring(at + 1);
    }

    /**
     * Publishes {@code notices} (one node's, e.g. one commit's) asynchronously as one message, or a few when large
     * ({@link UpdateNotice#encodeBatch}); a failure is counted per notice and logged (rate-limited), never thrown.
     */
    public void publish(long node, List<UpdateNotice> notices) {
        for (byte[] message : UpdateNotice.encodeBatch(node, notices)) {
            int count = UpdateNotice.countOf(message);
            try {
                pub.async().publish(CHANNEL_BYTES, message).whenComplete((receivers, failure) -> {
                    if (failure == null) {
                        metrics.published.addAndGet(count);
                    } else {
                        publishFailed(failure, count);
                    }
                });
            } catch (RuntimeException e) {
                publishFailed(e, count);
            }
        }
    }

    private void publishFailed(Throwable failure, int count) {
        if (metrics.publishFailures.getAndAdd(count) % 100 < count) {
            Log.warn(LOG, "cluster.publish_failed", "failures", metrics.publishFailures.get(), "reason",
                    String.valueOf(failure.getMessage()), "hint", "other nodes catch up from PostgreSQL");
        }
    }

    @Override
    public void close() {
        try {
            sub.close();
            pub.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown();
        }
    }
}
