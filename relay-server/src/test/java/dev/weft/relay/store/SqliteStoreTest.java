package dev.weft.relay.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
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
            List<Integer> completionOrder = createAndAppend500(w);
            assertThat(completionOrder).isSorted().hasSize(500);
            assertThat(commits.get()).as("group commit: fewer commits than writes").isLessThan(502);
            assertFailedBatchLeavesTheWriterWorking(s, w, new StoreWrite.AppendUpdate("r", "d", 1, new byte[] {1}));
        }
    }
}
