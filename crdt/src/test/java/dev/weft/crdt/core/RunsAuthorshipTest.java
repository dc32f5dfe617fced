package dev.weft.crdt.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.IdRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link TextDocument#runs()}: who typed each character, the same on every replica. */
class RunsAuthorshipTest {

    /** Expands runs to one "agent:seq:deleted" entry per UTF-16 unit. */
    private static List<String> perUnit(TextDocument d) {
        List<String> out = new ArrayList<>();
        for (IdRun r : d.runs()) {
            for (int i = 0; i < r.length(); i++) {
                out.add(r.agent() + ":" + (r.seq() + i) + ":" + r.deleted());
            }
        }
        return out;
    }

    private static String visible(TextDocument d) {
        StringBuilder sb = new StringBuilder();
        for (IdRun r : d.runs()) {
            if (!r.deleted()) {
                sb.append(r.text());
            }
        }
        return sb.toString();
    }

    @Test
    void sequentialEditsByThreeAgentsAreAttributedToTheirTypistsCharacterByCharacter() {
        long seed = 20261205L;
        Random rnd = new Random(seed);
        TextDocument[] docs = {new TextDocument(11), new TextDocument(22), new TextDocument(33)};
        List<Long> shadowAuthors = new ArrayList<>();
        StringBuilder shadow = new StringBuilder();
        for (int step = 0; step < 400; step++) {
            int who = rnd.nextInt(3);
            TextDocument d = docs[who];
            byte[] update;
            if (shadow.length() > 0 && rnd.nextInt(3) == 0) {
                int pos = rnd.nextInt(shadow.length());
                int len = 1 + rnd.nextInt(Math.min(5, shadow.length() - pos));
                update = d.delete(pos, len).update();
                shadow.delete(pos, pos + len);
                shadowAuthors.subList(pos, pos + len).clear();
            } else {
                int pos = rnd.nextInt(shadow.length() + 1);
                String text = "abc\nxyz".substring(rnd.nextInt(4), 4 + rnd.nextInt(4));
                update = d.insert(pos, text).update();
                shadow.insert(pos, text);
                for (int i = 0; i < text.length(); i++) {
                    shadowAuthors.add(pos + i, d.agent());
                }
            }
            for (TextDocument o : docs) {
                if (o != d) {
                    o.applyUpdate(update);
                }
            }
        }
        for (TextDocument d : docs) {
            assertThat(d.getText()).as("seed %d", seed).isEqualTo(shadow.toString());
            assertThat(visible(d)).isEqualTo(d.getText());
            List<Long> authors = new ArrayList<>();
            for (IdRun r : d.runs()) {
                for (int i = 0; !r.deleted() && i < r.length(); i++) {
                    authors.add(r.agent());
                }
            }
            assertThat(authors).as("seed %d", seed).isEqualTo(shadowAuthors);
        }
    }

    @Test
    void concurrentEditsGiveTheSameRunsOnEveryReplicaAfterMerging() {
        for (long seed = 1; seed <= 20; seed++) {
            Random rnd = new Random(seed);
            TextDocument[] docs = {new TextDocument(5), new TextDocument(6), new TextDocument(7)};
            List<byte[]> log = new ArrayList<>();
            for (int step = 0; step < 60; step++) {
                TextDocument d = docs[rnd.nextInt(3)];
                if (d.length() > 0 && rnd.nextBoolean()) {
                    int pos = rnd.nextInt(d.length());
                    log.add(d.delete(pos, 1).update());
                } else {
                    log.add(d.insert(rnd.nextInt(d.length() + 1), "k" + step).update());
                }
                if (rnd.nextInt(4) == 0) {  // occasional partial exchange
                    TextDocument o = docs[rnd.nextInt(3)];
                    o.applyUpdate(d.encodeDiff(o.version()));
                }
            }
            for (TextDocument a : docs) {
                for (byte[] u : log) {
                    a.applyUpdate(u);
                }
            }
            for (TextDocument d : docs) {
                d.checkInvariants();
                assertThat(perUnit(d)).as("seed %d", seed).isEqualTo(perUnit(docs[0]));
                assertThat(visible(d)).isEqualTo(d.getText()).isEqualTo(docs[0].getText());
            }
        }
    }
}
