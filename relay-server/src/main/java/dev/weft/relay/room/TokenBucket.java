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
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Nanoseconds from {@code nowNanos} until {@link #tryTake} would succeed; 0 if it would now. */
    public synchronized long nanosUntilToken(long nowNanos) {
        refill(nowNanos);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano);
    }

    /**
     * True if the bucket holds {@code burst} tokens at {@code nowNanos}: it then behaves exactly like a new bucket,
     * so a caller keeping buckets per key may drop it.
     */
    public synchronized boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= burst;
    }

    private void refill(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - lastNanos);
        tokens = Math.min(burst, tokens + elapsed * perNano);
        lastNanos = nowNanos;
    }
}
