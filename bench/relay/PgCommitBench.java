import dev.weft.relay.store.PostgresStore;
import dev.weft.relay.store.RoomRecord;
import dev.weft.relay.store.StoreWrite;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Group-commit cost of the PostgreSQL store, the step a cluster's cross-node fan-out waits for: one
 * {@code PostgresStore.commit} of a batch holding {@code --per-doc} appends to each of {@code --docs} documents
 * (one per room, as the cluster benchmark's rooms), repeated {@code --rounds} times after 5 unmeasured ones.
 * Prints p50/p90/p99/max in ms as one JSON line. Benchmark: asserts nothing.
 *
 * <p>{@code --snapshot-log N} (compaction): first fills the log with N entries per document, interleaved (each fill
 * commit appends one entry to every document, as rooms typing together do), then times {@code --rounds} pairs of
 * commits, alternating: the same {@code --per-doc} appends to every document, once alone and once with a
 * {@code SaveSnapshot} of one more document (a different one each round, {@code --snapshot-bytes} long) covering
 * its whole log, which drops its N entries. Prints both distributions, then EXPLAIN (ANALYZE, BUFFERS) of the
 * DELETE a snapshot runs, for one more document, rolled back. {@code --checkpoint true}: a CHECKPOINT before each
 * timed commit (the worst case: every page a commit changes is its first change since a checkpoint).
 *
 * <p>Usage: {@code java -cp weft-relay.jar bench/relay/PgCommitBench.java postgresql://HOST:PORT/DB?user=U
 * [--docs 250] [--per-doc 4] [--rounds 50] [--snapshot-log 0] [--snapshot-bytes 8192] [--checkpoint false]}
 * (run.sh pgcommit starts a private PostgreSQL for it).
 */
public class PgCommitBench {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int docs = 250, perDoc = 4, rounds = 50, snapshotLog = 0, snapshotBytes = 8192;
        boolean checkpoint = false;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--docs" -> docs = Integer.parseInt(args[i + 1]);
                case "--per-doc" -> perDoc = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--snapshot-log" -> snapshotLog = Integer.parseInt(args[i + 1]);
                case "--snapshot-bytes" -> snapshotBytes = Integer.parseInt(args[i + 1]);
                case "--checkpoint" -> checkpoint = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        PostgresStore store = PostgresStore.open(url);
        String run = Long.toHexString(System.nanoTime());
        List<StoreWrite> setup = new ArrayList<>();
        for (int d = 0; d < docs; d++) {
            String room = "bench-" + run + "-" + d;
            setup.add(new StoreWrite.CreateRoom(new RoomRecord(room, new byte[32], new byte[32], 0)));
            setup.add(new StoreWrite.CreateDocument(room, "load.txt"));
        }
        store.commit(setup);
        byte[] update = new byte[40];
        if (snapshotLog > 0) {
            snapshots(store, url, run, docs, perDoc, rounds, snapshotLog, snapshotBytes, checkpoint, update);
            store.close();
            return;
        }
        double[] ms = new double[rounds];
        for (int r = -5; r < rounds; r++) {
            long t0 = System.nanoTime();
            store.commit(appends(run, docs, perDoc, update));
            if (r >= 0) {
                ms[r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        store.close();
        Arrays.sort(ms);
        System.out.printf("{\"benchmark\": \"pg_commit\", \"docs\": %d, \"appends_per_commit\": %d,"
                + " \"rounds\": %d, %s}%n", docs, docs * perDoc, rounds, summary("commit_ms", ms));
    }

    static List<StoreWrite> appends(String run, int docs, int perDoc, byte[] update) {
        List<StoreWrite> batch = new ArrayList<>();
        for (int k = 0; k < perDoc; k++) {
            for (int d = 0; d < docs; d++) {
                batch.add(new StoreWrite.AppendUpdate("bench-" + run + "-" + d, "load.txt", 0, update));
            }
        }
        return batch;
    }

    static void snapshots(PostgresStore store, String url, String run, int docs, int perDoc, int rounds, int logLength,
                          int snapshotBytes, boolean checkpoint, byte[] update) throws Exception {
        if (rounds + 1 > docs) {
            throw new IllegalArgumentException("--snapshot-log needs --docs > --rounds (one document per snapshot)");
        }
        long[] head = new long[docs]; // last committed seq of each document
        long fill0 = System.nanoTime();
        for (int k = 0; k < logLength; k++) {
            trackHeads(store.commit(appends(run, docs, 1, update)), docs, head);
        }
        double fillSeconds = (System.nanoTime() - fill0) / 1e9;
        String statsBefore = tableStats(url);
        byte[] snapshot = new byte[snapshotBytes];
        new Random(1).nextBytes(snapshot);
        double[] plain = new double[rounds];
        double[] withSnapshot = new double[rounds];
        for (int r = -5; r < rounds; r++) {
            if (checkpoint) {
                checkpoint(url);
            }
            List<StoreWrite> a = appends(run, docs, perDoc, update);
            long t0 = System.nanoTime();
            trackHeads(store.commit(a), docs, head);
            double plainMs = (System.nanoTime() - t0) / 1e6;
            if (checkpoint) {
                checkpoint(url);
            }
            List<StoreWrite> b = appends(run, docs, perDoc, update);
            int victim = r + 5 < docs - 1 ? (r + 5) % (docs - 1) : 0; // the last document is kept for EXPLAIN
            b.add(new StoreWrite.SaveSnapshot("bench-" + run + "-" + victim, "load.txt", snapshot, head[victim]));
            long t1 = System.nanoTime();
            trackHeads(store.commit(b), docs, head);
            double snapshotMs = (System.nanoTime() - t1) / 1e6;
            if (r >= 0) {
                plain[r] = plainMs;
                withSnapshot[r] = snapshotMs;
            }
        }
        String explain = explainDelete(url, "bench-" + run + "-" + (docs - 1), head[docs - 1]);
        String statsAfter = tableStats(url);
        Arrays.sort(plain);
        Arrays.sort(withSnapshot);
        System.out.printf("{\"benchmark\": \"pg_commit_snapshot\", \"docs\": %d, \"log_entries_per_doc\": %d,"
                + " \"fill_seconds\": %.1f, \"appends_per_commit\": %d, \"snapshot_bytes\": %d, \"rounds\": %d,"
                + " \"checkpoint_before_each\": %b, %s, %s}%n", docs, logLength, fillSeconds, docs * perDoc,
                snapshotBytes, rounds, checkpoint,
                summary("plain_commit_ms", plain), summary("snapshot_commit_ms", withSnapshot));
        System.err.println("updates table before the timed rounds: " + statsBefore);
        System.err.println("updates table after: " + statsAfter);
        System.err.println("EXPLAIN (ANALYZE, BUFFERS) of one snapshot's DELETE (" + head[docs - 1]
                + " entries), rolled back:\n" + explain);
    }

    static void trackHeads(long[] seqs, int docs, long[] head) {
        for (int i = 0; i < seqs.length; i++) {
            if (seqs[i] > 0) {
                int d = i % docs; // appends() lists every document once per --per-doc round, in order
                head[d] = Math.max(head[d], seqs[i]);
            }
        }
    }

    static String summary(String name, double[] sorted) {
        int n = sorted.length;
        return String.format("\"%s_p50\": %.2f, \"%s_p90\": %.2f, \"%s_p99\": %.2f, \"%s_max\": %.2f", name,
                sorted[n / 2], name, sorted[(int) (n * 0.9)], name, sorted[(int) (n * 0.99)], name, sorted[n - 1]);
    }

    /** A CHECKPOINT: the next change to each page writes the whole page to the WAL first (full_page_writes). */
    static void checkpoint(String url) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:" + url); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        }
    }

    static String tableStats(String url) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:" + url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM updates),"
                     + " pg_size_pretty(pg_relation_size('updates')), pg_size_pretty(pg_relation_size('updates_pkey')),"
                     + " n_dead_tup, n_live_tup FROM pg_stat_user_tables WHERE relname = 'updates'")) {
            rs.next();
            return rs.getLong(1) + " rows, heap " + rs.getString(2) + ", primary key index " + rs.getString(3)
                    + ", n_dead_tup " + rs.getLong(4) + ", n_live_tup " + rs.getLong(5);
        }
    }

    static String explainDelete(String url, String room, long upTo) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:" + url)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS)"
                    + " DELETE FROM updates WHERE room = ? AND name = ? AND seq <= ?")) {
                ps.setString(1, room);
                ps.setString(2, "load.txt");
                ps.setLong(3, upTo);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.append("  ").append(rs.getString(1)).append('\n');
                    }
                }
            }
            c.rollback();
        }
        return out.toString();
    }
}
