package dev.weft.bench.replay;

import dev.weft.bench.trace.Patch;
import dev.weft.bench.trace.Trace;
import dev.weft.bench.trace.Txn;
import dev.weft.crdt.TextDocument;

import java.util.Arrays;

/**
 * Replays a sequential trace through Weft's public CRDT API in three phases, each timed on its own:
 * <ol>
 *   <li><b>replay</b>: every patch as local edits on replica A ({@code delete} then {@code insert}, each
 *       returning its encoded update, which is kept);</li>
 *   <li><b>replay without updates</b>: the same local edits on a fresh replica A' without asking for their
 *       updates ({@code LocalEdit.update()} encodes on demand), the work diamond-types, Loro and Automerge do per
 *       patch;</li>
 *   <li><b>remote apply</b>: those updates applied one by one, in order, on a fresh replica B;</li>
 *   <li><b>encode</b> A's full state with {@code encodeStateAsUpdate}, then <b>load</b> it into a fresh replica C.</li>
 * </ol>
 * Postcondition of a correct CRDT: A, A', B and C all hold {@code trace.endContent()}.
 */
public final class WeftSequentialReplay {

    /** Agent of the editing replica A; B and C only receive. */
    public static final long AGENT_A = 1;
    private static final long AGENT_B = 2;
    private static final long AGENT_C = 3;

    private WeftSequentialReplay() {
    }

    /**
     * Outcome of one replay. Immutable except for the state array, which callers must not modify.
     *
     * @param textA            A's text after all local edits
     * @param textB            B's text after all remote updates
     * @param textC            C's text after loading A's encoded state
     * @param updates          number of local edits (= updates produced; a patch that deletes and inserts makes two)
     * @param updateBytes      total size of those updates
     * @param replayNanos      phase 1 time
     * @param replayNoUpdateNanos time of the same local edits on A' without encoding their updates
     * @param textNoUpdate     A''s text
     * @param remoteApplyNanos phase 2 time
     * @param encodeNanos      time of {@code encodeStateAsUpdate} on A
     * @param loadNanos        time to apply that state to an empty replica
     * @param state            A's encoded full state
     * @param allocated        bytes the running thread allocated in the replay, replay-without-updates and remote
     *                         apply phases, in that order (-1 each where the JVM does not count allocation)
     */
    public record Result(String textA, String textB, String textC, int updates, long updateBytes,
                         long replayNanos, long replayNoUpdateNanos, String textNoUpdate, long remoteApplyNanos,
                         long encodeNanos, long loadNanos, byte[] state, long[] allocated) {

        /** True when all three replicas hold {@code expected}. */
        public boolean allEqual(String expected) {
            return expected.equals(textA) && expected.equals(textNoUpdate) && expected.equals(textB)
                    && expected.equals(textC);
        }
    }

    /**
     * Runs the three phases.
     *
     * @param checkEvery call {@code checkInvariants()} on A after every {@code checkEvery} patches and on B after
     *                   as many updates (0: only at the end); the checks are included in the phase times, so
     *                   timing runs pass 0
     * @throws IllegalArgumentException if the trace is not sequential
     * @throws IllegalStateException    naming the patch index if a replica's invariant check fails
     */
    public static Result run(Trace trace, int checkEvery) {
        if (trace.kind() != Trace.Kind.SEQUENTIAL) {
            throw new IllegalArgumentException(trace.name() + " is a concurrent trace: use merge");
        }
        Patch[] patches = patches(trace);
        byte[][] updates = new byte[patches.length * 2][];
        long[] allocated = new long[3];

        TextDocument a = new TextDocument(AGENT_A);
        long m0 = Allocation.thread();
        long t0 = System.nanoTime();
        int n = replayKeepingUpdates(a, patches, updates, checkEvery);
        long replayNanos = System.nanoTime() - t0;
        allocated[0] = Allocation.since(m0);
        check(a, "A at the end");

        TextDocument a2 = new TextDocument(AGENT_A);
        long m1 = Allocation.thread();
        long t0b = System.nanoTime();
        applyLocally(a2, patches);
        long replayNoUpdateNanos = System.nanoTime() - t0b;
        allocated[1] = Allocation.since(m1);
        String textNoUpdate = a2.getText();
        a2 = null;

        TextDocument b = new TextDocument(AGENT_B);
        long m2 = Allocation.thread();
        long t1 = System.nanoTime();
        applyUpdates(b, updates, n, checkEvery);
        long remoteNanos = System.nanoTime() - t1;
        allocated[2] = Allocation.since(m2);
        check(b, "B at the end");

        Encoded enc = encodeAndLoad(a, AGENT_C);
        TextDocument c = enc.loaded();
        check(c, "C after loading the state");

        long updateBytes = Arrays.stream(updates, 0, n).mapToLong(u -> u.length).sum();
        return new Result(a.getText(), b.getText(), c.getText(), n, updateBytes,
                replayNanos, replayNoUpdateNanos, textNoUpdate, remoteNanos, enc.encodeNanos(), enc.loadNanos(),
                enc.state(), allocated);
    }

    /** Every patch of every txn of {@code trace}, in order: the phases loop over an array, not nested lists. */
    static Patch[] patches(Trace trace) {
        Patch[] all = new Patch[trace.patchCount()];
        int i = 0;
        for (Txn txn : trace.txns()) {
            for (Patch p : txn.patches()) {
                all[i++] = p;
            }
        }
        return all;
    }

    /**
     * Phase 1: every patch as local edits on {@code a} (delete, then insert), each edit's update stored in
     * {@code updates} in order; checks {@code a}'s invariants every {@code checkEvery} patches (0: never).
     * Each phase is a method of its own, so no timed loop sits in one compiled method with another phase.
     *
     * @return the number of updates stored
     */
    static int replayKeepingUpdates(TextDocument a, Patch[] patches, byte[][] updates, int checkEvery) {
        int n = 0;
        for (int step = 0; step < patches.length; step++) {
            Patch p = patches[step];
            if (p.deleteCount() > 0) {
                updates[n++] = a.delete(p.pos(), p.deleteCount()).update();
            }
            if (!p.insert().isEmpty()) {
                updates[n++] = a.insert(p.pos(), p.insert()).update();
            }
            if (checkEvery > 0 && (step + 1) % checkEvery == 0) {
                check(a, "A after patch " + (step + 1));
            }
        }
        return n;
    }

    /** Phase 3: {@code updates[0 .. n-1]} applied to {@code b} in order; invariant checks as in phase 1. */
    static void applyUpdates(TextDocument b, byte[][] updates, int n, int checkEvery) {
        for (int i = 0; i < n; i++) {
            b.applyUpdate(updates[i]);
            if (checkEvery > 0 && (i + 1) % checkEvery == 0) {
                check(b, "B after update " + (i + 1));
            }
        }
    }

    /** Loads {@code state} into a fresh replica (what the load phase does), for heap measurement. */
    public static TextDocument load(byte[] state) {
        return load(state, AGENT_C);
    }

    /** Loads {@code state} into a fresh replica of {@code agent}. */
    static TextDocument load(byte[] state, long agent) {
        TextDocument c = new TextDocument(agent);
        c.applyUpdate(state);
        return c;
    }

    /**
     * Every patch of {@code trace} as local edits on {@code doc} (delete, then insert), without keeping their
     * updates: the "no updates" replay, and the way a benchmark builds a replica with a trace's history.
     */
    public static void applyLocally(TextDocument doc, Trace trace) {
        applyLocally(doc, patches(trace));
    }

    /** Phase 2: {@code patches} as local edits on {@code doc} without asking for their updates. */
    static void applyLocally(TextDocument doc, Patch[] patches) {
        for (Patch p : patches) {
            if (p.deleteCount() > 0) {
                doc.delete(p.pos(), p.deleteCount());
            }
            if (!p.insert().isEmpty()) {
                doc.insert(p.pos(), p.insert());
            }
        }
    }

    /** The encode and load phases: {@code source}'s full state, and a fresh replica of {@code agent} loaded from it. */
    record Encoded(byte[] state, long encodeNanos, TextDocument loaded, long loadNanos) {
    }

    static Encoded encodeAndLoad(TextDocument source, long agent) {
        long t2 = System.nanoTime();
        byte[] state = source.encodeStateAsUpdate();
        long encodeNanos = System.nanoTime() - t2;
        long t3 = System.nanoTime();
        TextDocument loaded = load(state, agent);
        long loadNanos = System.nanoTime() - t3;
        return new Encoded(state, encodeNanos, loaded, loadNanos);
    }

    static void check(TextDocument doc, String where) {
        try {
            doc.checkInvariants();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("invariant violated on replica " + where + ": " + e.getMessage(), e);
        }
    }
}
