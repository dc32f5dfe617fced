package dev.weft.relay.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.relay.metrics.ClusterMetrics;
import dev.weft.relay.testing.RedisServer;
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
            try (RedisBus a = RedisBus.connect(redis.url(), m1, n -> { }, () -> { });
                 RedisBus b = RedisBus.connect(redis.url(), m2, got::add, reconnected::release)) {
                a.publish(new UpdateNotice(7, "room", "doc", 1, new byte[] {1, 2}));
                UpdateNotice n = got.poll(10, TimeUnit.SECONDS);
                assertThat(n).isNotNull();
                assertThat(n.seq()).isEqualTo(1);
                assertThat(n.update()).containsExactly(1, 2);
                byte[] big = new byte[UpdateNotice.MAX_INLINE_BYTES + 1];
                a.publish(new UpdateNotice(7, "room", "doc", 2, big));
                UpdateNotice withoutBytes = got.poll(10, TimeUnit.SECONDS);
                assertThat(withoutBytes.seq()).isEqualTo(2);
                assertThat(withoutBytes.update()).as("too large: receivers read the log").isNull();

                redis.kill();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (m2.redisUp.get() == 1 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(m2.redisUp.get()).isZero();
                a.publish(new UpdateNotice(7, "room", "doc", 3, new byte[] {3}));
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (m1.publishFailures.get() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(m1.publishFailures.get()).as("refused while down, not buffered").isEqualTo(1);
                redis.restart();
                assertThat(reconnected.tryAcquire(15, TimeUnit.SECONDS)).as("reconnection reported").isTrue();
                assertThat(m2.redisUp.get()).isEqualTo(1);
                a.publish(new UpdateNotice(7, "room", "doc", 4, new byte[] {4}));
                UpdateNotice after = got.poll(10, TimeUnit.SECONDS);
                assertThat(after).as("subscribed again").isNotNull();
                assertThat(after.seq()).isEqualTo(4);
            }
        }
    }
}
