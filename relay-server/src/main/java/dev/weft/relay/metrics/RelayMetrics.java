package dev.weft.relay.metrics;

import static dev.weft.relay.metrics.Exposition.counter;
import static dev.weft.relay.metrics.Exposition.gauge;
import static dev.weft.relay.metrics.Exposition.header;
import static dev.weft.relay.metrics.Exposition.histogram;

import dev.weft.sync.ErrorCode;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The relay's metrics: counters updated from any thread, gauges read on demand, rendered as Prometheus text
 * (version 0.0.4). Rates ("updates/s") are derived by Prometheus with {@code rate(weft_updates_total[1m])}.
 */
public final class RelayMetrics {
    /** Socket.IO connections open now. */
    public final AtomicLong connections = new AtomicLong();
    /** Connections accepted since start. */
    public final AtomicLong connectionsTotal = new AtomicLong();
    /** Updates accepted (applied and queued for storage). */
    public final AtomicLong updatesTotal = new AtomicLong();
    /** Updates acknowledged as durable. */
    public final AtomicLong acksTotal = new AtomicLong();
    /** Updates handed to another member's connection (one per receiver). */
    public final java.util.concurrent.atomic.LongAdder updatesForwarded = new java.util.concurrent.atomic.LongAdder();
    /** Receivers left out of a fan-out because the sender delivered the update over their direct link. */
    public final java.util.concurrent.atomic.LongAdder updatesDeliveredDirect =
            new java.util.concurrent.atomic.LongAdder();
    /** Messages received / sent on event "weft". */
    public final AtomicLong messagesIn = new AtomicLong();
    public final AtomicLong messagesOut = new AtomicLong();
    /** Of {@link #messagesIn}: frames taken by the relay's own event decoder instead of netty-socketio's. */
    public final java.util.concurrent.atomic.LongAdder messagesInFastPath = new java.util.concurrent.atomic.LongAdder();
    /** Decoded message bytes received / sent (before base64). */
    public final AtomicLong bytesIn = new AtomicLong();
    public final AtomicLong bytesOut = new AtomicLong();
    /** Rooms created through the HTTP API. */
    public final AtomicLong roomsCreated = new AtomicLong();
    /** {@code POST /api/rooms} requests refused by the per-address limit (HTTP 429). */
    public final AtomicLong roomCreateRejected = new AtomicLong();
    /** Snapshots written by compaction. */
    public final AtomicLong compactions = new AtomicLong();
    /** Storage commit duration (one batch). */
    public final Histogram commitSeconds = new Histogram(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25,
            0.5, 1, 2.5);
    /** Time from receiving an update to sending its ack. */
    public final Histogram ackSeconds = new Histogram(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5,
            1, 2.5);
    /**
     * Time from receiving an update (its frame decoded on the event loop) to handing its forwards to the other
     * subscribers' connections: the room queue wait plus integration. Network and client time are not included.
     */
    public final Histogram forwardSeconds = new Histogram(0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
            0.05, 0.1, 0.25, 0.5, 1);
    /** Document replicas in memory now (a room keeps at most --max-loaded-docs-per-room, see docs/relay.md). */
    public final AtomicLong replicas = new AtomicLong();
    /** Highest {@link #replicas} since start. */
    public final AtomicLong replicasPeak = new AtomicLong();
    /** Replicas loaded from storage on demand after an eviction (or first use), and replicas evicted. */
    public final AtomicLong replicaLoads = new AtomicLong();
    public final AtomicLong replicaEvictions = new AtomicLong();
    /** Cluster counters (rendered only on a cluster node: {@link #clusterNode}). */
    public final ClusterMetrics cluster = new ClusterMetrics();
    /** True on a cluster node (PostgreSQL store); set once at startup. */
    public volatile boolean clusterNode;
    /** Errors sent to clients, by code. */
    private final Map<ErrorCode, AtomicLong> errors = new EnumMap<>(ErrorCode.class);

    /** Gauges read when rendering; set once at startup. */
    private volatile LongSupplier loadedRooms = () -> 0;
    private volatile LongSupplier loadedDocuments = () -> 0;
    private volatile LongSupplier storedRooms = () -> 0;
    private volatile LongSupplier storageQueue = () -> 0;

    public RelayMetrics() {
        for (ErrorCode c : ErrorCode.values()) {
            errors.put(c, new AtomicLong());
        }
    }

    /** Installs the gauges read at render time. */
    public void gauges(LongSupplier loadedRooms, LongSupplier loadedDocuments, LongSupplier storedRooms,
                       LongSupplier storageQueue) {
        this.loadedRooms = loadedRooms;
        this.loadedDocuments = loadedDocuments;
        this.storedRooms = storedRooms;
        this.storageQueue = storageQueue;
    }

    /** Counts {@code delta} replicas loaded (positive) or dropped (negative), keeping the peak. */
    public void replicasChanged(int delta) {
        long now = replicas.addAndGet(delta);
        replicasPeak.accumulateAndGet(now, Math::max);
    }

    /** Counts one error sent with {@code code}. */
    public void error(ErrorCode code) {
        errors.get(code).incrementAndGet();
    }

    /** Prometheus text exposition of every metric. */
    public String render() {
        StringBuilder out = new StringBuilder(4096);
        gauge(out, "weft_connections", "Socket.IO connections open now.", connections.get());
        counter(out, "weft_connections_total", "Socket.IO connections accepted since start.", connectionsTotal.get());
        gauge(out, "weft_rooms", "Rooms loaded in memory (with members or recently used).", loadedRooms.getAsLong());
        gauge(out, "weft_rooms_stored", "Rooms in durable storage.", storedRooms.getAsLong());
        gauge(out, "weft_documents", "Documents loaded in memory.", loadedDocuments.getAsLong());
        gauge(out, "weft_replicas", "Document replicas in memory.", replicas.get());
        gauge(out, "weft_replicas_peak", "Most document replicas in memory at once since start.", replicasPeak.get());
        counter(out, "weft_replica_loads_total", "Document replicas loaded from storage on demand.",
                replicaLoads.get());
        counter(out, "weft_replica_evictions_total", "Idle document replicas evicted from memory.",
                replicaEvictions.get());
        counter(out, "weft_rooms_created_total", "Rooms created via POST /api/rooms.", roomsCreated.get());
        counter(out, "weft_room_create_rejected_total",
                "POST /api/rooms refused with 429 by the per-address room creation limit.", roomCreateRejected.get());
        counter(out, "weft_updates_total", "Updates accepted from editors.", updatesTotal.get());
        counter(out, "weft_acks_total", "Durable acknowledgements sent.", acksTotal.get());
        counter(out, "weft_updates_forwarded_total", "Updates forwarded to another member (one per receiver).",
                updatesForwarded.sum());
        counter(out, "weft_updates_delivered_direct_total", "Receivers of an update left out of the fan-out because"
                + " the sender delivered it over their direct link.", updatesDeliveredDirect.sum());
        counter(out, "weft_messages_received_total", "Protocol messages received.", messagesIn.get());
        counter(out, "weft_messages_received_fast_path_total",
                "Protocol messages received as plain event frames, decoded without netty-socketio.",
                messagesInFastPath.sum());
        counter(out, "weft_messages_sent_total", "Protocol messages sent.", messagesOut.get());
        counter(out, "weft_bytes_received_total", "Protocol message bytes received (decoded).", bytesIn.get());
        counter(out, "weft_bytes_sent_total", "Protocol message bytes sent (before base64).", bytesOut.get());
        counter(out, "weft_compactions_total", "Document snapshots written by log compaction.", compactions.get());
        gauge(out, "weft_storage_queue", "Writes waiting for the storage writer (held-back snapshots included).",
                storageQueue.getAsLong());
        // Read without a safepoint or a helper process, unlike jcmd: cheap enough to scrape during a measurement.
        java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean()
                .getHeapMemoryUsage();
        gauge(out, "weft_jvm_heap_used_bytes", "Java heap in use now (live objects and garbage not yet collected).",
                heap.getUsed());
        gauge(out, "weft_jvm_heap_committed_bytes", "Java heap the JVM holds from the operating system now.",
                heap.getCommitted());
        histogram(out, "weft_storage_commit_seconds", "Duration of one storage commit (a batch of writes).",
                commitSeconds);
        histogram(out, "weft_ack_latency_seconds", "Time from receiving an update to sending its durable ack.",
                ackSeconds);
        histogram(out, "weft_forward_latency_seconds", "Time from receiving an update to handing it to the other"
                + " subscribers' connections.", forwardSeconds);
        if (clusterNode) {
            cluster.render(out);
        }
        header(out, "weft_errors_total", "counter", "Errors sent to clients, by code.");
        for (Map.Entry<ErrorCode, AtomicLong> e : errors.entrySet()) {
            if (e.getKey() != ErrorCode.UNKNOWN) {
                out.append("weft_errors_total{code=\"").append(e.getKey().name()).append("\"} ")
                        .append(e.getValue().get()).append('\n');
            }
        }
        return out.toString();
    }
}
