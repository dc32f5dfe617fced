package dev.weft.client.cli;

import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.TextDocument;
import dev.weft.client.ConnectionState;
import dev.weft.client.SharedDocument;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code weft type}: replays a sequential trace's patches as local edits of one document, paced at {@code --rate}
 * patches per second (default: as fast as the relay acknowledges), and exits 0 only when the relay has
 * acknowledged every edit as durable. Relay restarts are survived by the transport's reconnect-and-resync.
 *
 * <p>Positions are clamped to the current text, so several typists may replay traces into one document at once
 * (the result is then a merge, not the trace's {@code endContent}).
 */
final class TypeCommand {
    /** At most this many local operations may be unacknowledged before typing waits for the relay. */
    static final long WINDOW = 4096;

    private final Args args;

    TypeCommand(List<String> argv) {
        Set<String> allowed = new HashSet<>(RelaySession.DOC_OPTIONS);
        allowed.add("trace");
        allowed.add("rate");
        this.args = Args.parse(argv, allowed);
    }

    int run(PrintStream err) throws InterruptedException {
        String name = args.required("doc");
        Path tracePath = Path.of(args.required("trace"));
        double rate = args.positive("rate", Double.POSITIVE_INFINITY);
        Duration timeout = RelaySession.timeout(args, 120);
        SequentialTrace trace = SequentialTrace.read(tracePath);
        try (RelaySession session = RelaySession.connect(args, timeout)) {
            if (session.client.readOnly()) {
                throw new WeftCli.CliFailure("this secret gives read-only access; weft type needs the editor secret");
            }
            SharedDocument doc = session.open(name);
            RelaySession.await(doc.firstSync(), timeout, session,
                    "no sync reply for '" + name + "' within " + timeout.toSeconds() + " s");
            Progress progress = new Progress(err, trace.patches().size(), doc, session);
            err.println("weft type: joined, typing " + trace.patches().size() + " patches into '" + name + "'");
            long start = System.nanoTime();
            int i = 0;
            for (SequentialTrace.Patch p : trace.patches()) {
                if (rate != Double.POSITIVE_INFINITY) {
                    long due = start + (long) (i / rate * 1e9);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                while (doc.unackedCount() > WINDOW) {
                    progress.maybePrint(i);
                    Thread.sleep(2);
                }
                doc.editAll(d -> apply(d, p)).join();
                i++;
                progress.maybePrint(i);
            }
            progress.print(i, "typed; waiting for acknowledgements");
            if (!doc.awaitAllAcked(timeout)) {
                throw new WeftCli.CliFailure(doc.unackedCount() + " edits not acknowledged by the relay within "
                        + timeout.toSeconds() + " s");
            }
            progress.print(i, "done, all acknowledged");
            doc.close();
            return 0;
        }
    }

    /**
     * Applies one patch as local edits (a delete, then an insert), clamped to the current text and never splitting
     * a surrogate pair.
     *
     * @return the edits made, in order (each must be sent)
     */
    static List<LocalEdit> apply(TextDocument d, SequentialTrace.Patch p) {
        int pos = Math.min(p.pos(), d.length());
        int del = Math.min(p.delete(), d.length() - pos);
        List<LocalEdit> edits = new ArrayList<>(2);
        if (del > 0) {
            try {
                edits.add(d.delete(pos, del));
            } catch (IllegalArgumentException splitsPair) {
                // Code-point traces or other typists' emoji: widen the range to whole pairs (the replica refused
                // the edit and is unchanged).
                String text = d.getText();
                int start = pos;
                int end = pos + del;
                if (splits(text, start)) {
                    start--;
                }
                if (splits(text, end)) {
                    end++;
                }
                edits.add(d.delete(start, end - start));
                pos = start;
            }
        }
        if (!p.insert().isEmpty()) {
            try {
                edits.add(d.insert(pos, p.insert()));
            } catch (IllegalArgumentException splitsPair) {
                edits.add(d.insert(splits(d.getText(), pos) ? pos - 1 : pos, p.insert()));
            }
        }
        return edits;
    }

    /** True if {@code offset} falls between the two halves of a surrogate pair of {@code text}. */
    private static boolean splits(String text, int offset) {
        return offset > 0 && offset < text.length()
                && Character.isSurrogatePair(text.charAt(offset - 1), text.charAt(offset));
    }

    /** Progress lines on stderr, at most one per second. */
    private static final class Progress {
        private final PrintStream err;
        private final int total;
        private final SharedDocument doc;
        private final RelaySession session;
        private long lastNanos = System.nanoTime();

        Progress(PrintStream err, int total, SharedDocument doc, RelaySession session) {
            this.err = err;
            this.total = total;
            this.doc = doc;
            this.session = session;
        }

        void maybePrint(int done) {
            if (System.nanoTime() - lastNanos >= 1_000_000_000L) {
                print(done, null);
            }
        }

        void print(int done, String note) {
            lastNanos = System.nanoTime();
            ConnectionState s = session.client.state();
            err.println("weft type: " + done + "/" + total + " patches, " + doc.unackedCount() + " unacked, "
                    + s.name().toLowerCase(java.util.Locale.ROOT) + (note == null ? "" : ", " + note));
        }
    }
}
