package dev.weft.relay;

import dev.weft.relay.config.RelayConfig;
import dev.weft.relay.cluster.ClusterSync;
import dev.weft.relay.log.Log;
import dev.weft.relay.metrics.RelayMetrics;
import dev.weft.relay.net.RoomCreationLimiter;
import dev.weft.relay.net.SocketIoTransport;
import dev.weft.relay.room.MessageDispatcher;
import dev.weft.relay.room.RelayContext;
import dev.weft.relay.room.RoomRegistry;
import dev.weft.relay.store.BatchingWriter;
import dev.weft.relay.store.GroupWindow;
import dev.weft.relay.store.PostgresStore;
import dev.weft.relay.store.RelayStore;
import dev.weft.relay.store.SqliteStore;
import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A running relay: storage, group-commit writer, rooms, and the Socket.IO/HTTP transport, started and stopped in
 * dependency order. {@link #stop()} is the graceful shutdown: no new connections, finish queued room work, commit
 * every queued write, close the database.
 */
public final class RelayServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RelayServer.class.getName());

    private final RelayConfig config;
    private final RelayStore store;
    private final BatchingWriter writer;
    private final RelayMetrics metrics = new RelayMetrics();
    private final ExecutorService pool;
    private final ScheduledExecutorService scheduler;
    private final RoomRegistry registry;
    private final RoomCreationLimiter roomCreationLimiter;
    private final SocketIoTransport transport;
    /** The rendezvous UDP port for direct connections, or null ({@code --rendezvous-port -1}). */
    private final dev.weft.relay.rendezvous.UdpReflector rendezvous;
    /** Cluster membership (PostgreSQL store only), else null. */
    private final ClusterSync cluster;
    private boolean stopped;

    private RelayServer(RelayConfig config) {
        this.config = config;
        this.store = config.postgres() ? PostgresStore.open(config.store())
                : SqliteStore.open(config.dataDir(), config.sqliteSynchronous(), config.acceptDataLoss());
        this.cluster = store.assignsSeqs() ? new ClusterSync(metrics.cluster) : null;
        metrics.clusterNode = cluster != null;
        // The group window is for SQLite only: on a cluster node, other nodes' fan-out waits for the commit too.
        this.writer = new BatchingWriter(store, 2000, metrics.commitSeconds::observeNanos,
                cluster != null ? cluster : BatchingWriter.CommitListener.NONE,
                cluster != null ? GroupWindow.NONE
                        : GroupWindow.ofMicros(config.storeGroupWindowMicros(),
                                config.storeGroupWrites()));
        this.pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                daemonThreads("weft-room"));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("weft-timer"));
        dev.weft.relay.rendezvous.UdpReflector udp;
        try {
            udp = config.rendezvousPort() < 0 ? null
                    : dev.weft.relay.rendezvous.UdpReflector.start(config.host(), config.rendezvousPort());
        } catch (RuntimeException e) {
            releaseAfterFailedStart(e);
            throw e;
        }
        this.rendezvous = udp;
        try {
            long agent = new SecureRandom().nextLong() & ((1L << 53) - 1);
            RelayContext ctx = new RelayContext(config, store, writer, metrics, pool, agent, metrics.cluster,
                    rendezvous == null ? -1 : rendezvous.port());
            this.registry = new RoomRegistry(ctx);
            if (cluster != null) {
                cluster.attach(registry, config.redis(), scheduler, config.clusterPollMillis());
            }
            long roomsAtStart = store.roomCount();
            metrics.gauges(registry::loadedRooms, registry::loadedDocuments,
                    () -> roomsAtStart + metrics.roomsCreated.get(), writer::queued);
            this.roomCreationLimiter = new RoomCreationLimiter(config.roomCreateRate(), config.roomCreateBurst(),
                    metrics);
            this.transport = new SocketIoTransport(config, registry, new MessageDispatcher(ctx, registry), metrics,
                    roomCreationLimiter, scheduler, writer.health());
        } catch (RuntimeException e) {
            releaseAfterFailedStart(e);
            throw e;
        }
    }

    /**
     * Opens storage and starts listening. On failure everything already opened (writer thread, database, Netty
     * threads) is released before the exception propagates, so a failed start never leaves a process holding the
     * database.
     *
     * @throws RuntimeException if storage or the port is unavailable (e.g. {@link IllegalStateException} naming the
     *     address when the port is in use)
     */
    public static RelayServer start(RelayConfig config) {
        long t0 = System.nanoTime();
        RelayServer relay = new RelayServer(config);
        try {
            relay.transport.start();
        } catch (RuntimeException e) {
            relay.releaseAfterFailedStart(e);
            throw e;
        }
        long tick = Math.max(100, Math.min(5000, config.awarenessTimeoutMillis() / 4));
        relay.scheduler.scheduleAtFixedRate(relay.registry::expireAwareness, tick, tick, TimeUnit.MILLISECONDS);
        long unloadTick = Math.max(50, Math.min(30_000, config.unloadIdleMillis() / 2));
        relay.scheduler.scheduleAtFixedRate(relay.registry::unloadIdleRooms, unloadTick, unloadTick,
                TimeUnit.MILLISECONDS);
        relay.scheduler.scheduleAtFixedRate(() -> relay.roomCreationLimiter.evictFull(System.nanoTime()),
                RoomCreationLimiter.SWEEP_INTERVAL_SECONDS, RoomCreationLimiter.SWEEP_INTERVAL_SECONDS,
                TimeUnit.SECONDS);
        Log.info(LOG, "relay.started", "url", config.url(), "storage", relay.store.toString(), "startupMs",
                (System.nanoTime() - t0) / 1_000_000);
        return relay;
    }

    /** Stops the threads and closes the database of a relay that failed to start; failures are added to {@code e}. */
    private void releaseAfterFailedStart(RuntimeException e) {
        scheduler.shutdownNow();
        if (rendezvous != null) {
            rendezvous.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        pool.shutdownNow();
        writer.close();
        try {
            store.close();
        } catch (RuntimeException closeFailure) {
            e.addSuppressed(closeFailure);
        }
    }

    /** Graceful shutdown; idempotent. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        long t0 = System.nanoTime();
        transport.stop();
        if (rendezvous != null) {
            rendezvous.close();
        }
        try {
            registry.barrier().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            Log.warn(LOG, "relay.shutdown_rooms_timeout", "error", e.toString());
        }
        scheduler.shutdownNow();
        pool.shutdown();
        writer.close();
        if (cluster != null) {
            cluster.close();
        }
        store.close();
        Log.info(LOG, "relay.stopped", "ms", (System.nanoTime() - t0) / 1_000_000);
    }

    @Override
    public void close() {
        stop();
    }

    /** The configuration this relay runs with. */
    public RelayConfig config() {
        return config;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
