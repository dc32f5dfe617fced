package dev.weft.relay.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Snapshots in the store writer: a commit holds at most one, the others follow one per commit in order, and the
 * appends queued behind a wave of them are not held back by it.
 */
class BatchingWriterSnapshotTest {

    /** A store whose first {@code gates} commits each wait, once begun, until the test opens their gate. */
    static final class GatedStore extends BatchingWriterGroupWindowTest.RecordingStore {
        /** {@code entered.get(i)} opens once commit i began; immutable. */
        final List<CountDownLatch> entered;
        /** {@code release.get(i)} is opened by the test to let commit i finish; immutable. */
        final List<CountDownLatch> release;
        /** Commits begun; writer thread only. */
        private int begun;

        GatedStore(int gates) {
            super(1);
            entered = Stream.generate(() -> new CountDownLatch(1)).limit(gates).toList();
            release = Stream.generate(() -> new CountDownLatch(1)).limit(gates).toList();
        }

        @Override
        void beforeCommit() throws InterruptedException {
            int i = begun++;
            if (i < entered.size()) {
                entered.get(i).countDown();
                assertThat(release.get(i).await(10, TimeUnit.SECONDS)).as("released " + i).isTrue();
            }
        }
    }

    private static StoreWrite append(String doc, long seq) {
        return new StoreWrite.AppendUpdate("r", doc, seq, new byte[] {(byte) seq});
    }

    private static StoreWrite snapshot(String doc, long upTo) {
        return new StoreWrite.SaveSnapshot("r", doc, new byte[] {1}, upTo);
    }

    @Test
    void aWaveOfSnapshotsTakesOnePerCommitAndAppendsQueuedBehindItGoFirst() throws Exception {
        GatedStore store = new GatedStore(1);
        StoreWrite a0 = append("a", 1);
        List<StoreWrite> snapshots = List.of(snapshot("a", 1), snapshot("b", 7), snapshot("c", 9), snapshot("d", 3));
        List<StoreWrite> appends = List.of(append("a", 2), append("b", 8), append("a", 3));
        List<CompletableFuture<Void>> snapshotDone = new ArrayList<>();
        List<CompletableFuture<Void>> appendDone = new ArrayList<>();
        try (BatchingWriter w = new BatchingWriter(store, 100, n -> { })) {
            CompletableFuture<Void> first = w.submit(a0);
            assertThat(store.entered.get(0).await(10, TimeUnit.SECONDS)).as("first commit began").isTrue();
            for (StoreWrite s : snapshots) {
                snapshotDone.add(w.submit(s));
            }
            for (StoreWrite a : appends) {
                appendDone.add(w.submit(a));
            }
            store.release.get(0).countDown();
            first.get(10, TimeUnit.SECONDS);
            CompletableFuture.allOf(appendDone.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            CompletableFuture.allOf(snapshotDone.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        }
        List<StoreWrite> second = new ArrayList<>(List.of(snapshots.get(0)));
        second.addAll(appends);
        assertThat(store.commits).containsExactly(List.of(a0), second, List.of(snapshots.get(1)),
                List.of(snapshots.get(2)), List.of(snapshots.get(3)));
    }

    @Test
    void closeCommitsEverySnapshotStillHeldBack() throws Exception {
        GatedStore store = new GatedStore(1);
        BatchingWriter w = new BatchingWriter(store, 100, n -> { });
        CompletableFuture<Void> first = w.submit(append("a", 1));
        assertThat(store.entered.get(0).await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            done.add(w.submit(snapshot("d" + i, 1)));
        }
        store.release.get(0).countDown();
        w.close();
        assertThat(first).isCompleted();
        assertThat(done).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        assertThat(store.durable).hasSize(6);
    }

    @Test
    void queuedCountsSnapshotsHeldBackForLaterCommits() throws Exception {
        GatedStore store = new GatedStore(2);
        try (BatchingWriter w = new BatchingWriter(store, 100, n -> { })) {
            w.submit(append("a", 1));
            assertThat(store.entered.get(0).await(10, TimeUnit.SECONDS)).as("first commit began").isTrue();
            for (String doc : List.of("a", "b", "c", "d")) {
                w.submit(snapshot(doc, 1));
            }
            w.submit(append("b", 2));
            w.submit(append("c", 2));
            assertThat(w.queued()).isEqualTo(6);
            store.release.get(0).countDown();
            assertThat(store.entered.get(1).await(10, TimeUnit.SECONDS)).as("second commit began").isTrue();
            // The second commit holds snapshot a and both appends; b, c and d wait for the next three commits.
            assertThat(w.queued()).isEqualTo(3);
            store.release.get(1).countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (store.commits.size() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(store.commits).hasSize(5);
            assertThat(w.queued()).isZero();
        }
    }
}
