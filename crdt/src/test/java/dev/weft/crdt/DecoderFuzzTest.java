package dev.weft.crdt;

import dev.weft.crdt.model.Assoc;
import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.MalformedUpdateException;
import dev.weft.crdt.model.RelativePosition;
import dev.weft.crdt.model.TextChange;
import dev.weft.crdt.model.UpdateTooLargeException;
import dev.weft.crdt.model.VersionVector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.weft.crdt.sim.Mutator;
import dev.weft.crdt.sim.Peer;
import dev.weft.crdt.sim.Shadow;
import dev.weft.crdt.sim.TextGen;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Decoder fuzzing with a seeded mutator (random bytes, truncation at every offset, bit flips, byte insertions
 * and deletions, varint overflows, huge lengths, splices). Every input must either apply cleanly — leaving a
 * replica whose invariants hold, whose change events rebuild its text and whose state re-encodes and loads —
 * or throw {@link MalformedUpdateException} and leave the replica exactly as it was (text, version, pending
 * flag and encoded state). Any other exception, or a hang, fails with the seed, case number and input in hex.
 *
 * <p>CI runs a fixed budget ({@code -Dweft.fuzz.cases=N}); {@link #decoderFuzzForever} is the long variant.
 */
class DecoderFuzzTest {
    static final int CASES = Integer.getInteger("weft.fuzz.cases", 15_000);
    /**
     * Wall-clock limit per batch, only to turn a hang into a failure: generous, because CI machines are shared
     * (a batch takes a few seconds on an idle 2-core machine).
     */
    static final int HANG_SECONDS = Integer.getInteger("weft.fuzz.hangSeconds", 240);

    /** The replica state every case starts from, and the corpus of valid updates relative to it. */
    static final class Fixture {
        final byte[] baseState;
        final List<byte[]> corpus = new ArrayList<>();
        /** An update that depends on {@link #dependency}, so a replica given only it has it pending. */
        final byte[] late;
        final byte[] dependency;
        /** Text of a base replica after {@link #late} and then {@link #dependency}. */
        final String textAfterDependency;

        Fixture(long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Peer a = new Peer("a", 1);
            Peer b = new Peer("b", (1L << 53) - 3);
            Peer c = new Peer("c", 300);
            Peer[] peers = {a, b, c};
            EncodingRoundTripTest.edit(rnd, peers, 40);
            Peer.syncAndAssertConverged(peers);
            baseState = a.doc.encodeStateAsUpdate();
            corpus.add(baseState);
            VersionVector v = a.doc.version();
            // Diverge: single-edit updates of every kind, including ones whose dependencies are missing.
            corpus.add(b.insert(0, "x").update());
            corpus.add(b.insert(1, "hello 😀 world").update());
            corpus.add(c.delete(0, TextGen.snap(c.text(), Math.min(3, c.text().length()))).update());
            corpus.add(a.insert(TextGen.position(rnd, a.text()), "🎉").update());
            LocalEdit del = a.delete(0, TextGen.snap(a.text(), Math.min(5, a.text().length())));
            corpus.add(del.update());
            corpus.add(a.restore(del.deleted()).update());
            corpus.add(c.insert(c.text().length(), TextGen.text(rnd, 40)).update());
            Peer d = new Peer("d", 77);
            d.insert(0, "unrelated");
            corpus.add(d.outbox.get(0));
            corpus.add(d.delete(2, 3).update());
            Peer.syncAndAssertConverged(peers);
            corpus.add(a.doc.encodeDiff(v));
            corpus.add(b.doc.encodeStateAsUpdate());
            Peer gc = new Peer("gc", 88, true);
            gc.apply(a.doc.encodeStateAsUpdate());
            gc.delete(0, TextGen.snap(gc.text(), gc.text().length() / 2));
            corpus.add(gc.doc.encodeStateAsUpdate());
            corpus.add(new TextDocument(5).encodeStateAsUpdate());
            Peer e = new Peer("e", 555);
            e.apply(baseState);
            dependency = e.insert(0, "DEP").update();
            late = e.insert(3, "LATE😀").update();
            corpus.add(late);
            textAfterDependency = e.text();
        }

        /** A base replica holding {@link #late} as a pending update. */
        TextDocument targetWithPending() {
            TextDocument t = target();
            t.applyUpdate(late);
            if (!t.hasPendingUpdates()) {
                throw new AssertionError("fixture: late update should be pending");
            }
            return t;
        }

        TextDocument target() {
            TextDocument t = new TextDocument(4242);
            t.applyUpdate(baseState);
            return t;
        }
    }

    /** What a replica looked like before a call, to prove a rejected input changed nothing. */
    record Snapshot(String text, Map<Long, Long> version, boolean pending, byte[] state) {
        static Snapshot of(TextDocument d) {
            return new Snapshot(d.getText(), d.version().asMap(), d.hasPendingUpdates(), d.encodeStateAsUpdate());
        }

        void assertSame(TextDocument d, String context) {
            d.checkInvariants();
            if (!d.getText().equals(text) || !d.version().asMap().equals(version) || d.hasPendingUpdates() != pending
                || !Arrays.equals(d.encodeStateAsUpdate(), state)) {
                throw new AssertionError(context + ": replica changed although the update was rejected");
            }
        }
    }

    /** Runs one input against {@code t}; returns {@code t} if unchanged, else a fresh target. */
    static TextDocument check(Fixture fx, TextDocument t, byte[] input, String context) {
        return check(fx::target, t, input, context);
    }

    static TextDocument check(java.util.function.Supplier<TextDocument> fresh, TextDocument t, byte[] input,
                              String context) {
        Snapshot before = Snapshot.of(t);
        try {
            List<TextChange> changes = t.applyUpdate(input);
            t.checkInvariants();
            Shadow shadow = new Shadow(before.text());
            shadow.apply(changes);
            if (!shadow.text().equals(t.getText())) {
                throw new AssertionError("change events do not rebuild the text");
            }
            TextDocument reload = new TextDocument(99);
            reload.applyUpdate(t.encodeStateAsUpdate());
            reload.checkInvariants();
            if (!reload.getText().equals(t.getText()) || !reload.version().asMap().equals(t.version().asMap())) {
                throw new AssertionError("accepted update left a state that does not re-encode faithfully");
            }
            return fresh.get();
        } catch (MalformedUpdateException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError(context + ": MalformedUpdateException without a message", e);
            }
            before.assertSame(t, context);
            return t;
        } catch (Throwable e) {
            throw new AssertionError(context + " input=" + Mutator.hex(input) + " threw " + e, e);
        }
    }

    @Test
    void validCorpusAppliesCleanly() {
        Fixture fx = new Fixture(1);
        for (byte[] u : fx.corpus) {
            TextDocument t = fx.target();
            t.applyUpdate(u);
            t.checkInvariants();
        }
    }

    @Test
    void truncationAtEveryOffsetIsRejectedOrAppliedCleanly() {
        Fixture fx = new Fixture(2);
        assertTimeoutPreemptively(Duration.ofSeconds(HANG_SECONDS), () -> {
            TextDocument t = fx.target();
            int accepted = 0;
            for (int i = 0; i < fx.corpus.size(); i++) {
                byte[] u = fx.corpus.get(i);
                for (int len = 0; len < u.length; len++) {
                    TextDocument after = check(fx, t, Arrays.copyOf(u, len), "corpus " + i + " truncated to " + len);
                    if (after != t) {
                        accepted++;
                        t = after;
                    }
                }
            }
            System.out.println("truncation fuzz: " + accepted + " truncated inputs were accepted as valid");
        });
    }

    @Test
    void mutatedUpdatesAreRejectedOrAppliedCleanly() {
        runMutations(3, CASES);
    }

    @Test
    void rejectedUpdatesLeaveBufferedUpdatesIntact() {
        Fixture fx = new Fixture(8);
        Mutator mutator = new Mutator(8, fx.corpus);
        assertTimeoutPreemptively(Duration.ofSeconds(HANG_SECONDS), () -> {
            TextDocument t = fx.targetWithPending();
            for (int i = 0; i < CASES / 4; i++) {
                Mutator.Mutant m = mutator.next();
                TextDocument after = check(fx::targetWithPending, t, m.bytes(), "seed=8 case=" + i + " (" + m.how() + ")");
                if (after == t && i % 25 == 0) {
                    // Rejected: the pending update must still be there and integrate once its dependency arrives.
                    t.applyUpdate(fx.dependency);
                    t.checkInvariants();
                    if (t.hasPendingUpdates() || !t.getText().equals(fx.textAfterDependency)) {
                        throw new AssertionError("seed=8 case=" + i + " (" + m.how() + "): after a rejected input the"
                            + " buffered update was lost or damaged: " + t.getText());
                    }
                    after = fx.targetWithPending();
                }
                t = after;
            }
        });
    }

    @Test
    void randomBytesAreRejectedOrAppliedCleanly() {
        SplittableRandom rnd = new SplittableRandom(4);
        Fixture fx = new Fixture(4);
        assertTimeoutPreemptively(Duration.ofSeconds(HANG_SECONDS), () -> {
            TextDocument t = fx.target();
            for (int i = 0; i < CASES / 5; i++) {
                byte[] b = new byte[rnd.nextInt(64)];
                for (int j = 0; j < b.length; j++) {
                    b[j] = (byte) rnd.nextInt(256);
                }
                if (b.length > 0 && rnd.nextBoolean()) {
                    b[0] = fx.baseState[0];
                }
                t = check(fx, t, b, "seed=4 case=" + i);
            }
        });
    }

    @Test
    void versionVectorAndRelativePositionDecodersRejectGarbageWithTypedException() {
        List<byte[]> vvCorpus = List.of(VersionVector.EMPTY.encode(),
            VersionVector.of(Map.of(1L, 5L, (1L << 53) - 1, 1L << 40, 12345L, 99L)).encode());
        List<byte[]> rpCorpus = List.of(new RelativePosition(1, 2, Assoc.AFTER).encode(),
            new RelativePosition(-1, 0, Assoc.BEFORE).encode(),
            new RelativePosition((1L << 53) - 1, 1L << 40, Assoc.BEFORE).encode());
        assertTimeoutPreemptively(Duration.ofSeconds(HANG_SECONDS), () -> {
            Mutator vv = new Mutator(5, vvCorpus);
            Mutator rp = new Mutator(6, rpCorpus);
            for (int i = 0; i < CASES / 3; i++) {
                Mutator.Mutant m = vv.next();
                try {
                    VersionVector v = VersionVector.decode(m.bytes());
                    assertThat(VersionVector.decode(v.encode()).asMap()).isEqualTo(v.asMap());
                } catch (MalformedUpdateException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                } catch (Throwable e) {
                    throw new AssertionError("VersionVector.decode seed=5 case=" + i + " (" + m.how() + ") input="
                        + Mutator.hex(m.bytes()) + " threw " + e, e);
                }
                Mutator.Mutant r = rp.next();
                try {
                    RelativePosition p = RelativePosition.decode(r.bytes());
                    assertThat(RelativePosition.decode(p.encode())).isEqualTo(p);
                } catch (MalformedUpdateException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                } catch (Throwable e) {
                    throw new AssertionError("RelativePosition.decode seed=6 case=" + i + " (" + r.how()
                        + ") input=" + Mutator.hex(r.bytes()) + " threw " + e, e);
                }
            }
            for (byte[] valid : vvCorpus) {
                for (int len = 0; len < valid.length; len++) {
                    byte[] cut = Arrays.copyOf(valid, len);
                    try {
                        VersionVector.decode(cut);
                    } catch (MalformedUpdateException expected) {
                        // fine
                    }
                }
            }
        });
    }

    @Test
    void emptyAndTinyInputsAreRejectedWithTypedException() {
        Fixture fx = new Fixture(7);
        TextDocument t = fx.target();
        for (byte[] b : new byte[][] {{}, {0}, {(byte) 0xFF}, {fx.baseState[0]}, {(byte) (fx.baseState[0] + 1)}}) {
            t = check(fx, t, b, "tiny input");
        }
        Snapshot before = Snapshot.of(t);
        TextDocument target = t;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> target.applyUpdate(new byte[0]))
            .isInstanceOf(MalformedUpdateException.class);
        before.assertSame(t, "empty input");
    }

    /**
     * Compression bombs, built from the documented header (docs/crdt-format.md: version, flags with bit 0 =
     * DEFLATED, inflated length as a varint, raw DEFLATE): small inputs that inflate to 1 MB .. 128 MB of zeros,
     * with honest and lying declared lengths. Each is rejected or applied cleanly without exhausting memory.
     */
    @Test
    void compressionBombsAreRejectedWithoutExhaustingMemory() {
        Fixture fx = new Fixture(9);
        byte version = fx.baseState[0];
        assertTimeoutPreemptively(Duration.ofSeconds(HANG_SECONDS), () -> {
            TextDocument t = fx.target();
            for (int inflated : new int[] {1 << 20, 1 << 26, (1 << 26) + 1, 1 << 27}) {
                byte[] deflated = deflateZeros(inflated);
                for (long declared : new long[] {100, inflated, 1L << 26, Integer.MAX_VALUE, Long.MAX_VALUE}) {
                    for (int flags : new int[] {1, 3}) {
                        byte[] len = Mutator.varint(declared);
                        byte[] bomb = new byte[2 + len.length + deflated.length];
                        bomb[0] = version;
                        bomb[1] = (byte) flags;
                        System.arraycopy(len, 0, bomb, 2, len.length);
                        System.arraycopy(deflated, 0, bomb, 2 + len.length, deflated.length);
                        t = check(fx, t, bomb, "bomb inflating to " + inflated + " declaring " + declared
                            + " flags " + flags);
                    }
                }
            }
        });
    }

    /**
     * Valid updates at high decompression ratios (up to about 1000:1): one item of {@code units} equal characters,
     * {@code units} one-character items, or a table of {@code units} agents, deflated, against a random maximum
     * decoded length (seeded). Over the maximum, the decoder must throw {@link UpdateTooLargeException} before
     * allocating the decoded form (the calling thread allocates less than 1 MiB plus the input), leaving the replica
     * unchanged; within it, the update applies cleanly. Lying headers (declaring less than the payload holds) are
     * refused too.
     */
    @Test
    void highDecompressionRatiosAreRefusedBeforeAllocatingTheDecodedForm() {
        SplittableRandom rnd = new SplittableRandom(11);
        com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long me = Thread.currentThread().getId();
        assertTimeoutPreemptively(Duration.ofSeconds(HANG_SECONDS), () -> {
            int refused = 0;
            int applied = 0;
            for (int i = 0; i < 60; i++) {
                int shape = i % 3;
                int units = 1 << (10 + rnd.nextInt(shape == 0 ? 17 : 12)); // 1 Ki .. 64 Mi (items, agents: .. 2 Mi)
                int max = 1 << (10 + rnd.nextInt(16));
                byte[] body = shape == 0 ? oneLongItem(units) : shape == 1 ? manyItems(units) : manyAgents(units);
                byte[] update = deflatedUpdate(body, body.length);
                String context = "case " + i + " shape " + shape + " units " + units + " max " + max + " ("
                    + update.length + " bytes, ratio " + body.length / update.length + ")";
                TextDocument t = new TextDocument(4242);
                Snapshot before = Snapshot.of(t);
                long allocatedBefore = threads.getThreadAllocatedBytes(me);
                try {
                    t.applyUpdate(update, max);
                    applied++;
                    t.checkInvariants();
                    assertThat(t.length()).as(context).isEqualTo(shape == 2 ? 0 : units);
                } catch (UpdateTooLargeException e) {
                    long allocated = threads.getThreadAllocatedBytes(me) - allocatedBefore;
                    refused++;
                    assertThat(e.decodedLength()).as(context).isGreaterThan(max);
                    assertThat(e.limit()).as(context).isEqualTo(max);
                    assertThat(allocated).as(context + ": bytes allocated while refusing")
                        .isLessThan((1 << 20) + 4L * update.length);
                    before.assertSame(t, context);
                }
                // A header declaring fewer bytes than the payload inflates to is refused, whatever the maximum.
                if (body.length > 1) {
                    byte[] liar = deflatedUpdate(body, body.length / 2);
                    try {
                        t.applyUpdate(liar, Integer.MAX_VALUE);
                        throw new AssertionError(context + ": a lying inflated length was accepted");
                    } catch (MalformedUpdateException expected) {
                        assertThat(expected.getMessage()).isNotBlank();
                    }
                }
            }
            System.out.println("compression-ratio fuzz: " + applied + " applied, " + refused + " refused");
            assertThat(refused).isPositive();
            assertThat(applied).isPositive();
        });
    }

    /** Body (docs/crdt-format.md): one agent, one item of {@code units} 'a's without origins, no deletes. */
    private static byte[] oneLongItem(int units) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(units + 16);
        out.writeBytes(Mutator.varint(1));
        out.writeBytes(Mutator.varint(7));
        out.writeBytes(Mutator.varint(1));
        out.write(0); // agent index
        out.write(0); // seq delta (zigzag)
        out.writeBytes(Mutator.varint(units));
        out.write(0); // info: inserted, no origins
        out.write(0); // no delete ranges
        return withContent(out, units, 'a');
    }

    /** Body: one agent, {@code units} one-character items, each after the previous (originLeft), no deletes. */
    private static byte[] manyItems(int units) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(5 * units + 16);
        out.writeBytes(Mutator.varint(1));
        out.writeBytes(Mutator.varint(7));
        out.writeBytes(Mutator.varint(units));
        for (int k = 0; k < units; k++) {
            out.write(0); // agent index
            out.write(0); // seq delta
            out.write(1); // length
            out.write(k == 0 ? 0 : 2 << 2); // info: originLeft = previous item
        }
        out.write(0);
        return withContent(out, units, 'b');
    }

    /** Appends the content section, {@code units} copies of ASCII {@code c}, and returns the whole body. */
    private static byte[] withContent(java.io.ByteArrayOutputStream out, int units, char c) {
        byte[] content = new byte[units];
        Arrays.fill(content, (byte) c);
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** Body: a table of {@code units} distinct agents, no items, no deletes (inflates to an allocation per agent). */
    private static byte[] manyAgents(int units) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(4 * units + 16);
        out.writeBytes(Mutator.varint(units));
        for (int k = 0; k < units; k++) {
            out.writeBytes(Mutator.varint(k));
        }
        out.write(0);
        out.write(0);
        return out.toByteArray();
    }

    /** Header (version 1, DEFLATED, declared inflated length) + raw DEFLATE of {@code body}. */
    private static byte[] deflatedUpdate(byte[] body, long declared) {
        java.util.zip.Deflater d = new java.util.zip.Deflater(9, true);
        d.setInput(body);
        d.finish();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(1);
        out.write(1);
        out.writeBytes(Mutator.varint(declared));
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    private static byte[] deflateZeros(int n) {
        java.util.zip.Deflater d = new java.util.zip.Deflater(9, true);
        byte[] zeros = new byte[1 << 16];
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        for (int left = n; left > 0; left -= zeros.length) {
            d.setInput(zeros, 0, Math.min(left, zeros.length));
            while (!d.needsInput()) {
                out.write(buf, 0, d.deflate(buf));
            }
        }
        d.finish();
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    @Test
    @Tag("slow")
    void decoderFuzzForever() {
        long base = Long.getLong("weft.fuzz.forever.base", 1000L);
        int seeds = Integer.getInteger("weft.fuzz.forever.seeds", 50);
        for (long seed = base; seed < base + seeds; seed++) {
            runMutations(seed, 200_000);
        }
    }

    static void runMutations(long seed, int cases) {
        Fixture fx = new Fixture(seed);
        Mutator mutator = new Mutator(seed, fx.corpus);
        assertTimeoutPreemptively(Duration.ofSeconds(Math.max(HANG_SECONDS, cases / 200)), () -> {
            TextDocument t = fx.target();
            for (int i = 0; i < cases; i++) {
                Mutator.Mutant m = mutator.next();
                t = check(fx, t, m.bytes(), "seed=" + seed + " case=" + i + " (" + m.how() + ")");
            }
        }, () -> "seed=" + seed + ": decoder hung or was too slow");
    }
}
