package dev.weft.crdt;

import dev.weft.crdt.codec.UpdateDecoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TextDocument#integrateDecoded} (what the relay uses) against {@link TextDocument#applyDecoded}: fed the
 * same updates in the same order, a replica that reports no changes ends in exactly the state of one that does,
 * whatever the order — out of causal order (buffered, then integrated when the dependency arrives), duplicated,
 * multi-item, deletes of remote text, surrogate pairs, garbage-collecting replicas — and a snapshot into a pristine
 * replica.
 */
class QuietIntegrationTest {

    private static final String[] PIECES = {"a", "b", "xyz", "\n", "\uD83D\uDE00", "long pasted line of text ", ""};

    @TestFactory
    Stream<DynamicTest> quietReplicaEndsInTheStateOfTheReportingOneUnderShuffledDuplicatedDelivery() {
        return LongStream.range(0, 40).mapToObj(seed -> DynamicTest.dynamicTest("seed=" + seed, () -> run(seed)));
    }

    private static void run(long seed) {
        Random rnd = new Random(seed);
        boolean gc = seed % 2 == 1;
        TextDocument.Options options = new TextDocument.Options(gc);
        int writers = 2 + rnd.nextInt(3);
        List<TextDocument> authors = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            authors.add(new TextDocument(10 + i, options));
        }
        List<byte[]> updates = new ArrayList<>();
        for (int step = 0; step < 300; step++) {
            TextDocument d = authors.get(rnd.nextInt(writers));
            if (rnd.nextInt(6) == 0) { // an author catches up with another one (so later edits delete its text)
                TextDocument other = authors.get(rnd.nextInt(writers));
                d.applyUpdate(other.encodeDiff(d.version()));
            }
            String text = d.getText();
            if (text.isEmpty() || rnd.nextInt(3) > 0) {
                int pos = safeOffset(text, rnd.nextInt(text.length() + 1));
                updates.add(d.insert(pos, PIECES[rnd.nextInt(PIECES.length)]).update());
            } else {
                int from = safeOffset(text, rnd.nextInt(text.length()));
                int to = safeOffset(text, Math.min(text.length(), from + 1 + rnd.nextInt(12)));
                updates.add(d.delete(from, to - from).update());
            }
        }
        // shuffled (out of causal order), with some updates delivered twice
        List<byte[]> delivery = new ArrayList<>(updates);
        for (int i = 0; i < updates.size() / 10; i++) {
            delivery.add(updates.get(rnd.nextInt(updates.size())));
        }
        Collections.shuffle(delivery, rnd);

        TextDocument reporting = new TextDocument(99, options);
        TextDocument quiet = new TextDocument(98, options);
        for (byte[] u : delivery) {
            reporting.applyDecoded(UpdateDecoder.decode(u));
            quiet.integrateDecoded(UpdateDecoder.decode(u));
        }
        quiet.checkInvariants();
        reporting.checkInvariants();
        assertThat(quiet.hasPendingUpdates()).isFalse();
        assertThat(quiet.getText()).isEqualTo(reporting.getText());
        assertThat(quiet.version()).isEqualTo(reporting.version());
        assertThat(quiet.runs()).isEqualTo(reporting.runs());
        assertThat(quiet.encodeStateAsUpdate()).isEqualTo(reporting.encodeStateAsUpdate());

        // and both equal an author that received everything
        TextDocument all = authors.get(0);
        for (TextDocument other : authors) {
            all.applyUpdate(other.encodeDiff(all.version()));
        }
        assertThat(quiet.getText()).isEqualTo(all.getText());
    }

    @Test
    void snapshotIntoAPristineQuietReplicaLoadsTheWholeState() {
        TextDocument source = new TextDocument(1);
        source.insert(0, "hello \uD83D\uDE00 world");
        source.delete(0, 6);
        TextDocument quiet = new TextDocument(2);
        quiet.integrateDecoded(UpdateDecoder.decode(source.encodeStateAsUpdate()));
        quiet.checkInvariants();
        assertThat(quiet.getText()).isEqualTo("\uD83D\uDE00 world");
        assertThat(quiet.version()).isEqualTo(source.version());
    }

    /** {@code offset}, moved back by one if it falls between the halves of a surrogate pair. */
    private static int safeOffset(String text, int offset) {
        if (offset > 0 && offset < text.length() && Character.isLowSurrogate(text.charAt(offset))
                && Character.isHighSurrogate(text.charAt(offset - 1))) {
            return offset - 1;
        }
        return offset;
    }
}
