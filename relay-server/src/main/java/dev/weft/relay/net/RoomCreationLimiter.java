package dev.weft.relay.net;

import dev.weft.relay.log.Log;
import dev.weft.relay.metrics.RelayMetrics;
import dev.weft.relay.room.TokenBucket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * A per-client-address limit on {@code POST /api/rooms}: each client key owns a {@link TokenBucket} of
 * {@code burst} rooms refilled at {@code ratePerMinute}; a creation over it is refused with the whole seconds until
 * the next token. Thread-safe (one lock; every operation is a map lookup, except the sweeps below).
 *
 * <pre>{@code
 * limiter = new RoomCreationLimiter(1, 2, metrics)   // 1 room/min, burst 2
 * limiter.admit(a, t)          → empty              // a: 1 token left
 * limiter.admit(a, t)          → empty              // a: 0 tokens
 * limiter.admit(a, t)          → Refusal(…, 60)     // counted, WARN room.create_limited (once per episode)
 * limiter.admit(b, t)          → empty              // other addresses have their own bucket
 * limiter.evictFull(t + 2 min) → a and b dropped    // both refilled: a new bucket would behave the same
 * }</pre>
 *
 * <p><b>Keys.</b> An IPv4 address is its own key. An IPv6 address is keyed by its /64 prefix: one host or home
 * network usually holds a whole /64 and can pick any address in it, so a per-/128 limit would not limit anyone.
 *
 * <p><b>Bounded memory.</b> A full bucket behaves exactly like a missing one, so dropping it changes nothing:
 * <ul>
 *   <li>{@link #evictFull} (run by the relay's timer every {@link #SWEEP_INTERVAL_SECONDS} s) drops every full
 *       bucket; a key therefore stays tracked at most {@code burst / rate} minutes after its last creation plus one
 *       sweep interval;</li>
 *   <li>at most {@code maxTracked} keys are tracked. A new key arriving at the cap triggers the same sweep (at most
 *       once a second, since it walks the whole map); if no bucket is full, the creation is refused ("fail
 *       closed": an attacker holding that many addresses must not get unlimited rooms from untracked ones) with
 *       Retry-After {@link #SWEEP_INTERVAL_SECONDS}, and WARN {@code room.create_limiter_full} is logged at most
 *       once per sweep.</li>
 * </ul>
 *
 * <p>Logging: WARN {@code room.create_limited} once when a key is first refused after an accepted creation (not
 * for every refused request, so a flood cannot flood the log); {@code weft_room_create_rejected_total} counts
 * every refusal.
 */
public final class RoomCreationLimiter {
    private static final Logger LOG = Logger.getLogger(RoomCreationLimiter.class.getName());

    /** Period of the relay's {@link #evictFull} timer, and Retry-After when the key table is full. */
    public static final long SWEEP_INTERVAL_SECONDS = 60;
    /** Default cap on tracked keys: about 200 bytes each, so roughly 20 MB at most. */
    public static final int DEFAULT_MAX_TRACKED = 100_000;
    /** Least time between two sweeps triggered by a new key at the cap. */
    private static final long CAP_SWEEP_SPACING_NANOS = 1_000_000_000L;

    /**
     * A refused creation; immutable.
     *
     * @param reason            for the client, plain text without quotes or backslashes
     * @param retryAfterSeconds whole seconds, ≥ 1, until a retry may succeed
     */
    public record Refusal(String reason, long retryAfterSeconds) {
    }

    /** Reason of a refusal by the key's own bucket. */
    static final String OVER_RATE = "too many rooms created from this address";
    /** Reason of a refusal because {@code maxTracked} other keys are over their rate. */
    static final String TABLE_FULL = "too many addresses are creating rooms";

    /** A key's bucket and whether its current run of refusals was logged. */
    private static final class Entry {
        /** The key's bucket; immutable reference. */
        final TokenBucket bucket;
        /** True from the first refusal until the next accepted creation; guarded by the limiter. */
        boolean refusalLogged;

        Entry(TokenBucket bucket) {
            this.bucket = bucket;
        }
    }

    /** Bucket refill in tokens per second ({@code ratePerMinute / 60}); immutable. */
    private final double ratePerSecond;
    /** Bucket capacity; immutable. */
    private final int burst;
    /** Most keys tracked at once; immutable. */
    private final int maxTracked;
    /** Counter of refusals; immutable reference. */
    private final RelayMetrics metrics;
    /** Tracked keys (canonical, see {@link #key}); guarded by {@code this}. */
    private final Map<InetAddress, Entry> buckets = new HashMap<>();
    /** When a sweep last ran (any trigger), for spacing the sweeps at the cap; guarded by {@code this}. */
    private long lastSweepNanos;
    /** True once any sweep ran; guarded by {@code this}. */
    private boolean swept;

    /**
     * @param ratePerMinute rooms per minute per key, &gt; 0
     * @param burst         rooms a key may create at once, ≥ 1
     * @param maxTracked    most keys tracked at once, ≥ 1
     */
    public RoomCreationLimiter(double ratePerMinute, int burst, int maxTracked, RelayMetrics metrics) {
        if (!(ratePerMinute > 0) || burst < 1 || maxTracked < 1) {
            throw new IllegalArgumentException("rate must be > 0, burst and maxTracked ≥ 1: " + ratePerMinute + ", "
                    + burst + ", " + maxTracked);
        }
        this.ratePerSecond = ratePerMinute / 60;
        this.burst = burst;
        this.maxTracked = maxTracked;
        this.metrics = metrics;
    }

    public RoomCreationLimiter(double ratePerMinute, int burst, RelayMetrics metrics) {
        this(ratePerMinute, burst, DEFAULT_MAX_TRACKED, metrics);
    }

    /**
     * Takes one room creation for {@code client} at {@code nowNanos}.
     *
     * @return empty if the room may be created; else why not, already counted and logged
     */
    public synchronized Optional<Refusal> admit(InetAddress client, long nowNanos) {
        InetAddress key = key(client);
        Entry e = buckets.get(key);
        if (e == null) {
            if (buckets.size() >= maxTracked && !makeRoom(nowNanos)) {
                metrics.roomCreateRejected.incrementAndGet();
                return Optional.of(new Refusal(TABLE_FULL, SWEEP_INTERVAL_SECONDS));
            }
            e = new Entry(new TokenBucket(ratePerSecond, burst, nowNanos));
            buckets.put(key, e);
        }
        if (e.bucket.tryTake(nowNanos)) {
            e.refusalLogged = false;
            return Optional.empty();
        }
        long seconds = Math.max(1, (e.bucket.nanosUntilToken(nowNanos) + 999_999_999L) / 1_000_000_000L);
        metrics.roomCreateRejected.incrementAndGet();
        if (!e.refusalLogged) {
            e.refusalLogged = true;
            Log.warn(LOG, "room.create_limited", "address", describe(key), "retryAfterS", seconds);
        }
        return Optional.of(new Refusal(OVER_RATE, seconds));
    }

    /** Drops every full bucket (see the class comment); returns how many were dropped. */
    public synchronized int evictFull(long nowNanos) {
        lastSweepNanos = nowNanos;
        swept = true;
        int before = buckets.size();
        buckets.values().removeIf(e -> e.bucket.isFull(nowNanos));
        return before - buckets.size();
    }

    /** Keys tracked now. */
    public synchronized int tracked() {
        return buckets.size();
    }

    /**
     * Checks: at most {@code maxTracked} keys; every key is canonical (IPv4, or an IPv6 /64 prefix with no scope).
     *
     * @throws IllegalStateException naming the broken invariant
     */
    public synchronized void checkInvariants() {
        if (buckets.size() > maxTracked) {
            throw new IllegalStateException(buckets.size() + " keys tracked, cap is " + maxTracked);
        }
        for (InetAddress k : buckets.keySet()) {
            if (!k.equals(key(k)) || k instanceof Inet6Address v6 && v6.getScopeId() != 0) {
                throw new IllegalStateException("key " + k + " is not canonical");
            }
        }
    }

    /** Sweeps if the last sweep is old enough; true if there is now room for one more key. */
    private boolean makeRoom(long nowNanos) {
        if (!swept || nowNanos - lastSweepNanos >= CAP_SWEEP_SPACING_NANOS) {
            evictFull(nowNanos);
            if (buckets.size() >= maxTracked) {
                Log.warn(LOG, "room.create_limiter_full", "tracked", buckets.size(), "retryAfterS",
                        SWEEP_INTERVAL_SECONDS);
            }
        }
        return buckets.size() < maxTracked;
    }

    /**
     * The key for a client address: IPv4 as is (also when written IPv4-mapped, {@code ::ffff:a.b.c.d}), IPv6 cut to
     * its /64 prefix (without scope).
     */
    static InetAddress key(InetAddress client) {
        if (!(client instanceof Inet6Address)) {
            return client;
        }
        byte[] bytes = client.getAddress();
        try {
            if (isIpv4Mapped(bytes)) {
                return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
            }
            Arrays.fill(bytes, 8, 16, (byte) 0);
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always a valid address", e);
        }
    }

    private static boolean isIpv4Mapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        return v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
    }

    private static String describe(InetAddress key) {
        return key instanceof Inet6Address ? key.getHostAddress() + "/64" : key.getHostAddress();
    }
}
