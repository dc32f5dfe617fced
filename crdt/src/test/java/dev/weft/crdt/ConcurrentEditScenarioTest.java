package dev.weft.crdt;

import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.TextChange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.sim.Peer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Named scenarios for concurrent inserts and deletes touching the same text: inserting into text someone else
 * deletes, overlapping and identical deletes, typing at the edges of a deleted range. Each is merged in both
 * directions and update-by-update in reverse order, and must give exactly the stated text.
 */
class ConcurrentEditScenarioTest {
    @Test
    void insertIntoTextThatIsConcurrentlyDeletedSurvives() {
        Peer a = base("hello world");
        Peer b = follower(a);
        a.delete(3, 5);                  // "lo wo"  -> helrld
        b.insert(5, "X");                // hello|X| world
        assertThat(merge(a, b)).isEqualTo("helXrld");
    }

    @Test
    void concurrentDeletesOfOverlappingRangesDeleteTheUnion() {
        Peer a = base("0123456789");
        Peer b = follower(a);
        LocalEdit da = a.delete(2, 4);   // 2345
        LocalEdit db = b.delete(4, 5);   // 45678
        assertThat(da.deleted().size()).isEqualTo(4);
        assertThat(db.deleted().size()).isEqualTo(5);
        List<TextChange> onA = a.apply(db.update());
        assertThat(onA.stream().mapToInt(TextChange::deleteLength).sum()).as("only 678 were still visible on a")
            .isEqualTo(3);
        b.apply(da.update());
        assertThat(Peer.assertConverged(a, b)).isEqualTo("019");
    }

    @Test
    void identicalConcurrentDeletesDeleteOnce() {
        Peer a = base("abcdef");
        Peer b = follower(a);
        Peer c = follower(a);
        a.delete(1, 3);
        b.delete(1, 3);
        c.insert(6, "!");
        assertThat(merge(a, b, c)).isEqualTo("aef!");
    }

    @Test
    void typingAtBothEdgesOfAConcurrentlyDeletedRangeKeepsBothSides() {
        Peer a = base("abcdef");
        Peer b = follower(a);
        a.delete(1, 4);                  // bcde -> af
        b.insert(5, "]");                // abcde]f
        b.insert(1, "[");                // a[bcde]f
        assertThat(merge(a, b)).isEqualTo("a[]f");
    }

    @Test
    void insertsFromTwoReplicasIntoARegionAThirdDeletesKeepTheirOrder() {
        Peer a = base("abcdef");
        Peer b = follower(a);
        Peer c = follower(a);
        a.delete(1, 3);                  // bcd
        b.insert(3, "X");                // abc X def
        c.insert(2, "Y");                // ab Y cdef
        assertThat(merge(a, b, c)).isEqualTo("aYXef");
    }

    @Test
    void insertIntoAlreadyDeletedRegionAfterSeeingTheDelete() {
        Peer a = base("abcdef");
        Peer b = follower(a);
        a.delete(1, 4);                  // af
        b.pullFrom(a);
        b.insert(1, "Z");                // aZf, between the tombstones' neighbours
        a.insert(1, "W");                // concurrently at the same place
        String text = merge(a, b);
        assertThat(text).isIn("aWZf", "aZWf");
    }

    @Test
    void deleteEverythingWhileOthersTypeEverywhere() {
        Peer a = base("abc");
        Peer b = follower(a);
        a.delete(0, 3);
        b.insert(3, "3");
        b.insert(2, "2");
        b.insert(1, "1");
        b.insert(0, "0");
        assertThat(merge(a, b)).isEqualTo("0123");
    }

    @Test
    void deleteSpanningTextFromThreeAuthors() {
        Peer a = base("aaa");
        Peer b = follower(a);
        b.insert(3, "bbb");
        Peer c = follower(b);
        c.insert(6, "ccc");
        a.pullFrom(c);
        assertThat(a.text()).isEqualTo("aaabbbccc");
        LocalEdit del = a.delete(2, 5);  // a bbb c
        assertThat(del.deleted().size()).isEqualTo(5);
        c.insert(4, "!");                // concurrently inside b's text
        assertThat(merge(a, b, c)).isEqualTo("aa!cc");
    }

    /**
     * Two users type at the same place, each keystroke delivered to the other after 0–2 further keystrokes,
     * cursors shifted by remote changes like an editor's: no keystroke is lost or duplicated, and each user's
     * keystrokes appear in the order typed.
     */
    @Test
    void samePlaceTypingWithPromptDeliveryLosesNoKeystroke() {
        for (long seed = 1; seed <= 200; seed++) {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
            Peer a = base("<>");
            Peer b = follower(a);
            int[] cursor = {1, 1};
            Peer[] peers = {a, b};
            java.util.List<java.util.ArrayDeque<byte[]>> inbox = java.util.List.of(new java.util.ArrayDeque<>(),
                new java.util.ArrayDeque<>());
            StringBuilder[] typed = {new StringBuilder(), new StringBuilder()};
            for (int k = 0; k < 40; k++) {
                int who = rnd.nextInt(2);
                String ch = String.valueOf((char) ((who == 0 ? 'a' : 'A') + k % 26));
                LocalEdit e = peers[who].insert(cursor[who], ch);
                cursor[who] += 1;
                typed[who].append(ch);
                inbox.get(1 - who).add(e.update());
                for (int r = 0; r < 2; r++) {
                    while (!inbox.get(r).isEmpty() && rnd.nextInt(3) != 0) {
                        for (TextChange c : peers[r].apply(inbox.get(r).poll())) {
                            if (c.offset() < cursor[r]) {
                                cursor[r] += c.insertText().length();
                            }
                        }
                    }
                }
            }
            for (int r = 0; r < 2; r++) {
                while (!inbox.get(r).isEmpty()) {
                    peers[r].apply(inbox.get(r).poll());
                }
            }
            String text = Peer.assertConverged(a, b);
            assertThat(text).as("seed=%d", seed).hasSize(2 + typed[0].length() + typed[1].length());
            assertThat(text.replaceAll("[^a-z]", "")).as("seed=%d a's keystrokes in order", seed)
                .isEqualTo(typed[0].toString());
            assertThat(text.replaceAll("[^A-Z]", "")).as("seed=%d b's keystrokes in order", seed)
                .isEqualTo(typed[1].toString());
        }
    }

    private static Peer base(String text) {
        Peer a = new Peer("a", 10);
        a.insert(0, text);
        return a;
    }

    private static int nextAgent = 20;

    private static Peer follower(Peer source) {
        Peer p = new Peer("p" + nextAgent, nextAgent++);
        p.pullFrom(source);
        return p;
    }

    /** Delivers everyone's own updates to everyone else in reverse order, then compares. */
    private static String merge(Peer... peers) {
        for (Peer to : peers) {
            for (Peer from : peers) {
                if (to != from) {
                    for (int i = from.outbox.size() - 1; i >= 0; i--) {
                        to.apply(from.outbox.get(i));
                    }
                }
            }
        }
        return Peer.assertConverged(peers);
    }
}
