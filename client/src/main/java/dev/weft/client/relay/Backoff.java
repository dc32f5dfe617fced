package dev.weft.client.relay;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Exponential backoff with jitter for reconnection attempts: attempt {@code n} (from 0) waits
 * {@code min(max, initial * factor^n)}, scaled by a random factor in {@code [1 - jitter, 1]} so that many clients
 * dropped by one relay restart do not reconnect in lockstep.
 *
 * <pre>{@code
 * Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 2.0, 0.0, 1);
 * b.nextDelay();  // 100 ms
 * b.nextDelay();  // 200 ms
 * b.reset();
 * b.nextDelay();  // 100 ms
 * }</pre>
 *
 * <p>Not thread-safe; {@link RelayClient} uses it from its scheduler thread only.
 */
public final class Backoff {
    /** Delay before the first retry; immutable. */
    private final long initialMillis;
    /** Upper bound of any delay; immutable. */
    private final long maxMillis;
    /** Growth per attempt, {@code >= 1}; immutable. */
    private final double factor;
    /** Fraction of the delay that is randomised away, in {@code [0, 1]}; immutable. */
    private final double jitter;
    /** Source of jitter; seeded so tests are reproducible. */
    private final SplittableRandom random;
    /** Attempts since the last {@link #reset()}. */
    private int attempts;

    /**
     * @throws IllegalArgumentException if a delay is negative, {@code max < initial}, {@code factor < 1} or
     *                                  {@code jitter} is outside {@code [0, 1]}
     */
    public Backoff(Duration initial, Duration max, double factor, double jitter, long seed) {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max, got " + initial + ", " + max);
        }
        if (!(factor >= 1.0)) {
            throw new IllegalArgumentException("backoff factor must be >= 1, got " + factor);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("backoff jitter must be in [0, 1], got " + jitter);
        }
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.factor = factor;
        this.jitter = jitter;
        this.random = new SplittableRandom(seed);
    }

    /** The delay before the next attempt; postcondition: {@link #attempts()} grew by one. */
    public Duration nextDelay() {
        double base = Math.min((double) maxMillis, initialMillis * Math.pow(factor, Math.min(attempts, 64)));
        attempts++;
        double scale = 1.0 - jitter * random.nextDouble();
        return Duration.ofMillis(Math.round(base * scale));
    }

    /** Number of delays handed out since the last reset. */
    public int attempts() {
        return attempts;
    }

    /** Starts over from the initial delay (after a successful connection). */
    public void reset() {
        attempts = 0;
    }
}
