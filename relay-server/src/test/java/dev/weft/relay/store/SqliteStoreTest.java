package dev.weft.relay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on SQLite, plus what only SQLite does: it stores the seqs the relay assigns. */
class SqliteStoreTest extends RelayStoreContract {
    @TempDir
    Path dir;

    @Override
    RelayStore open() {
        return SqliteStore.open(dir, SqliteStore.Synchronous.FULL);
    }

    @Test
    void aReusedSeqFailsItsBatchAndLaterBatchesStillCommit() throws Exception {
        try (SqliteStore s = SqliteStore.open(dir, SqliteStore.Synchronous.NORMAL)) {
            AtomicInteger commits = new AtomicInteger();
            BatchingWriter w = new BatchingWriter(s, 100, nanos -> commits.incrementAndGet());
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
            assertThat(completionOrder).isSorted().hasSize(500);
            assertThat(commits.get()).as("group commit: fewer commits than writes").isLessThan(502);
            CompletableFuture<Void> dup = w.submit(new StoreWrite.AppendUpdate("r", "d", 1, new byte[] {1}));
            assertThat(dup).failsWithin(30, TimeUnit.SECONDS);
            CompletableFuture<Void> after = w.submit(new StoreWrite.AppendUpdate("r", "d", 501, new byte[] {1}));
            after.get(30, TimeUnit.SECONDS);
            w.close();
            assertThatThrownBy(() -> w.submit(new StoreWrite.CreateDocument("r", "x")))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(s.loadDocument("r", "d").orElseThrow().log()).hasSize(501);
        }
    }
}
