package dev.weft.relay.metrics;

import static dev.weft.relay.metrics.Exposition.counter;
import static dev.weft.relay.metrics.Exposition.gauge;

import java.util.concurrent.atomic.AtomicLong;

/** Cluster counters, rendered into {@code /metrics} by {@link #render(StringBuilder)}; updated from any thread. */
public final class ClusterMetrics {
    /** Notices published to Redis. */
    public final AtomicLong published = new AtomicLong();
    /** Publishes Redis refused or that failed (other nodes catch up from the log). */
    public final AtomicLong publishFailures = new AtomicLong();
    /** Notices received from Redis (own included). */
    public final AtomicLong received = new AtomicLong();
    /** Received messages that were not valid notices. */
    public final AtomicLong malformed = new AtomicLong();
    /** Other nodes' updates integrated from notices. */
    public final AtomicLong applied = new AtomicLong();
    /** Notices for seqs the replica had already. */
    public final AtomicLong duplicates = new AtomicLong();
    /** Gaps found (a seq missing below one received, or the log's head ahead of the replica). */
    public final AtomicLong gaps = new AtomicLong();
    /** Catch-ups: reads of the durable log that integrated what was missing. */
    public final AtomicLong catchUps = new AtomicLong();
    /** Log entries integrated by catch-ups. */
    public final AtomicLong caughtUpEntries = new AtomicLong();
    /** Times the subscription to Redis was lost. */
    public final AtomicLong disconnects = new AtomicLong();
    /** 1 while subscribed to Redis, else 0. */
    public final AtomicLong redisUp = new AtomicLong();
    /** Failed attempts to make the first connection to Redis (a node started while Redis was down). */
    public final AtomicLong redisConnectFailures = new AtomicLong();
    /** True when the node was started with {@code --redis} (then {@link #redisUp} 0 means the bus is down). */
    public volatile boolean redisConfigured;

    /**
     * The cluster bus state for {@code /healthz}: {@code "up"}, {@code "down"} (Redis configured but not
     * subscribed: other nodes' updates arrive by polling only) or {@code null} when no Redis is configured.
     */
    public String busState() {
        if (!redisConfigured) {
            return null;
        }
        return redisUp.get() == 1 ? "up" : "down";
    }

    /** Appends the Prometheus text of every cluster metric. */
    public void render(StringBuilder out) {
        counter(out, "weft_cluster_published_total", "Update notices published to Redis.", published.get());
        counter(out, "weft_cluster_publish_failures_total", "Update notices Redis did not take.",
                publishFailures.get());
        counter(out, "weft_cluster_received_total", "Update notices received from Redis.", received.get());
        counter(out, "weft_cluster_malformed_total", "Redis messages that were not update notices.", malformed.get());
        counter(out, "weft_cluster_applied_total", "Other nodes' updates integrated from notices.", applied.get());
        counter(out, "weft_cluster_duplicates_total", "Notices for updates already integrated.", duplicates.get());
        counter(out, "weft_cluster_gaps_total", "Missed updates noticed (seq gap or log head ahead).", gaps.get());
        counter(out, "weft_cluster_catchups_total", "Reads of the durable log to fill gaps.", catchUps.get());
        counter(out, "weft_cluster_caught_up_entries_total", "Log entries integrated by catch-ups.",
                caughtUpEntries.get());
        counter(out, "weft_cluster_redis_disconnects_total", "Times the Redis subscription was lost.",
                disconnects.get());
        counter(out, "weft_cluster_redis_connect_failures_total",
                "Failed first connections to Redis (node started while Redis was down).", redisConnectFailures.get());
        gauge(out, "weft_cluster_redis_up", "1 while subscribed to Redis.", redisUp.get());
    }
}
