import dev.weft.relay.store.PostgresStore;
import dev.weft.relay.store.RoomRecord;
import dev.weft.relay.store.StoreWrite;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Group-commit cost of the PostgreSQL store, the step a cluster's cross-node fan-out waits for: one
 * {@code PostgresStore.commit} of a batch holding {@code --per-doc} appends to each of {@code --docs} documents
 * (one per room, as the cluster benchmark's rooms), repeated {@code --rounds} times after 5 unmeasured ones.
 * Prints p50/p90/p99/max in ms as one JSON line. Benchmark: asserts nothing.
 *
 * <p>Usage: {@code java -cp weft-relay.jar bench/relay/PgCommitBench.java postgresql://HOST:PORT/DB?user=U
 * [--docs 250] [--per-doc 4] [--rounds 50]} (run.sh pgcommit starts a private PostgreSQL for it).
 */
public class PgCommitBench {
    public static void main(String[] args) {
        String url = args[0];
        int docs = 250, perDoc = 4, rounds = 50;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--docs" -> docs = Integer.parseInt(args[i + 1]);
                case "--per-doc" -> perDoc = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
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
        double[] ms = new double[rounds];
        for (int r = -5; r < rounds; r++) {
            List<StoreWrite> batch = new ArrayList<>();
            for (int k = 0; k < perDoc; k++) {
                for (int d = 0; d < docs; d++) {
                    batch.add(new StoreWrite.AppendUpdate("bench-" + run + "-" + d, "load.txt", 0, update));
                }
            }
            long t0 = System.nanoTime();
            store.commit(batch);
            if (r >= 0) {
                ms[r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        store.close();
        Arrays.sort(ms);
        System.out.printf("{\"benchmark\": \"pg_commit\", \"docs\": %d, \"appends_per_commit\": %d, \"rounds\": %d,"
                + " \"commit_ms_p50\": %.2f, \"commit_ms_p90\": %.2f, \"commit_ms_p99\": %.2f, \"commit_ms_max\": %.2f}%n",
                docs, docs * perDoc, rounds, ms[rounds / 2], ms[(int) (rounds * 0.9)], ms[(int) (rounds * 0.99)],
                ms[rounds - 1]);
    }
}
