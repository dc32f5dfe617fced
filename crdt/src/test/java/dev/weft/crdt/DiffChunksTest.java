package dev.weft.crdt;

import dev.weft.crdt.model.VersionVector;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link TextDocument#encodeDiff(VersionVector, int)}: chunks that each fit and together equal the whole diff. */
class DiffChunksTest {
    @Test
    void aBigPasteIsCutIntoChunksThatEachFitAndRebuildTheText() {
        TextDocument a = new TextDocument(1);
        // Random ASCII, 2-byte and 4-byte (surrogate pair) characters: incompressible, so the size estimate matters.
        String paste = randomText(new SplittableRandom(7), 20_000);
        a.insert(0, paste);
        TextDocument b = new TextDocument(2);
        List<byte[]> chunks = a.encodeDiff(b.version(), 4_096);
        assertThat(chunks.size()).isGreaterThan(10);
        for (byte[] c : chunks) {
            assertThat(c.length).isLessThanOrEqualTo(4_096);
            b.applyUpdate(c);
            b.checkInvariants();
        }
        assertThat(b.getText()).isEqualTo(paste);
        assertThat(b.version()).isEqualTo(a.version());
    }

    @Test
    void randomizedChunkedDiffsEqualTheWholeDiff() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            List<TextDocument> replicas = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                replicas.add(new TextDocument(100 + i));
            }
            // Random edits with occasional partial syncs, so that diffs start in the middle of runs and carry
            // other agents' items and deletes.
            for (int step = 0; step < 300; step++) {
                TextDocument d = replicas.get(rnd.nextInt(replicas.size()));
                if (d.length() > 0 && rnd.nextInt(4) == 0) {
                    int pos = rnd.nextInt(d.length());
                    int len = 1 + rnd.nextInt(Math.min(d.length() - pos, 30));
                    if (pos > 0 && Character.isLowSurrogate(d.getText().charAt(pos))
                            || pos + len < d.length() && Character.isLowSurrogate(d.getText().charAt(pos + len))) {
                        continue;
                    }
                    d.delete(pos, len);
                } else {
                    int pos = rnd.nextInt(d.length() + 1);
                    if (pos > 0 && pos < d.length() && Character.isLowSurrogate(d.getText().charAt(pos))) {
                        continue;
                    }
                    d.insert(pos, randomText(rnd, 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 2_000 : 20)));
                }
                if (rnd.nextInt(20) == 0) {
                    TextDocument from = replicas.get(rnd.nextInt(replicas.size()));
                    TextDocument to = replicas.get(rnd.nextInt(replicas.size()));
                    to.applyUpdate(from.encodeDiff(to.version()));
                }
            }
            TextDocument source = replicas.get(0);
            for (TextDocument target : replicas.subList(1, replicas.size())) {
                int max = 300 + rnd.nextInt(3_000);
                TextDocument expected = copy(target);
                expected.applyUpdate(source.encodeDiff(target.version()));
                TextDocument chunked = copy(target);
                for (byte[] c : source.encodeDiff(target.version(), max)) {
                    assertThat(c.length).as("seed %d chunk size", seed).isLessThanOrEqualTo(max);
                    chunked.applyUpdate(c);
                }
                chunked.checkInvariants();
                assertThat(chunked.getText()).as("seed %d", seed).isEqualTo(expected.getText());
                assertThat(chunked.version()).as("seed %d", seed).isEqualTo(expected.version());
                assertThat(chunked.hasPendingUpdates()).as("seed %d", seed).isFalse();
            }
        }
    }

    private static TextDocument copy(TextDocument d) {
        TextDocument c = new TextDocument(999);
        c.applyUpdate(d.encodeStateAsUpdate());
        return c;
    }

    private static String randomText(SplittableRandom rnd, int n) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) {
            switch (rnd.nextInt(5)) {
                case 0 -> sb.append('\u00e9');
                case 1 -> sb.append("\uD83D\uDE00");
                default -> sb.append((char) ('a' + rnd.nextInt(26)));
            }
        }
        return sb.toString();
    }
}
