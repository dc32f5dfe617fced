package dev.weft.relay.cluster;

import dev.weft.relay.log.Log;
import dev.weft.relay.metrics.ClusterMetrics;
import dev.weft.relay.room.RoomRegistry;
import dev.weft.relay.store.BatchingWriter;
import dev.weft.relay.store.StoreWrite;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A relay node's part in a cluster (docs/relay.md, "Cluster"). Every node serves every room (no ownership); the
 * durable log in PostgreSQL gives each document's updates one order (seqs assigned in the commit's transaction).
 *
 * <ul>
 *   <li>After each commit ({@link #committed}, writer thread): the seq of each appended update goes to its room
 *       (the replica holds it), and the commit's {@link UpdateNotice}s are published on Redis for the other nodes
 *       as one message.</li>
 *   <li>On a notice from another node: its room integrates the update and forwards it to this node's clients;
 *       a seq that leaves a hole, a notice without its bytes, or a document unknown here is read from the log.</li>
 *   <li>Every {@code --cluster-poll-ms} and after Redis reconnects: each loaded room compares its replicas with
 *       the log's heads and catches up. This covers a lost notice with no later notice to reveal the gap.</li>
 * </ul>
 */
public final class ClusterSync implements BatchingWriter.CommitListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClusterSync.class.getName());

    /** This node's random id (tells its own notices apart); immutable. */
    private final long node = new SecureRandom().nextLong();
    /** Counters; immutable. */
    private final ClusterMetrics metrics;
    /**
     * Redis, or null when running without it or while it has not been reachable since the start (then only polling
     * spreads updates); set once, by {@link #attach} or a later retry.
     */
    private volatile RedisBus bus;
    /** Set by {@link #close()}: no further connection attempts; guarded by {@code this} with {@link #bus}. */
    private volatile boolean closed;
    /** The rooms; set once by {@link #attach}, null before. */
    private volatile RoomRegistry registry;

    public ClusterSync(ClusterMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Starts serving: connects to Redis if {@code redisUrl} is not empty and schedules the store poll.
     *
     * <p>Redis unreachable now does not stop the node (docs/relay.md, "Cluster"): it serves with the bus down
     * ({@code weft_cluster_redis_up 0}, {@code /healthz} field {@code clusterBus: "down"}, WARN
     * {@code cluster.redis_unreachable}), other nodes' updates reach it by the store poll, and it retries the
     * connection every {@value #REDIS_RETRY_MILLIS} ms; once connected it catches up from the log at once.
     * Postcondition: the poll is scheduled; {@link #bus} is set, or a retry is scheduled.
     */
    public void attach(RoomRegistry rooms, String redisUrl, ScheduledExecutorService scheduler, long pollMillis) {
        this.registry = rooms;
        if (!redisUrl.isEmpty()) {
            metrics.redisConfigured = true;
            connectOrRetry(rooms, redisUrl, scheduler, true);
        }
        scheduler.scheduleWithFixedDelay(() -> rooms.pollStore(false), pollMillis, pollMillis, TimeUnit.MILLISECONDS);
        Log.info(LOG, "cluster.node_started", "node", Long.toHexString(node), "redis",
                redisUrl.isEmpty() ? "(none: polling only)" : RedisBus.redacted(redisUrl), "redisUp",
                bus != null, "pollMs", pollMillis);
    }

    /** Delay between attempts to connect to a Redis that was down when the node started. */
    static final long REDIS_RETRY_MILLIS = 1000;

    /** One attempt to connect the bus; on failure schedules the next (until {@link #close()}). */
    private void connectOrRetry(RoomRegistry rooms, String redisUrl, ScheduledExecutorService scheduler,
                                boolean first) {
        if (closed) {
            return;
        }
        try {
            RedisBus b = RedisBus.connect(redisUrl, metrics, node, this::onNotice, () -> rooms.pollStore(true));
            synchronized (this) {
                if (closed) {
                    b.close();
                    return;
                }
                bus = b;
            }
            if (!first) {
                Log.warn(LOG, "cluster.redis_connected", "redis", RedisBus.redacted(redisUrl), "attempts",
                        metrics.redisConnectFailures.get() + 1, "hint", "catching up from the durable log");
                rooms.pollStore(true); // what was announced while we were not subscribed
            }
        } catch (ClusterException e) {
            long failures = metrics.redisConnectFailures.incrementAndGet();
            metrics.redisUp.set(0);
            if (failures == 1 || failures % 60 == 0) {
                Log.warn(LOG, "cluster.redis_unreachable", "reason", e.getMessage(), "failures", failures, "hint",
                        "serving without the cluster bus: other nodes' updates arrive by polling PostgreSQL"
                                + " (--cluster-poll-ms); retrying every " + REDIS_RETRY_MILLIS + " ms");
            }
            try {
                scheduler.schedule(() -> connectOrRetry(rooms, redisUrl, scheduler, false), REDIS_RETRY_MILLIS,
                        TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                // the node is stopping
            }
        }
    }

    @Override
    public void committed(List<StoreWrite> writes, long[] seqs) {
        RoomRegistry rooms = registry;
        RedisBus b = bus;
        List<UpdateNotice> notices = new ArrayList<>(seqs.length);
        for (int i = 0; i < seqs.length; i++) {
            if (writes.get(i) instanceof StoreWrite.AppendUpdate a) {
                if (rooms != null) {
                    rooms.committedHere(a.room(), a.doc(), seqs[i]);
                }
                notices.add(new UpdateNotice(node, a.room(), a.doc(), seqs[i], a.update()));
            }
        }
        if (b != null && !notices.isEmpty()) {
            b.publish(node, notices);
        }
    }

    private void onNotice(UpdateNotice n) {
        RoomRegistry rooms = registry;
        if (n.node() != node && rooms != null) {
            rooms.remoteUpdate(n.room(), n.doc(), n.seq(), n.update());
        }
    }

    @Override
    public void close() {
        RedisBus b;
        synchronized (this) {
            closed = true;
            b = bus;
        }
        if (b != null) {
            b.close();
        }
    }
}
