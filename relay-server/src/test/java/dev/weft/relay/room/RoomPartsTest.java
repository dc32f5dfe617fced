package dev.weft.relay.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.relay.metrics.RelayMetrics;
import dev.weft.sync.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Unit tests of the room's small parts: rate limiter, names, secrets, awareness table, serial executor. */
class RoomPartsTest {

    @Test
    void tokenBucketAllowsBurstThenRefillsAtRate() {
        TokenBucket b = new TokenBucket(10, 3, 0);
        assertThat(b.tryTake(0)).isTrue();
        assertThat(b.tryTake(0)).isTrue();
        assertThat(b.tryTake(0)).isTrue();
        assertThat(b.tryTake(0)).isFalse();
        assertThat(b.tryTake(50_000_000)).isFalse(); // 0.5 token after 50 ms
        assertThat(b.tryTake(100_000_000)).isTrue(); // 1 token after 100 ms
        assertThat(b.tryTake(10_000_000_000L)).isTrue(); // long idle refills only up to the burst
        assertThat(b.tryTake(10_000_000_000L)).isTrue();
        assertThat(b.tryTake(10_000_000_000L)).isTrue();
        assertThat(b.tryTake(10_000_000_000L)).isFalse();
    }

    @Test
    void tokenBucketTellsWhenTheNextTokenComesAndWhenItIsFull() {
        TokenBucket b = new TokenBucket(10, 2, 0); // a token every 100 ms
        assertThat(b.isFull(0)).isTrue();
        assertThat(b.nanosUntilToken(0)).isZero();
        b.tryTake(0);
        assertThat(b.isFull(0)).isFalse();
        b.tryTake(0);
        assertThat(b.nanosUntilToken(0)).isBetween(99_999_999L, 100_000_001L);
        assertThat(b.nanosUntilToken(25_000_000)).isBetween(74_999_999L, 75_000_001L);
        assertThat(b.isFull(150_000_000)).isFalse();
        assertThat(b.nanosUntilToken(150_000_000)).isZero();
        assertThat(b.isFull(250_000_000)).isTrue();
        assertThat(b.tryTake(250_000_000)).as("asking took nothing").isTrue();
        assertThat(b.tryTake(250_000_000)).isTrue();
        assertThat(b.tryTake(250_000_000)).isFalse();
    }

    @Test
    void documentNamesAreWorkspaceRelativePaths() {
        assertThat(DocNames.problem("src/main/App.java")).isNull();
        assertThat(DocNames.problem("ünï cødé/🧵.md")).isNull();
        assertThat(DocNames.problem("")).contains("empty");
        assertThat(DocNames.problem("/etc/passwd")).contains("workspace-relative");
        assertThat(DocNames.problem("a/../b")).contains("'..'");
        assertThat(DocNames.problem("a//b")).contains("empty");
        assertThat(DocNames.problem("a\\b")).contains("'\\'");
        assertThat(DocNames.problem("a\u0000b")).contains("U+0000");
        assertThat(DocNames.problem("x".repeat(1025))).contains("1024");
    }

    @Test
    void secretsAreRandomUrlSafeAndComparedByHash() {
        String s = Secrets.newSecret();
        assertThat(s).matches("[A-Za-z0-9_-]{32}").isNotEqualTo(Secrets.newSecret());
        assertThat(Secrets.newRoomId()).matches("[A-Za-z0-9_-]{22}");
        byte[] h = Secrets.hash(s);
        assertThat(Secrets.matches(s, h)).isTrue();
        assertThat(Secrets.matches(s + "x", h)).isFalse();
        assertThat(Secrets.matches("", Secrets.hash(""))).as("empty secret never matches").isFalse();
        assertThat(Secrets.plausibleRoomId("abc_-9")).isTrue();
        assertThat(Secrets.plausibleRoomId("../x")).isFalse();
    }

    private static Session session() {
        return new Session(new Peer() {
            @Override
            public void send(Outgoing message) {
            }

            @Override
            public void close() {
            }

            @Override
            public String describe() {
                return "test";
            }
        }, new TokenBucket(1, 1, 0), new RelayMetrics());
    }

    @Test
    void awarenessIsLastWriterWinsPerClientAndDocument() {
        AwarenessTable t = new AwarenessTable();
        Session a = session();
        Session a2 = session();
        assertThat(t.apply(new Message.Awareness("d", 1, 5, "{\"v\":5}"), a, 0)).isEqualTo(AwarenessTable.Result.CHANGED);
        assertThat(t.apply(new Message.Awareness("d", 1, 4, "{\"v\":4}"), a, 0)).isEqualTo(AwarenessTable.Result.STALE);
        assertThat(t.apply(new Message.Awareness("d", 1, 5, "{\"v\":5}"), a, 10)).isEqualTo(AwarenessTable.Result.REFRESHED);
        assertThat(t.apply(new Message.Awareness("e", 1, 1, "{\"other\":1}"), a, 0)).isEqualTo(AwarenessTable.Result.CHANGED);
        assertThat(t.statesFor("d", 99)).extracting(Message.Awareness::state).containsExactly("{\"v\":5}");
        assertThat(t.statesFor("d", 1)).as("own state is not sent back").isEmpty();
        t.checkInvariants();

        // Expiry uses the refresh time (10), not the first sight (0).
        assertThat(t.expire(5)).extracting(Message.Awareness::doc).containsExactly("e");
        List<Message.Awareness> expired = t.expire(11);
        assertThat(expired).containsExactly(new Message.Awareness("d", 1, 5, ""));

        // A reconnected session republishes; the old session's disconnect must not clear the new state.
        t.apply(new Message.Awareness("d", 1, 6, "{\"v\":6}"), a, 20);
        t.apply(new Message.Awareness("d", 1, 7, "{\"v\":7}"), a2, 21);
        assertThat(t.removeOwnedBy(a)).isEmpty();
        assertThat(t.removeOwnedBy(a2)).containsExactly(new Message.Awareness("d", 1, 7, ""));
        assertThat(t.size()).isZero();
        assertThat(t.apply(new Message.Awareness("d", 1, 8, ""), a, 0)).as("removing nothing").isEqualTo(
                AwarenessTable.Result.STALE);
    }

    @Test
    void serialExecutorRunsTasksInOrderWithoutOverlap() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            List<Integer> seen = new ArrayList<>(); // unsynchronised on purpose: serial execution makes it safe
            int[] running = {0};
            int n = 10_000;
            CountDownLatch done = new CountDownLatch(1);
            for (int i = 0; i < n; i++) {
                int k = i;
                serial.execute(() -> {
                    if (++running[0] != 1) {
                        throw new AssertionError("overlap");
                    }
                    seen.add(k);
                    running[0]--;
                    if (k == n - 1) {
                        done.countDown();
                    }
                });
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).hasSize(n).isSorted();
        } finally {
            pool.shutdownNow();
        }
    }
    @Test
    void inlineExecutionRunsOnTheCallerWhenIdle() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            Thread[] ranOn = new Thread[1];
            serial.executeInlineIfIdle(() -> ranOn[0] = Thread.currentThread());
            assertThat(ranOn[0]).as("idle executor: the task ran before the call returned, on the caller")
                    .isSameAs(Thread.currentThread());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void inlineAndQueuedTasksFromSeveralThreadsStaySerialAndInSubmissionOrder() throws Exception {
        long seed = 20261121L;
        int threads = 4;
        int perThread = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        ExecutorService submitters = Executors.newFixedThreadPool(threads);
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            List<int[]> seen = new ArrayList<>(); // unsynchronised on purpose: serial execution makes it safe
            int[] running = {0};
            int[] overlaps = {0};
            CountDownLatch done = new CountDownLatch(threads * perThread);
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                java.util.Random random = new java.util.Random(seed + t);
                futures.add(submitters.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        int k = i;
                        Runnable task = () -> {
                            if (++running[0] != 1) {
                                overlaps[0]++;
                            }
                            seen.add(new int[] {thread, k});
                            if (random.nextInt(50) == 0) {
                                Thread.onSpinWait(); // vary task length a little
                            }
                            running[0]--;
                            done.countDown();
                        };
                        if (random.nextBoolean()) {
                            serial.executeInlineIfIdle(task);
                        } else {
                            serial.execute(task);
                        }
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).as("every task ran (seed " + seed + ")").isTrue();
            // The latch orders the last task's writes (and, through the serial chain, all earlier ones) before here.
            assertThat(overlaps[0]).as("tasks overlapped (seed " + seed + ")").isZero();
            assertThat(seen).hasSize(threads * perThread);
            int[] next = new int[threads];
            for (int[] e : seen) {
                assertThat(e[1]).as("thread " + e[0] + "'s tasks in submission order (seed " + seed + ")")
                        .isEqualTo(next[e[0]]++);
            }
        } finally {
            submitters.shutdownNow();
            pool.shutdownNow();
        }
    }
}
