package dev.weft.crdt.core;

import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.MalformedUpdateException;
import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Mutated and random bytes: either a clean apply or MalformedUpdateException with the replica unchanged. */
class DecoderFuzzTest {

    @Test
    void mutatedUpdatesAreRejectedCleanlyOrApplied() {
        SplittableRandom rnd = new SplittableRandom(42);
        List<byte[]> corpus = new ArrayList<>();
        TextDocument a = new TextDocument(1), b = new TextDocument(2);
        for (int i = 0; i < 60; i++) {
            TextDocument d = i % 3 == 0 ? b : a;
            LocalEdit e = d.length() > 3 && rnd.nextInt(3) == 0 ? d.delete(rnd.nextInt(d.length() - 2), 2)
                    : d.insert(rnd.nextInt(d.length() + 1), "x\u00e9\u4e2dyz".substring(0, 1 + rnd.nextInt(5)));
            corpus.add(e.update());
            (d == a ? b : a).applyUpdate(e.update());
        }
        for (int i = 0; i < 200; i++) {
            a.insert(rnd.nextInt(a.length() + 1), "lorem ipsum dolor sit amet ".substring(rnd.nextInt(20)));
        }
        corpus.add(a.encodeStateAsUpdate());
        corpus.add(b.encodeStateAsUpdate());
        corpus.add(a.encodeDiff(b.version()));
        corpus.add(VersionVector.EMPTY.encode());
        int rejected = 0, applied = 0;
        for (int iter = 0; iter < 20_000; iter++) {
            byte[] base = corpus.get(rnd.nextInt(corpus.size()));
            byte[] m = mutate(base, rnd);
            TextDocument target = new TextDocument(9);
            if (rnd.nextBoolean()) {
                target.applyUpdate(corpus.get(0));
            }
            String before = target.getText();
            VersionVector vb = target.version();
            try {
                target.applyUpdate(m);
                applied++;
            } catch (MalformedUpdateException e) {
                rejected++;
                assertThat(target.getText()).as("iteration %d", iter).isEqualTo(before);
                assertThat(target.version()).isEqualTo(vb);
            } catch (RuntimeException e) {
                throw new AssertionError("iteration " + iter + " (seed 42): " + e, e);
            }
            target.checkInvariants();
        }
        assertThat(rejected).isPositive();
        assertThat(applied).isPositive();
    }

    private static byte[] mutate(byte[] base, SplittableRandom rnd) {
        byte[] m = base.clone();
        switch (rnd.nextInt(5)) {
            case 0 -> m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
            case 1 -> m = java.util.Arrays.copyOf(m, rnd.nextInt(m.length));
            case 2 -> {
                for (int k = 0; k < 4; k++) {
                    m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 3 -> {
                m = new byte[rnd.nextInt(40)];
                for (int k = 0; k < m.length; k++) {
                    m[k] = (byte) rnd.nextInt(256);
                }
                if (m.length > 0 && rnd.nextBoolean()) {
                    m[0] = 1;
                }
            }
            default -> {
                byte[] n = java.util.Arrays.copyOf(m, m.length + 1 + rnd.nextInt(8));
                for (int k = m.length; k < n.length; k++) {
                    n[k] = (byte) rnd.nextInt(256);
                }
                m = n;
            }
        }
        return m;
    }
}
