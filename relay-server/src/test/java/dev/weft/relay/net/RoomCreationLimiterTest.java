package dev.weft.relay.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.relay.metrics.RelayMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The per-address room creation limit, with explicit clock values (nanoseconds). */
class RoomCreationLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    private final RelayMetrics metrics = new RelayMetrics();

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal); // literals only: no DNS lookup
    }

    private static Optional<RoomCreationLimiter.Refusal> admit(RoomCreationLimiter l, InetAddress a, long now) {
        Optional<RoomCreationLimiter.Refusal> r = l.admit(a, now);
        l.checkInvariants();
        return r;
    }

    @Test
    void burstThenRefusedWithRetryAfterUntilTheNextTokenWhileOtherAddressesCreate() throws Exception {
        RoomCreationLimiter l = new RoomCreationLimiter(1, 2, metrics); // 1 room per minute, burst 2
        InetAddress a = ip("192.0.2.1");
        InetAddress b = ip("192.0.2.2");
        assertThat(admit(l, a, 0)).isEmpty();
        assertThat(admit(l, a, 0)).isEmpty();
        assertThat(admit(l, a, 0)).contains(new RoomCreationLimiter.Refusal(RoomCreationLimiter.OVER_RATE, 60));
        assertThat(admit(l, b, 0)).as("another address has its own bucket").isEmpty();
        assertThat(admit(l, a, 30 * SECOND + SECOND / 2)).as("29.5 s to wait, rounded up")
                .contains(new RoomCreationLimiter.Refusal(RoomCreationLimiter.OVER_RATE, 30));
        assertThat(admit(l, a, 59 * SECOND + 1)).map(RoomCreationLimiter.Refusal::retryAfterSeconds)
                .as("rounded up, never 0").contains(1L);
        assertThat(admit(l, a, 61 * SECOND)).isEmpty();
        assertThat(admit(l, a, 61 * SECOND)).isPresent();
        assertThat(metrics.roomCreateRejected.get()).isEqualTo(4);
    }

    @Test
    void idleFullBucketsAreEvictedAndBusyOnesKept() throws Exception {
        RoomCreationLimiter l = new RoomCreationLimiter(60, 2, metrics); // 1 room per second, burst 2
        InetAddress a = ip("192.0.2.1");
        InetAddress b = ip("192.0.2.2");
        admit(l, a, 0);
        admit(l, a, 0);
        admit(l, b, 0);
        assertThat(l.evictFull(0)).isZero();
        assertThat(l.tracked()).isEqualTo(2);
        assertThat(l.evictFull(SECOND * 3 / 2)).as("b refilled, a still half a room short").isEqualTo(1);
        assertThat(l.tracked()).isEqualTo(1);
        l.checkInvariants();
        assertThat(l.evictFull(3 * SECOND)).isEqualTo(1);
        assertThat(l.tracked()).isZero();
        // An evicted address starts again with a full burst, as if it had been kept.
        assertThat(admit(l, a, 3 * SECOND)).isEmpty();
        assertThat(admit(l, a, 3 * SECOND)).isEmpty();
        assertThat(admit(l, a, 3 * SECOND)).isPresent();
    }

    @Test
    void atTheCapNewAddressesAreRefusedUntilASweepFreesRoom() throws Exception {
        RoomCreationLimiter l = new RoomCreationLimiter(60, 1, 2, metrics); // 1 per second, burst 1, 2 addresses
        InetAddress a = ip("192.0.2.1");
        InetAddress b = ip("192.0.2.2");
        InetAddress c = ip("192.0.2.3");
        admit(l, a, 0);
        admit(l, b, 0);
        assertThat(admit(l, c, 0)).as("a and b are not full: nothing to evict")
                .contains(new RoomCreationLimiter.Refusal(RoomCreationLimiter.TABLE_FULL,
                        RoomCreationLimiter.SWEEP_INTERVAL_SECONDS));
        assertThat(l.tracked()).isEqualTo(2);
        assertThat(admit(l, c, 2 * SECOND)).as("a and b refilled: the sweep at the cap drops them").isEmpty();
        assertThat(l.tracked()).isEqualTo(1);
        assertThat(metrics.roomCreateRejected.get()).isEqualTo(1);
    }

    @Test
    void sweepsAtTheCapAreSpacedBySecond() throws Exception {
        RoomCreationLimiter l = new RoomCreationLimiter(60, 1, 1, metrics);
        admit(l, ip("192.0.2.1"), 0);
        long ms = SECOND / 1000;
        assertThat(admit(l, ip("192.0.2.2"), 600 * ms)).isPresent(); // sweeps, nothing full
        // At 1.5 s the first address is full again, but the last sweep was under a second ago (walking the whole
        // table for every new address would let a flood of addresses burn the event loops).
        assertThat(admit(l, ip("192.0.2.2"), 1500 * ms)).isPresent();
        assertThat(admit(l, ip("192.0.2.2"), 1700 * ms)).isEmpty();
    }

    @Test
    void ipv6AddressesShareTheirSlash64AndIpv4MappedCountsAsIpv4() throws Exception {
        RoomCreationLimiter l = new RoomCreationLimiter(1, 1, metrics);
        assertThat(admit(l, ip("2001:db8::1"), 0)).isEmpty();
        assertThat(admit(l, ip("2001:db8::ffff:2"), 0)).as("same /64").isPresent();
        assertThat(admit(l, ip("2001:db8:0:1::1"), 0)).as("next /64").isEmpty();
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 7};
        InetAddress v6Mapped = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(v6Mapped).isInstanceOf(Inet6Address.class);
        assertThat(RoomCreationLimiter.key(v6Mapped)).isEqualTo(ip("192.0.2.7"));
        assertThat(admit(l, v6Mapped, 0)).isEmpty();
        assertThat(admit(l, ip("192.0.2.7"), 0)).as("same host written as IPv4").isPresent();
        assertThat(admit(l, ip("192.0.2.8"), 0)).isEmpty();
        assertThat(l.tracked()).isEqualTo(4);
    }

    @Test
    void aFloodIsLoggedOncePerRunOfRefusalsAndCountedEveryTime() throws Exception {
        RoomCreationLimiter l = new RoomCreationLimiter(60, 1, metrics);
        InetAddress a = ip("192.0.2.1");
        String log = stderrOf(() -> {
            admit(l, a, 0);
            for (int i = 0; i < 5; i++) {
                admit(l, a, 0);
            }
            admit(l, a, 2 * SECOND); // allowed: ends the run
            admit(l, a, 2 * SECOND);
        });
        assertThat(log.lines().filter(line -> line.contains("\"event\":\"room.create_limited\""))).hasSize(2)
                .allSatisfy(line -> assertThat(line).contains("\"level\":\"WARNING\"", "192.0.2.1"));
        assertThat(metrics.roomCreateRejected.get()).isEqualTo(6);
    }

    private interface Steps {
        void run() throws Exception;
    }

    private static String stderrOf(Steps steps) throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            steps.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
