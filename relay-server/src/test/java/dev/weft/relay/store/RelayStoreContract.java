package dev.weft.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The {@link RelayStore} contract, run against every implementation ({@link SqliteStoreTest}, {@link
 * PostgresStoreTest}). Seqs are handed out 1, 2, 3… per document, so a store that assigns seqs itself stores the
 * same ones.
 */
abstract class RelayStoreContract {

    /** Opens the store under test (the same data each call within one test). */
    abstract RelayStore open();

    static RoomRecord room(String id) {
        return new RoomRecord(id, new byte[] {1, 2}, new byte[] {3, 4}, 1234L);
    }

    /**
     * Submits room {@code r}, its document {@code d} and appends of seqs 1 to 500 to {@code w}, and waits (30 s at
     * most) until all appends completed.
     *
     * @return the seqs in the order their futures completed
     */
    static List<Integer> createAndAppend500(BatchingWriter w) throws Exception {
        w.submit(new StoreWrite.CreateRoom(room("r")));
        w.submit(new StoreWrite.CreateDocument("r", "d"));
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        List<Integer> completionOrder = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int seq = 1; seq <= 500; seq++) {
            int n = seq;
            CompletableFuture<Void> f = w.submit(new StoreWrite.AppendUpdate("r", "d", seq, new byte[] {1}));
            fs.add(f.thenRun(() -> completionOrder.add(n)));
        }
        CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        return completionOrder;
    }

    /**
     * After {@link #createAndAppend500}: {@code failing} (a write the store refuses) fails its batch, a later
     * append (seq 501) still commits, a closed writer refuses writes, and the document holds all 501 updates.
     */
    static void assertFailedBatchLeavesTheWriterWorking(RelayStore s, BatchingWriter w, StoreWrite failing)
            throws Exception {
        CompletableFuture<Void> dup = w.submit(failing);
        assertThat(dup).failsWithin(30, TimeUnit.SECONDS);
        CompletableFuture<Void> after = w.submit(new StoreWrite.AppendUpdate("r", "d", 501, new byte[] {1}));
        after.get(30, TimeUnit.SECONDS);
        w.close();
        assertThatThrownBy(() -> w.submit(new StoreWrite.CreateDocument("r", "x")))
                .isInstanceOf(IllegalStateException.class);
        assertThat(s.loadDocument("r", "d").orElseThrow().log()).hasSize(501);
    }

    @Test
    void roomsDocumentsAndLogSurviveReopen() {
        try (RelayStore s = open()) {
            long[] seqs = s.commit(List.of(new StoreWrite.CreateRoom(room("r1")),
                    new StoreWrite.CreateDocument("r1", "b.txt"), new StoreWrite.CreateDocument("r1", "a.txt"),
                    new StoreWrite.AppendUpdate("r1", "a.txt", 1, new byte[] {0, 0, 1}),
                    new StoreWrite.AppendUpdate("r1", "a.txt", 2, new byte[0])));
            assertThat(seqs).containsExactly(0, 0, 0, 1, 2);
        }
        try (RelayStore s = open()) {
            RoomRecord r = s.findRoom("r1").orElseThrow();
            assertThat(r.editorSecretHash()).containsExactly(1, 2);
            assertThat(r.readOnlySecretHash()).containsExactly(3, 4);
            assertThat(r.createdMillis()).isEqualTo(1234L);
            assertThat(s.findRoom("nope")).isEmpty();
            assertThat(s.documentNames("r1")).containsExactly("a.txt", "b.txt");
            StoredDocument a = s.loadDocument("r1", "a.txt").orElseThrow();
            assertThat(a.snapshot()).isEmpty();
            assertThat(a.log()).extracting(StoredDocument.LogEntry::seq).containsExactly(1L, 2L);
            assertThat(a.log().get(0).update()).containsExactly(0, 0, 1);
            assertThat(a.lastSeq()).isEqualTo(2);
            assertThat(s.loadDocument("r1", "missing")).isEmpty();
            assertThat(s.roomCount()).isEqualTo(1);
            assertThat(s.documentCount()).isEqualTo(2);
            assertThat(s.documentHeads("r1")).isEqualTo(Map.of("a.txt", 2L, "b.txt", 0L));
        }
    }

    @Test
    void snapshotReplacesTheLogUpToItsSeq() {
        try (RelayStore s = open()) {
            List<StoreWrite> w = new ArrayList<>(List.of(new StoreWrite.CreateRoom(room("r")),
                    new StoreWrite.CreateDocument("r", "d")));
            for (int seq = 1; seq <= 5; seq++) {
                w.add(new StoreWrite.AppendUpdate("r", "d", seq, new byte[] {(byte) seq}));
            }
            w.add(new StoreWrite.SaveSnapshot("r", "d", new byte[] {9, 9, 9}, 3));
            s.commit(w);
            StoredDocument d = s.loadDocument("r", "d").orElseThrow();
            assertThat(d.snapshot()).containsExactly(9, 9, 9);
            assertThat(d.snapshotSeq()).isEqualTo(3);
            assertThat(d.log()).extracting(StoredDocument.LogEntry::seq).containsExactly(4L, 5L);
            assertThat(d.storedBytes()).isEqualTo(5);
            assertThat(d.lastSeq()).isEqualTo(5);
            assertThat(s.documentHeads("r")).isEqualTo(Map.of("d", 5L));
            assertThatThrownBy(() -> s.commit(List.of(new StoreWrite.SaveSnapshot("r", "nope", new byte[1], 1))))
                    .isInstanceOf(StoreException.class).hasMessageContaining("missing document r/nope");
        }
    }

    @Test
    void aReaderHoldingAPrefixReadsOnlyWhatLiesAboveIt() {
        try (RelayStore s = open()) {
            List<StoreWrite> w = new ArrayList<>(List.of(new StoreWrite.CreateRoom(room("r")),
                    new StoreWrite.CreateDocument("r", "d")));
            for (int seq = 1; seq <= 6; seq++) {
                w.add(new StoreWrite.AppendUpdate("r", "d", seq, new byte[] {(byte) seq}));
            }
            w.add(new StoreWrite.SaveSnapshot("r", "d", new byte[] {9, 9, 9}, 3));
            s.commit(w);
            StoredDocument above4 = s.loadDocumentAfter("r", "d", 4).orElseThrow();
            assertThat(above4.snapshot()).as("the snapshot covers nothing above 4").isEmpty();
            assertThat(above4.snapshotSeq()).isEqualTo(3);
            assertThat(above4.log()).extracting(StoredDocument.LogEntry::seq).containsExactly(5L, 6L);
            assertThat(above4.lastSeq()).isEqualTo(6);
            StoredDocument above1 = s.loadDocumentAfter("r", "d", 1).orElseThrow();
            assertThat(above1.snapshot()).as("the snapshot moved past 1").containsExactly(9, 9, 9);
            assertThat(above1.log()).extracting(StoredDocument.LogEntry::seq).containsExactly(4L, 5L, 6L);
            StoredDocument above6 = s.loadDocumentAfter("r", "d", 6).orElseThrow();
            assertThat(above6.snapshot()).isEmpty();
            assertThat(above6.log()).isEmpty();
            assertThat(above6.lastSeq()).isEqualTo(3);
            StoredDocument whole = s.loadDocumentAfter("r", "d", -1).orElseThrow();
            assertThat(whole.snapshot()).containsExactly(9, 9, 9);
            assertThat(whole.log()).hasSize(3);
            assertThat(s.loadDocumentAfter("r", "nope", 0)).isEmpty();
        }
    }

    @Test
    void failedBatchLeavesNothingBehind() {
        try (RelayStore s = open()) {
            s.commit(List.of(new StoreWrite.CreateRoom(room("r")), new StoreWrite.CreateDocument("r", "d")));
            assertThatThrownBy(() -> s.commit(List.of(new StoreWrite.AppendUpdate("r", "d", 1, new byte[] {1}),
                    new StoreWrite.CreateRoom(room("r")))))
                    .isInstanceOf(StoreException.class).hasMessageContaining("commit of 2 writes");
            assertThat(s.loadDocument("r", "d").orElseThrow().log()).isEmpty();
            assertThat(s.commit(List.of(new StoreWrite.AppendUpdate("r", "d", 1, new byte[] {7})))).containsExactly(1);
            assertThat(s.loadDocument("r", "d").orElseThrow().log()).hasSize(1);
            s.probe();
        }
    }

    @Test
    void batchingWriterCompletesInOrderAndReportsFailuresPerBatch() throws Exception {
        try (RelayStore s = open()) {
            AtomicInteger commits = new AtomicInteger();
            List<Long> committedSeqs = java.util.Collections.synchronizedList(new ArrayList<>());
            BatchingWriter w = new BatchingWriter(s, 100, nanos -> commits.incrementAndGet(), (writes, seqs) -> {
                for (long seq : seqs) {
                    if (seq > 0) {
                        committedSeqs.add(seq);
                    }
                }
            });
            List<Integer> completionOrder = createAndAppend500(w);
            assertThat(completionOrder).isSorted().hasSize(500);
            assertThat(committedSeqs).as("the listener saw every seq, in order").isSorted().hasSize(500);
            assertThat(commits.get()).as("group commit: fewer commits than writes").isLessThan(502);
            assertFailedBatchLeavesTheWriterWorking(s, w, new StoreWrite.CreateRoom(room("r")));
        }
    }
}
