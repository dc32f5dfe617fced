package dev.weft.crdt.sim;

import dev.weft.crdt.model.IdSet;
import dev.weft.crdt.model.Assoc;
import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.RelativePosition;
import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded simulated network of 2–8 replicas. Each {@link #step()} performs one random action: a local edit
 * (typing runs forwards and backwards, backspacing, deleting ranges that span other people's text, pasting,
 * emoji), delivering an in-flight message (in random order, sometimes keeping a duplicate), flushing one
 * replica's inbox, a sync between two replicas via {@code encodeDiff}/{@code encodeStateAsUpdate}, a partition
 * or its healing, a replica going offline (its inbox is lost) or coming back (it resyncs with one peer, which
 * forwards what it learned like a relay would), or a selective undo/redo of one of its own edits.
 *
 * <p>After every step every replica's invariants, change-event shadow and UTF-16 well-formedness are checked.
 * {@link #settle()} heals everything, delivers all messages, syncs all replicas and asserts convergence of
 * text and version vectors. Every failure is rethrown as an {@link AssertionError} whose message starts with
 * {@code seed=<seed>} and lists the most recent actions, so a failing run can be replayed exactly.
 */
public final class SimNetwork {
    /** Tunables of one simulation; immutable. */
    public record Config(int replicas, int maxLength, int gcPercent, boolean undo, boolean stateSync) {
        /** Defaults: documents up to ~600 units, no GC, selective undo on, syncs by diff and by full state. */
        public static Config of(int replicas) {
            return new Config(replicas, 600, 0, true, true);
        }

        public Config withGcPercent(int percent) {
            return new Config(replicas, maxLength, percent, undo, stateSync);
        }

        public Config withMaxLength(int max) {
            return new Config(replicas, max, gcPercent, undo, stateSync);
        }

        public Config withUndo(boolean on) {
            return new Config(replicas, maxLength, gcPercent, on, stateSync);
        }

        /**
         * Whether replicas that already hold content also sync by applying each other's full state
         * ({@code encodeStateAsUpdate}); when off they sync by {@code encodeDiff} only (full states are still
         * loaded into fresh replicas at the end).
         */
        public Config withStateSync(boolean on) {
            return new Config(replicas, maxLength, gcPercent, undo, on);
        }
    }

    /** An update in flight from one replica to another; immutable. */
    private record Message(int from, int to, byte[] bytes, String what) {
    }

    /** The seed that reproduces this run; immutable. */
    public final long seed;
    private final Config config;
    private final SplittableRandom rnd;
    private final List<SimReplica> replicas = new ArrayList<>();
    /** Messages sent but not delivered yet, in send order; mutable. */
    private final List<Message> inFlight = new ArrayList<>();
    /** Every update produced by a local edit, in creation order: together they hold every operation. */
    private final List<byte[]> allLocalUpdates = new ArrayList<>();
    /** Cursors taken on random replicas during the run; all replicas must resolve them alike at the end. */
    private final List<RelativePosition> cursors = new ArrayList<>();
    /** The last actions, for failure messages; mutable. */
    private final Deque<String> recent = new ArrayDeque<>();
    private int stepNo;
    private boolean partitioned;

    public SimNetwork(long seed, Config config) {
        if (config.replicas() < 2 || config.replicas() > 8) {
            throw new IllegalArgumentException("2..8 replicas, got " + config.replicas());
        }
        this.seed = seed;
        this.config = config;
        this.rnd = new SplittableRandom(seed);
        for (int i = 0; i < config.replicas(); i++) {
            long agent = rnd.nextLong(1L << 53);
            boolean gc = rnd.nextInt(100) < config.gcPercent();
            replicas.add(new SimReplica(i, agent, gc));
        }
    }

    public List<SimReplica> replicas() {
        return replicas;
    }

    /** Runs {@code steps} random steps and then {@link #settle()}. */
    public void run(int steps) {
        for (int i = 0; i < steps; i++) {
            step();
        }
        settle();
    }

    /** One random action followed by the invariant checks of every replica. */
    public void step() {
        stepNo++;
        guarded(() -> {
            int k = rnd.nextInt(100);
            if (k < 45) {
                edit(pick());
            } else if (k < 72) {
                deliverRandom();
            } else if (k < 77) {
                flushInbox(pick());
            } else if (k < 81) {
                gossip();
            } else if (k < 84) {
                togglePartition();
            } else if (k < 89) {
                toggleOnline(pick());
            } else if (k < 95 && config.undo()) {
                undoOrRedo(pick());
            } else {
                burst(pick());
            }
            checkAll("after step " + stepNo);
        });
    }

    /**
     * Heals partitions, brings everyone online, delivers every message (in random order, with some duplicates),
     * then syncs every replica through replica 0, and asserts that all replicas hold the same text and version,
     * that nothing is pending, and that a fresh replica fed every local update in random order agrees.
     */
    public void settle() {
        guarded(() -> {
            log("settle");
            partitioned = false;
            for (SimReplica r : replicas) {
                r.group = 0;
                r.online = true;
            }
            while (!inFlight.isEmpty()) {
                Message m = inFlight.remove(rnd.nextInt(inFlight.size()));
                replicas.get(m.to()).receive(m.bytes());
                if (rnd.nextInt(10) == 0) {
                    replicas.get(m.to()).receive(m.bytes());
                }
            }
            checkAll("after delivering everything");
            SimReplica hub = replicas.get(0);
            for (SimReplica r : replicas.subList(1, replicas.size())) {
                hub.receive(useState() ? r.doc.encodeStateAsUpdate() : r.doc.encodeDiff(hub.doc.version()));
            }
            for (SimReplica r : replicas.subList(1, replicas.size())) {
                r.receive(useState() ? hub.doc.encodeStateAsUpdate() : hub.doc.encodeDiff(r.doc.version()));
            }
            checkAll("after final sync");
            assertConverged();
        });
    }

    private void assertConverged() {
        SimReplica hub = replicas.get(0);
        String text = hub.doc.getText();
        VersionVector version = hub.doc.version();
        for (SimReplica r : replicas) {
            if (r.doc.hasPendingUpdates()) {
                throw new AssertionError(r + " still has pending updates after full sync");
            }
            if (!r.doc.getText().equals(text)) {
                throw new AssertionError("texts diverge:\n  r0: " + SimReplica.quote(text) + "\n  " + r + ": "
                    + SimReplica.quote(r.doc.getText()));
            }
            if (!r.doc.version().asMap().equals(version.asMap())) {
                throw new AssertionError("versions diverge: r0 " + version.asMap() + " vs " + r + " "
                    + r.doc.version().asMap());
            }
            if (!r.doc.version().covers(version) || !version.covers(r.doc.version())) {
                throw new AssertionError("equal versions must cover each other: " + version.asMap());
            }
            if (!r.receive(hub.doc.encodeDiff(r.doc.version())).isEmpty()) {
                throw new AssertionError(r + ": diff between equal versions reported changes");
            }
        }
        for (RelativePosition p : cursors) {
            int at = hub.doc.resolve(p);
            if (at < 0 || at > text.length()) {
                throw new AssertionError("cursor " + p + " resolves to " + at + " on r0 (length " + text.length() + ")");
            }
            for (SimReplica r : replicas) {
                if (r.doc.resolve(p) != at) {
                    throw new AssertionError("cursor " + p + " resolves to " + at + " on r0 but " + r.doc.resolve(p)
                        + " on " + r);
                }
            }
        }
        TextDocument fresh = new TextDocument(rnd.nextLong(1L << 53));
        Shadow shadow = new Shadow();
        shadow.apply(fresh.applyUpdate(hub.doc.encodeStateAsUpdate()));
        assertSame("state load", fresh, shadow, text, version);
        for (RelativePosition p : cursors) {
            if (fresh.resolve(p) != hub.doc.resolve(p)) {
                throw new AssertionError("cursor " + p + " resolves to " + hub.doc.resolve(p) + " on r0 but "
                    + fresh.resolve(p) + " on a replica loaded from r0's state");
            }
        }
        TextDocument replay = new TextDocument(rnd.nextLong(1L << 53));
        Shadow replayShadow = new Shadow();
        List<byte[]> shuffled = new ArrayList<>(allLocalUpdates);
        shuffle(shuffled);
        for (byte[] u : shuffled) {
            replayShadow.apply(replay.applyUpdate(u));
        }
        assertSame("every local update in random order", replay, replayShadow, text, version);
    }

    private static void assertSame(String what, TextDocument d, Shadow shadow, String text, VersionVector v) {
        d.checkInvariants();
        if (d.hasPendingUpdates()) {
            throw new AssertionError(what + ": fresh replica has pending updates");
        }
        if (!d.getText().equals(text) || !shadow.text().equals(text)) {
            throw new AssertionError(what + ": fresh replica text " + SimReplica.quote(d.getText()) + " (shadow "
                + SimReplica.quote(shadow.text()) + ") != " + SimReplica.quote(text));
        }
        if (!d.version().asMap().equals(v.asMap())) {
            throw new AssertionError(what + ": fresh replica version " + d.version().asMap() + " != " + v.asMap());
        }
    }

    // ---- actions ------------------------------------------------------------------------------------------

    private SimReplica pick() {
        return replicas.get(rnd.nextInt(replicas.size()));
    }

    private void edit(SimReplica r) {
        String t = r.doc.getText();
        if (r.runLeft <= 0 || t.length() > config.maxLength()) {
            int k = rnd.nextInt(20);
            r.mode = k < 8 ? SimReplica.Mode.FORWARD
                : k < 12 ? SimReplica.Mode.BACKWARD
                : k < 14 ? SimReplica.Mode.BACKSPACE
                : k < 16 ? SimReplica.Mode.DELETE_FORWARD
                : k < 18 ? SimReplica.Mode.RANGE_DELETE
                : SimReplica.Mode.PASTE;
            if (t.length() > config.maxLength()) {
                r.mode = SimReplica.Mode.RANGE_DELETE;
            }
            r.cursor = TextGen.position(rnd, t);
            r.runLeft = 1 + rnd.nextInt(10);
        }
        r.runLeft--;
        int pos = TextGen.snap(t, r.cursor);
        switch (r.mode) {
            case FORWARD -> {
                String s = TextGen.text(rnd, 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(3) : 0));
                insert(r, pos, s);
                r.cursor = pos + s.length();
            }
            case BACKWARD -> {
                String s = TextGen.text(rnd, 1);
                insert(r, pos, s);
                r.cursor = pos;
            }
            case PASTE -> {
                String s = rnd.nextInt(3) == 0 ? TextGen.emoji(rnd, 1 + rnd.nextInt(12))
                    : TextGen.text(rnd, 1 + rnd.nextInt(30));
                insert(r, pos, s);
                r.cursor = pos + s.length();
                r.runLeft = 0;
            }
            case BACKSPACE -> {
                int n = TextGen.unitBefore(t, pos);
                if (n > 0) {
                    delete(r, pos - n, n);
                }
                r.cursor = pos - n;
            }
            case DELETE_FORWARD -> {
                int n = TextGen.unitAt(t, pos);
                if (n > 0) {
                    delete(r, pos, n);
                }
            }
            case RANGE_DELETE -> {
                int max = Math.max(1, t.length() / (t.length() > config.maxLength() ? 2 : 4));
                int end = TextGen.snap(t, pos + 1 + rnd.nextInt(max));
                if (end > pos) {
                    delete(r, pos, end - pos);
                }
                r.runLeft = 0;
            }
        }
    }

    /** A paste or a large delete, the edits that create and remove long runs at once. */
    private void burst(SimReplica r) {
        String t = r.doc.getText();
        if (t.length() > config.maxLength() / 2 && rnd.nextBoolean()) {
            int pos = TextGen.position(rnd, t);
            int end = TextGen.snap(t, pos + rnd.nextInt(t.length() - pos + 1));
            if (end > pos) {
                delete(r, pos, end - pos);
            }
        } else {
            insert(r, TextGen.position(rnd, t), TextGen.text(rnd, 5 + rnd.nextInt(60)));
        }
    }

    private void insert(SimReplica r, int pos, String s) {
        VersionVector before = r.doc.version();
        long next = before.get(r.doc.agent());
        LocalEdit e = r.doc.insert(pos, s);
        log(r + " insert(" + pos + ", " + SimReplica.quote(s) + ")");
        if (e.inserted().size() != s.length() || !e.inserted().contains(r.doc.agent(), next)
            || !e.inserted().contains(r.doc.agent(), next + s.length() - 1) || !e.deleted().isEmpty()) {
            throw new AssertionError(r + ": insert of " + s.length() + " units reported ids " + e.inserted()
                + " deleted " + e.deleted() + " (expected seqs " + next + ".." + (next + s.length() - 1) + ")");
        }
        if (r.doc.version().get(r.doc.agent()) != next + s.length()) {
            throw new AssertionError(r + ": version of own agent should advance by " + s.length() + " to "
                + (next + s.length()) + " but is " + r.doc.version().get(r.doc.agent()));
        }
        local(r, e);
    }

    private void delete(SimReplica r, int pos, int len) {
        LocalEdit e = r.doc.delete(pos, len);
        log(r + " delete(" + pos + ", " + len + ")");
        if (e.deleted().size() != len || !e.inserted().isEmpty()) {
            throw new AssertionError(r + ": delete of " + len + " units reported deleted ids " + e.deleted()
                + " inserted " + e.inserted());
        }
        local(r, e);
    }

    private void local(SimReplica r, LocalEdit e) {
        r.recordLocal(e);
        allLocalUpdates.add(e.update());
        broadcast(r, e.update(), "edit");
        if (rnd.nextInt(16) == 0) {
            // A relay may echo a sender's own update back (e.g. inside a sync reply): it must be a no-op.
            log(r + " receives its own update back");
            if (!r.receive(e.update()).isEmpty()) {
                throw new AssertionError(r + ": own update echoed back reported changes");
            }
        }
        if (cursors.size() < 64 && rnd.nextInt(8) == 0) {
            int offset = TextGen.position(rnd, r.doc.getText());
            Assoc assoc = rnd.nextBoolean() ? Assoc.AFTER : Assoc.BEFORE;
            RelativePosition p = r.doc.relativePosition(offset, assoc);
            if (r.doc.resolve(p) != offset) {
                throw new AssertionError(r + ": relativePosition(" + offset + ", " + assoc + ") = " + p
                    + " resolves to " + r.doc.resolve(p));
            }
            if (!RelativePosition.decode(p.encode()).equals(p)) {
                throw new AssertionError(p + " does not survive encode/decode");
            }
            cursors.add(p);
        }
    }

    /** Sends {@code update} to every other replica that is online (partitioned ones get it after healing). */
    private void broadcast(SimReplica from, byte[] update, String what) {
        if (!from.online) {
            return;
        }
        for (SimReplica to : replicas) {
            if (to != from && to.online) {
                inFlight.add(new Message(from.index, to.index, update, what));
            }
        }
    }

    private boolean deliverable(Message m) {
        SimReplica from = replicas.get(m.from());
        SimReplica to = replicas.get(m.to());
        return to.online && from.group == to.group;
    }

    private void deliverRandom() {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < inFlight.size(); i++) {
            if (deliverable(inFlight.get(i))) {
                candidates.add(i);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        // Bias towards old messages (a network mostly keeps order) but often pick any: reordering and delay.
        int idx = rnd.nextInt(3) == 0 ? candidates.get(0) : candidates.get(rnd.nextInt(candidates.size()));
        Message m = inFlight.get(idx);
        boolean duplicate = rnd.nextInt(8) == 0;
        if (!duplicate) {
            inFlight.remove(idx);
        }
        log("deliver " + m.what() + " r" + m.from() + "->r" + m.to() + (duplicate ? " (kept duplicate)" : ""));
        replicas.get(m.to()).receive(m.bytes());
    }

    private void flushInbox(SimReplica r) {
        log("flush inbox of " + r);
        for (int i = 0; i < inFlight.size(); ) {
            Message m = inFlight.get(i);
            if (m.to() == r.index && deliverable(m)) {
                inFlight.remove(i);
                r.receive(m.bytes());
            } else {
                i++;
            }
        }
    }

    private void gossip() {
        SimReplica a = pick();
        SimReplica b = pick();
        if (a == b || !a.online || !b.online || a.group != b.group) {
            return;
        }
        sync(a, b);
    }

    /** Two-way sync as the protocol does it: each side sends what the other's version lacks. */
    private void sync(SimReplica a, SimReplica b) {
        boolean state = useState() && rnd.nextBoolean();
        log("sync " + a + " <-> " + b + (state ? " by full state" : " by diff"));
        byte[] toB = state ? a.doc.encodeStateAsUpdate() : a.doc.encodeDiff(b.doc.version());
        byte[] toA = state ? b.doc.encodeStateAsUpdate() : b.doc.encodeDiff(a.doc.version());
        b.receive(toB);
        a.receive(toA);
    }

    private void togglePartition() {
        if (partitioned) {
            log("heal partition");
            for (SimReplica r : replicas) {
                r.group = 0;
            }
            partitioned = false;
        } else {
            for (SimReplica r : replicas) {
                r.group = rnd.nextInt(2);
            }
            partitioned = true;
            StringBuilder sb = new StringBuilder("partition:");
            for (SimReplica r : replicas) {
                sb.append(' ').append(r);
            }
            log(sb.toString());
        }
    }

    private void toggleOnline(SimReplica r) {
        if (r.online) {
            r.online = false;
            inFlight.removeIf(m -> m.to() == r.index);
            log(r + " goes offline (its inbox is lost)");
            return;
        }
        r.online = true;
        log(r + " comes back online");
        List<SimReplica> peers = new ArrayList<>();
        for (SimReplica p : replicas) {
            if (p != r && p.online && p.group == r.group) {
                peers.add(p);
            }
        }
        if (peers.isEmpty()) {
            return;
        }
        SimReplica peer = peers.get(rnd.nextInt(peers.size()));
        // Like the relay: the peer sends what r lacks, r sends its diff, and the peer forwards r's diff to all.
        byte[] fromR = r.doc.encodeDiff(peer.doc.version());
        r.receive(useState() && rnd.nextBoolean() ? peer.doc.encodeStateAsUpdate() : peer.doc.encodeDiff(r.doc.version()));
        peer.receive(fromR);
        log("  resynced with " + peer + ", which forwards " + fromR.length + " bytes");
        broadcast(peer, fromR, "forwarded diff of r" + r.index);
    }

    private void undoOrRedo(SimReplica r) {
        if (r.history.isEmpty()) {
            return;
        }
        LocalEdit past = r.history.get(rnd.nextInt(r.history.size()));
        LocalEdit e;
        if (!past.inserted().isEmpty()) {
            e = r.doc.deleteIds(past.inserted());
            log(r + " deleteIds(" + past.inserted() + ")  [undo of an insert]");
        } else if (!past.deleted().isEmpty() && !r.gc) {
            e = r.doc.restore(past.deleted());
            log(r + " restore(" + past.deleted() + ")  [undo of a delete]");
        } else {
            return;
        }
        if (e.inserted().isEmpty() && e.deleted().isEmpty() && !e.changes().isEmpty()) {
            throw new AssertionError(r + ": undo edit with no ids reported changes " + e.changes());
        }
        local(r, e);
    }

    /** Half of the syncs use full states when {@link Config#stateSync()} is on. */
    private boolean useState() {
        boolean coin = rnd.nextBoolean();
        return config.stateSync() && coin;
    }

    // ---- checking -----------------------------------------------------------------------------------------

    private void checkAll(String context) {
        for (SimReplica r : replicas) {
            r.check(context);
        }
    }

    private void log(String line) {
        if (recent.size() == 40) {
            recent.removeFirst();
        }
        recent.addLast(stepNo + ": " + line);
    }

    private void guarded(Runnable action) {
        try {
            action.run();
        } catch (Throwable e) {
            StringBuilder sb = new StringBuilder("seed=" + seed + " replicas=" + config.replicas() + " gc%="
                + config.gcPercent() + " failed at step " + stepNo + ": " + e + "\nlast actions:\n");
            for (String line : recent) {
                sb.append("  ").append(line).append('\n');
            }
            throw new AssertionError(sb.toString(), e);
        }
    }

    private void shuffle(List<byte[]> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            byte[] t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    /** Ids helper for tests: the union of the inserted ids of {@code edits}. */
    public static IdSet insertedIds(List<LocalEdit> edits) {
        IdSet s = IdSet.EMPTY;
        for (LocalEdit e : edits) {
            s = s.union(e.inserted());
        }
        return s;
    }
}
