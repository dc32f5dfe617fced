package dev.weft.relay.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.relay.metrics.ClusterMetrics;
import dev.weft.relay.testing.RedisServer;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@link RedisBus} against a real redis-server (skipped when absent). */
class RedisBusTest {
    @Test
    void noticesCrossBetweenBusesAndARestartedRedisIsReportedAndUsedAgain() throws Exception {
        Assumptions.assumeTrue(RedisServer.binary().isPresent(), "SKIPPED: redis-server is not installed");
        try (RedisServer redis = RedisServer.start()) {
            LinkedBlockingQueue<UpdateNotice> got = new LinkedBlockingQueue<>();
            Semaphore reconnected = new Semaphore(0);
            ClusterMetrics m1 = new ClusterMetrics();
            ClusterMetrics m2 = new ClusterMetrics();
            try (RedisBus a = RedisBus.connect(redis.url(), m1, 7, n -> { }, () -> { });
                 RedisBus b = RedisBus.connect(redis.url(), m2, 8, got::add, reconnected::release)) {
                a.publish(7, List.of(new UpdateNotice(7, "room", "doc", 1, new byte[] {1, 2})));
                UpdateNotice n = got.poll(10, TimeUnit.SECONDS);
                assertThat(n).isNotNull();
                assertThat(n.seq()).isEqualTo(1);
                assertThat(n.update()).containsExactly(1, 2);
                byte[] big = new byte[UpdateNotice.MAX_INLINE_BYTES + 1];
                a.publish(7, List.of(new UpdateNotice(7, "room", "doc", 2, big)));
                UpdateNotice withoutBytes = got.poll(10, TimeUnit.SECONDS);
                assertThat(withoutBytes.seq()).isEqualTo(2);
                assertThat(withoutBytes.update()).as("too large: receivers read the log").isNull();
                // One commit's notices travel as one message and arrive in order; the sender only counts its own.
                a.publish(7, List.of(new UpdateNotice(7, "r1", "a.txt", 5, new byte[] {5}),
                        new UpdateNotice(7, "r2", "b.txt", 9, new byte[] {9, 9}),
                        new UpdateNotice(7, "r1", "a.txt", 6, new byte[] {6})));
                for (long seq : new long[] {5, 9, 6}) {
                    assertThat(got.poll(10, TimeUnit.SECONDS).seq()).isEqualTo(seq);
                }
                long deadlineOwn = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (m1.received.get() < 5 && System.nanoTime() < deadlineOwn) {
                    Thread.sleep(20);
                }
                assertThat(m1.received.get()).as("the sender's own 5 notices, counted").isEqualTo(5);
                assertThat(m2.received.get()).isEqualTo(5);

                redis.kill();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (m2.redisUp.get() == 1 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(m2.redisUp.get()).isZero();
                a.publish(7, List.of(new UpdateNotice(7, "room", "doc", 3, new byte[] {3})));
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (m1.publishFailures.get() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(m1.publishFailures.get()).as("refused while down, not buffered").isEqualTo(1);
                redis.restart();
                assertThat(reconnected.tryAcquire(15, TimeUnit.SECONDS)).as("reconnection reported").isTrue();
                assertThat(m2.redisUp.get()).isEqualTo(1);
                // The publisher's own connection reconnects on its own schedule: publish until one gets through.
                UpdateNotice after = null;
                for (int attempt = 0; attempt < 30 && after == null; attempt++) {
                    a.publish(7, List.of(new UpdateNotice(7, "room", "doc", 4, new byte[] {4})));
                    after = got.poll(500, TimeUnit.MILLISECONDS);
                }
                assertThat(after).as("subscribed again").isNotNull();
                assertThat(after.seq()).isEqualTo(4);
            }
        }
    }
}
