package dev.weft.crdt;

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
