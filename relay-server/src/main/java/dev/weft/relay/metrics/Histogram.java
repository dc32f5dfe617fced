package dev.weft.relay.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** A Prometheus-style cumulative histogram of seconds with fixed bucket bounds; thread-safe, lock-free. */
public final class Histogram {
    /** Upper bounds in seconds, ascending; immutable. */
    private final double[] bounds;
    /** Per-bucket (non-cumulative) counts; index bounds.length is +Inf. */
    private final AtomicLongArray counts;
    /** Sum of observations in nanoseconds. */
    private final AtomicLong sumNanos = new AtomicLong();

    public Histogram(double... bounds) {
        this.bounds = bounds.clone();
        this.counts = new AtomicLongArray(bounds.length + 1);
    }

    /** Records one observation of {@code nanos} nanoseconds. */
    public void observeNanos(long nanos) {
        double seconds = nanos / 1e9;
        int i = 0;
        while (i < bounds.length && seconds > bounds[i]) {
            i++;
        }
        counts.incrementAndGet(i);
        sumNanos.addAndGet(nanos);
    }

    /** Appends the exposition lines (buckets, sum, count) for metric {@code name}. */
    void writeTo(StringBuilder out, String name) {
        long cumulative = 0;
        for (int i = 0; i < bounds.length; i++) {
            cumulative += counts.get(i);
            out.append(name).append("_bucket{le=\"").append(bounds[i]).append("\"} ").append(cumulative).append('\n');
        }
        cumulative += counts.get(bounds.length);
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
        out.append(name).append("_sum ").append(sumNanos.get() / 1e9).append('\n');
        out.append(name).append("_count ").append(cumulative).append('\n');
    }
}
