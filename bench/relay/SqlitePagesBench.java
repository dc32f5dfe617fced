import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Random;

/**
 * Pages and CPU per update of the relay's SQLite append path, per table layout, outside the relay:
 * {@code java -cp weft-relay.jar bench/relay/SqlitePagesBench.java [commits] [updatesPerCommit] [docs]}.
 *
 * <p>For each layout ({@code rowid}: the schema-2 table with a rowid and a separate primary-key index;
 * {@code without_rowid}: the primary key is the table), with and without the per-commit counter update
 * ({@code UPDATE meta}), it appends {@code updatesPerCommit} updates of 40 bytes to random documents of {@code docs}
 * per commit ({@code synchronous=FULL}, WAL) after pre-filling 500 updates per document, and prints WAL frames
 * (pages written) per commit and per update, and the committing thread's CPU (user + system) per update. The WAL is
 * never checkpointed during the measurement (wal_autocheckpoint=0), so its growth counts every page written.
 */
public class SqlitePagesBench {
    public static void main(String[] args) throws Exception {
        int commits = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int perCommit = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int docs = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        for (String layout : new String[] {"rowid", "without_rowid"}) {
            for (boolean counter : new boolean[] {true, false}) {
                run(layout, counter, commits, perCommit, docs);
            }
        }
    }

    static void run(String layout, boolean counter, int commits, int perCommit, int docs) throws Exception {
        Path dir = Files.createTempDirectory("weft-sqlite-pages");
        Path db = dir.resolve("weft.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("PRAGMA wal_autocheckpoint=0");
                s.execute("CREATE TABLE updates (room TEXT NOT NULL, name TEXT NOT NULL, seq INTEGER NOT NULL,"
                        + " data BLOB NOT NULL, PRIMARY KEY (room, name, seq))"
                        + (layout.equals("without_rowid") ? " WITHOUT ROWID" : ""));
                s.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
                s.execute("INSERT INTO meta VALUES ('commits', 0)");
            }
            c.setAutoCommit(false);
            Random random = new Random(7);
            long[] seqs = new long[docs];
            byte[] data = new byte[40];
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO updates (room, name, seq, data) VALUES (?, ?, ?, ?)");
                    PreparedStatement bump = c.prepareStatement(
                            "UPDATE meta SET value = value + 1 WHERE key = 'commits'")) {
                for (int d = 0; d < docs; d++) {
                    for (int i = 0; i < 500; i++) {
                        append(ins, d, ++seqs[d], data, random);
                    }
                }
                c.commit();
                try (Statement s = c.createStatement()) {
                    c.setAutoCommit(true);
                    s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                    c.setAutoCommit(false);
                }
                Path wal = dir.resolve("weft.db-wal");
                long walBefore = Files.exists(wal) ? Files.size(wal) : 0;
                var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
                long cpu0 = bean.getCurrentThreadCpuTime();
                long wall0 = System.nanoTime();
                for (int k = 0; k < commits; k++) {
                    for (int i = 0; i < perCommit; i++) {
                        int d = random.nextInt(docs);
                        append(ins, d, ++seqs[d], data, random);
                    }
                    if (counter) {
                        bump.executeUpdate();
                    }
                    c.commit();
                }
                long cpu = bean.getCurrentThreadCpuTime() - cpu0;
                long wall = System.nanoTime() - wall0;
                long frames = (Files.size(wal) - Math.max(32, walBefore)) / (4096 + 24);
                double updates = (double) commits * perCommit;
                System.out.printf("%-14s counter=%-5s %d commits x %d updates, %d docs: %.2f pages/commit,"
                        + " %.3f pages/update, CPU %.1f us/update (%.1f us/commit), wall %.2f ms/commit%n",
                        layout, counter, commits, perCommit, docs, frames / (double) commits, frames / updates,
                        cpu / 1e3 / updates, cpu / 1e3 / commits, wall / 1e6 / commits);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    static void append(PreparedStatement ins, int doc, long seq, byte[] data, Random random) throws Exception {
        random.nextBytes(data);
        ins.setString(1, "room-" + doc + "-0123456789abcdef");
        ins.setString(2, "load.txt");
        ins.setLong(3, seq);
        ins.setBytes(4, data);
        ins.executeUpdate();
    }
}
