package dev.weft.relay.room;

/**
 * A token bucket: up to {@code burst} messages at once, refilled at {@code ratePerSecond}. Thread-safe.
 */
public final class TokenBucket {
    /** Tokens added per nanosecond; immutable. */
    private final double perNano;
    /** Bucket capacity; immutable. */
    private final double burst;
    /** Tokens available at {@link #lastNanos}; guarded by {@code this}. */
    private double tokens;
    /** Time of the last refill; guarded by {@code this}. */
    private long lastNanos;

    public TokenBucket(double ratePerSecond, int burst, long nowNanos) {
        this.perNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** Takes one token if available. @return false if the caller is over the rate */
    public synchronized boolean tryTake(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - lastNanos);
        tokens = Math.min(burst, tokens + elapsed * perNano);
        lastNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
