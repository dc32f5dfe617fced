package dev.weft.relay.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The store writer's group window: what it gathers into one commit, when it does not wait, and Ack order. */
class BatchingWriterGroupWindowTest {

    /**
     * Records every commit's writes; each commit takes {@code commitMillis} (a stand-in for an fsync), after
     * {@link #beforeCommit()}.
     */
    static class RecordingStore implements RelayStore {
        /** Writes of each commit, in commit order. */
        final List<List<StoreWrite>> commits = new CopyOnWriteArrayList<>();
        /** Every write whose commit returned. */
        final Set<StoreWrite> durable = ConcurrentHashMap.newKeySet();
        /** Duration of each commit; immutable. */
        private final long commitMillis;

        RecordingStore(long commitMillis) {
            this.commitMillis = commitMillis;
        }

        /** Runs on the writer thread at the start of every commit; does nothing here. */
        void beforeCommit() throws InterruptedException {
        }

        @Override
        public long[] commit(List<StoreWrite> writes) {
            try {
                beforeCommit();
                Thread.sleep(commitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            commits.add(List.copyOf(writes));
            durable.addAll(writes);
            return new long[writes.size()];
        }

        @Override
        public boolean assignsSeqs() {
            return false;
        }

        @Override
        public Map<String, Long> documentHeads(String roomId) {
            return Map.of();
        }

        @Override
        public void probe() {
        }

        @Override
        public Optional<RoomRecord> findRoom(String roomId) {
            return Optional.empty();
        }

        @Override
        public List<String> documentNames(String roomId) {
            return List.of();
        }

        @Override
        public Optional<StoredDocument> loadDocument(String roomId, String doc) {
            return Optional.empty();
        }

        @Override
        public Optional<StoredDocument> loadDocumentAfter(String roomId, String doc, long afterSeq) {
            return Optional.empty();
        }

        @Override
        public long roomCount() {
            return 0;
        }

        @Override
        public long documentCount() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private static StoreWrite write(int n) {
        return new StoreWrite.AppendUpdate("r", "d", n, new byte[] {(byte) n});
    }

    /**
     * Write 0 commits alone (the writer was idle); writes 1-3 follow it 10 ms apart, each within the window of the
     * first of them: they must share one commit.
     */
    private static List<CompletableFuture<Void>> steadyWrites(BatchingWriter w, RecordingStore store)
            throws Exception {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        done.add(w.submit(write(0)));
        done.get(0).get(5, TimeUnit.SECONDS);
        for (int i = 1; i <= 3; i++) {
            StoreWrite sw = write(i);
            CompletableFuture<Void> f = w.submit(sw);
            // an Ack (a completion) never precedes the commit that holds its write
            done.add(f.whenComplete((v, e) -> assertThat(store.durable).contains(sw)));
            Thread.sleep(10);
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        return done;
    }

    @Test
    void writesWithinTheWindowShareOneCommit() throws Exception {
        RecordingStore store = new RecordingStore(1);
        try (BatchingWriter w = writer(store, GroupWindow.ofMicros(300_000, 64))) {
            steadyWrites(w, store);
        }
        assertThat(store.commits).extracting(List::size).containsExactly(1, 3);
    }

    @Test
    void withoutAWindowTheSameWritesCommitOneByOne() throws Exception {
        RecordingStore store = new RecordingStore(1);
        try (BatchingWriter w = writer(store, GroupWindow.NONE)) {
            steadyWrites(w, store);
        }
        assertThat(store.commits).extracting(List::size).containsExactly(1, 1, 1, 1);
    }

    @Test
    void theWindowEndsAsSoonAsEnoughWritesAreQueued() throws Exception {
        RecordingStore store = new RecordingStore(1);
        try (BatchingWriter w = writer(store, GroupWindow.ofMicros(20_000_000, 3))) {
            w.submit(write(0)).get(5, TimeUnit.SECONDS);
            long start = System.nanoTime();
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                done.add(w.submit(write(i)));
                Thread.sleep(10);
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(System.nanoTime() - start).as("well before the 20 s window")
                    .isLessThan(TimeUnit.SECONDS.toNanos(5));
        }
        assertThat(store.commits).extracting(List::size).containsExactly(1, 3);
    }

    @Test
    void aWriteAfterAnIdlePeriodIsNotHeld() throws Exception {
        RecordingStore store = new RecordingStore(1);
        try (BatchingWriter w = writer(store, GroupWindow.ofMicros(2_000_000, 64))) {
            w.submit(write(0)).get(5, TimeUnit.SECONDS);
            Thread.sleep(2500); // longer than the window: the writer is idle
            long start = System.nanoTime();
            w.submit(write(1)).get(5, TimeUnit.SECONDS);
            assertThat(System.nanoTime() - start).as("not held for the 2 s window")
                    .isLessThan(TimeUnit.MILLISECONDS.toNanos(1000));
            assertThat(w.gatheredCommits()).isZero();
        }
        assertThat(store.commits).extracting(List::size).containsExactly(1, 1);
    }

    @Test
    void closeCommitsAHeldBatchWithoutWaitingForTheWindow() throws Exception {
        RecordingStore store = new RecordingStore(1);
        BatchingWriter w = writer(store, GroupWindow.ofMicros(3_000_000, 64));
        w.submit(write(0)).get(5, TimeUnit.SECONDS);
        StoreWrite last = write(1);
        CompletableFuture<Void> held = w.submit(last);
        Thread.sleep(50); // the writer took it and is in its window now
        long start = System.nanoTime();
        w.close();
        assertThat(System.nanoTime() - start).as("not held for the 3 s window")
                .isLessThan(TimeUnit.MILLISECONDS.toNanos(1500));
        assertThat(held).isCompleted();
        assertThat(store.durable).contains(last);
    }

    /** A writer over {@code store} with at most 100 writes per commit and {@code window}. */
    private static BatchingWriter writer(RelayStore store, GroupWindow window) {
        return new BatchingWriter(store, 100, n -> { }, BatchingWriter.CommitListener.NONE, window);
    }
}
